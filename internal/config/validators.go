package config

import "fmt"

// flagValidators are the DSN_DEFINE_validator predicates of the real servers
// (apache/incubator-pegasus @ db756dcd), rewritten in Go. Each receives the
// candidate value in the field of its flag's kind. The real server runs them
// at start-up and after /updateConfig parses a value; here only Update runs
// them, since only mutable flags can change at run time.
var flagValidators = map[string]func(value) bool{
	// src/utils/shared_io_service.cpp: at least kMinTimerServiceWorkerCount (3)
	// threads, one for metric collection and two for percentiles.
	"timer_service_worker_count": func(v value) bool { return v.u >= 3 },
	// src/client/replication_ddl_client.cpp
	"ddl_client_max_attempt_count": positiveUint,
	// src/meta/server_state.cpp
	"max_allowed_replica_count": positiveInt,
	"min_allowed_replica_count": positiveInt,
	// src/meta/meta_service.cpp
	"min_live_node_count_for_unfreeze": positiveUint,
	"node_live_percentage_threshold_for_update": func(v value) bool {
		return v.i >= 0 && v.i <= 100
	},
	// src/rpc/network.cpp
	"conn_pool_max_size": positiveUint,
	// src/server/available_detector.cpp, src/server/info_collector.cpp
	"available_detect_alert_script_dir": nonEmpty,
	"available_detect_app":              nonEmpty,
	"usage_stat_app":                    nonEmpty,
	// src/server/hotkey_collector.cpp: a prime of at least 3, so hashes
	// spread evenly over the buckets.
	"hotkey_buckets_num": func(v value) bool { return isPrime(v.u) },
	// src/server/capacity_unit_calculator.cpp: glibc's powerof2() from
	// <sys/param.h>, ((x - 1) & x) == 0, which also accepts 0.
	"perf_counter_read_capacity_unit_size":  func(v value) bool { return (v.u-1)&v.u == 0 },
	"perf_counter_write_capacity_unit_size": func(v value) bool { return (v.u-1)&v.u == 0 },
	// src/server/pegasus_server_impl_init.cpp
	"read_amp_bytes_per_bit": func(v value) bool {
		return v.i == 0 || v.i > 0 && v.i&(v.i-1) == 0
	},
	"rocksdb_filter_type":             func(v value) bool { return v.s == "common" || v.s == "prefix" },
	"rocksdb_format_version":          func(v value) bool { return v.i == 2 || v.i == 5 },
	"rocksdb_slow_query_threshold_ns": positiveUint,
	// src/replica/replica_stub.cpp
	"config_sync_interval_ms":                    positiveUint,
	"load_replica_max_wait_time_ms":              positiveUint,
	"max_concurrent_bulk_load_downloading_count": func(v value) bool { return v.i >= 0 },
	"max_replicas_on_load_for_each_disk":         positiveUint,
	"mem_release_max_reserved_mem_percentage": func(v value) bool {
		return v.i > 0 && v.i <= 100
	},
	"replicas_stat_interval_ms": positiveUint,
	// src/shell/commands/{node,table}_management.cpp
	"nodes_sample_interval_ms":  positiveUint,
	"tables_sample_interval_ms": positiveUint,
	// src/utils/simple_logger.cpp: these two uint64 flags are checked by a
	// lambda taking int32_t, so the value is truncated to its low 32 bits
	// first (4294967296 fails, 2147483648 fails as negative).
	"max_log_file_bytes":              func(v value) bool { return int32(v.u) > 0 },
	"max_number_of_log_files_on_disk": func(v value) bool { return int32(v.u) > 0 },
	// src/utils/simple_logger.cpp: the exact name of a level from DEBUG to
	// FATAL (enum_from_string is case-sensitive).
	"stderr_start_level_on_stdout": isLogLevel,
	"stderr_start_level":           isLogLevel,
}

func positiveUint(v value) bool { return v.u > 0 }
func positiveInt(v value) bool  { return v.i > 0 }
func nonEmpty(v value) bool     { return v.s != "" }

func isLogLevel(v value) bool {
	switch v.s {
	case "LOG_LEVEL_DEBUG", "LOG_LEVEL_INFO", "LOG_LEVEL_WARNING", "LOG_LEVEL_ERROR", "LOG_LEVEL_FATAL":
		return true
	}
	return false
}

// isPrime is the trial division of hotkey_collector.cpp: n >= 3 and no
// divisor i with i <= n/i.
func isPrime(n uint64) bool {
	if n < 3 {
		return false
	}
	for i := uint64(2); i <= n/i; i++ {
		if n%i == 0 {
			return false
		}
	}
	return true
}

// groupValidator is one DSN_DEFINE_group_validator: a check across flags
// that, when it fails, returns false and a message (possibly empty).
type groupValidator struct {
	name  string
	check func(r *Registry) (bool, string)
}

// groupValidators are all DSN_DEFINE_group_validator checks at db756dcd,
// in byte order of name: the real registry keeps failures in a std::map, so
// a combined message lists them in that order. The real server runs every
// one of them after any flag update, whichever flag changed.
var groupValidators = []groupValidator{
	// src/zookeeper/zookeeper_session.cpp
	{"consistency_between_configurations", func(r *Registry) (bool, string) {
		if s := r.raw("zookeeper_kerberos_service_name").s; s != "" && s != r.raw("sasl_service_name").s {
			return false, "zookeeper_kerberos_service_name deprecated, if set should be same as sasl_service_name."
		}
		if s := r.raw("zookeeper_sasl_service_fqdn").s; s != "" && s != r.raw("sasl_service_fqdn").s {
			return false, "zookeeper_sasl_service_fqdn deprecated, if set should be same as sasl_service_fqdn."
		}
		return true, ""
	}},
	// src/zookeeper/zookeeper_session.cpp
	{"enable_zookeeper_kerberos", func(r *Registry) (bool, string) {
		if r.raw("enable_zookeeper_kerberos").b && r.raw("sasl_mechanisms_type").s != "GSSAPI" {
			return false, "Please set [zookeeper] sasl_mechanisms_type to GSSAPI if [security] enable_zookeeper_kerberos is true."
		}
		return true, ""
	}},
	// src/replica/replica_stub.cpp
	{"encrypt_data_at_rest_pre_check", func(r *Registry) (bool, string) {
		if !r.raw("enable_acl").b && r.raw("encrypt_data_at_rest").b {
			return false, "[pegasus.server] encrypt_data_at_rest should be enabled only if [security] enable_acl is enabled."
		}
		return true, ""
	}},
	// src/replica/replica_stub.cpp (the production build; MOCK_TEST builds
	// skip this check)
	{"encrypt_data_at_rest_with_kms_url", func(r *Registry) (bool, string) {
		if r.raw("encrypt_data_at_rest").b && r.raw("hadoop_kms_url").s == "" {
			return false, "[security] hadoop_kms_url should not be empty when [pegasus.server] encrypt_data_at_rest is enabled."
		}
		return true, ""
	}},
	// src/nfs/nfs_client_impl.cpp: a non-zero rate, in MB, must exceed one
	// copy block. Upstream sets no message, so the failure text ends after
	// "failed". The shift wraps like the int64_t shift gcc emits.
	{"max_copy_rate_megabytes_per_disk", func(r *Registry) (bool, string) {
		v := r.raw("max_copy_rate_megabytes_per_disk").i
		return v == 0 || int64(uint64(v)<<20) > int64(r.raw("nfs_copy_block_bytes").u), ""
	}},
	// src/replica/replica.cpp
	{"max_mutation_count_in_prepare_list", func(r *Registry) (bool, string) {
		maxCount, staleness := r.raw("max_mutation_count_in_prepare_list").i, r.raw("staleness_for_commit").i
		if maxCount < staleness {
			return false, fmt.Sprintf("replication.max_mutation_count_in_prepare_list(%d) should be >= replication.staleness_for_commit(%d)", maxCount, staleness)
		}
		return true, ""
	}},
	// src/meta/server_state.cpp
	{"min_max_allowed_replica_count", func(r *Registry) (bool, string) {
		lo, hi := r.raw("min_allowed_replica_count").i, r.raw("max_allowed_replica_count").i
		if lo > hi {
			return false, fmt.Sprintf("meta_server.min_allowed_replica_count(%d) should be <= meta_server.max_allowed_replica_count(%d)", lo, hi)
		}
		return true, ""
	}},
	// src/geo/lib/geo_client.cpp
	{"min_max_level", func(r *Registry) (bool, string) {
		lo, hi := r.raw("min_level").i, r.raw("max_level").i
		if lo >= hi {
			return false, fmt.Sprintf("[geo_client.lib].min_level(%d) should be < [geo_client.lib].max_level(%d)", lo, hi)
		}
		return true, ""
	}},
}
