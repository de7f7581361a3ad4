package config

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// TestEmbeddedDataLoads checks the inventory: every line of flags.tsv became
// a flag with an evaluated default and a description, and the counts match
// wire-behaviour §9.1.
func TestEmbeddedDataLoads(t *testing.T) {
	if len(loadErrors) != 0 {
		t.Fatalf("load errors:\n%s", strings.Join(loadErrors, "\n"))
	}
	if len(specs) != 288 {
		t.Fatalf("%d flags, want 288", len(specs))
	}
	var mutable, validated, mutableStrings int
	for _, s := range specs {
		if s.mutable {
			mutable++
			if s.kind == kindString {
				mutableStrings++
			}
		}
		if s.hasValidator {
			validated++
		}
	}
	if mutable != 51 || validated != 29 || mutableStrings != 1 {
		t.Errorf("mutable=%d validated=%d mutable strings=%d, want 51, 29, 1", mutable, validated, mutableStrings)
	}
	if len(groupValidators) != 8 {
		t.Errorf("%d group validators, want 8", len(groupValidators))
	}
	if !sort.SliceIsSorted(groupValidators, func(a, b int) bool { return groupValidators[a].name < groupValidators[b].name }) {
		t.Error("group validators must be in byte order of name (std::map)")
	}
}

// TestEveryFlagHasDescription requires a description for every flag and no
// description for a flag that does not exist.
func TestEveryFlagHasDescription(t *testing.T) {
	descs := parseDescriptions(descriptionsTSV)
	for _, s := range specs {
		if strings.TrimSpace(s.desc) == "" {
			t.Errorf("%s has no description", s.name)
		}
	}
	for name := range descs {
		if _, ok := specIndex[name]; !ok {
			t.Errorf("description for unknown flag %s", name)
		}
	}
	const pinned = "The interval milliseconds of replica server to send replica config-sync requests to meta server"
	if d := descs["config_sync_interval_ms"]; d != pinned {
		t.Errorf("config_sync_interval_ms description %q, want the upstream-pinned text", d)
	}
}

// TestValidatorsMatchInventory checks that exactly the flags flags.tsv marks
// have a Go predicate.
func TestValidatorsMatchInventory(t *testing.T) {
	for _, s := range specs {
		if s.hasValidator != (s.validate != nil) {
			t.Errorf("%s: flags.tsv validator=%v, Go predicate=%v", s.name, s.hasValidator, s.validate != nil)
		}
	}
}

// TestDefaultsPassValidators: a real server CHECKs validators at start-up,
// so defaults must pass, except the collector's two table names, which have
// no usable default and must be configured before the collector starts.
func TestDefaultsPassValidators(t *testing.T) {
	mustConfigure := map[string]bool{"available_detect_app": true, "usage_stat_app": true}
	for _, s := range specs {
		if s.validate != nil && !s.validate(s.def) != mustConfigure[s.name] {
			t.Errorf("%s: default %q passes validator = %v", s.name, s.render(s.def), s.validate(s.def))
		}
	}
	if msg := New().runGroupValidators(); msg != "" {
		t.Errorf("group validators fail on defaults: %s", msg)
	}
}

// TestDefaultsRoundTrip: every default renders to text that parses back as
// the flag's type, so /config output can be fed to Set.
func TestDefaultsRoundTrip(t *testing.T) {
	r := New()
	for _, f := range r.All() {
		if err := r.Set(f.Name, f.Value); err != nil {
			t.Errorf("%s: Set(%q): %v", f.Name, f.Value, err)
		}
		if g, _ := r.Get(f.Name); g != f {
			t.Errorf("%s: after round trip %+v, want %+v", f.Name, g, f)
		}
	}
}

func TestDefaultValues(t *testing.T) {
	r := New()
	for _, c := range []struct{ name, want string }{
		{"timer_service_worker_count", "3"}, // kMinTimerServiceWorkerCount
		{"rpc_timeout_ms", "100000"},        // 1e5 into int32
		{"tcmalloc_release_rate", "1.00"},   // 1.
		{"rocksdb_bloom_filter_bits_per_key", "10.00"},
		{"rocksdb_max_bytes_for_level_multiplier", "10.00"},
		{"rocksdb_block_cache_capacity", "10737418240"},
		{"rocksdb_abnormal_batch_get_bytes_threshold", "10000000"},
		{"abnormal_write_trace_latency_threshold", "1000000000"},
		{"rocksdb_multi_get_max_iteration_size", "31457280"},
		{"hdfs_read_batch_size_bytes", "67108864"},
		{"dup_max_allowed_write_size", "1048576"},
		{"dup_progress_min_report_period_ms", "300000"},
		{"gc_disk_error_replica_interval_seconds", "604800"},
		{"gc_disk_garbage_replica_interval_seconds", "86400"},
		{"rocksdb_log_file_time_to_roll", "86400"},
		{"socket_recv_buffer_bytes", "16777216"},
		{"rocksdb_block_cache_num_shard_bits", "-1"},
		{"rocksdb_max_open_files", "-1"},
		{"logging_flush_on_exit", "true"},
		{"pause_on_start", "false"},
		{"distributed_lock_service_type", "distributed_lock_service_zookeeper"},
		{"meta_state_service_type", "meta_state_service_zookeeper"},
		{"logging_start_level", "LOG_LEVEL_INFO"},
		{"cluster_root", "/"},
		{"cluster_name", ""},
		{"server_key", "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"},
	} {
		f, ok := r.Get(c.name)
		if !ok || f.Value != c.want {
			t.Errorf("%s = %q (found %v), want %q", c.name, f.Value, ok, c.want)
		}
	}
}

// TestConfigSyncIntervalFlag is the upstream test's exact /config row (§3.3).
func TestConfigSyncIntervalFlag(t *testing.T) {
	f, ok := New().Get("config_sync_interval_ms")
	want := Flag{
		Name:        "config_sync_interval_ms",
		Section:     "replication",
		Type:        "FV_UINT32",
		Tags:        "flag_tag::FT_MUTABLE",
		Description: "The interval milliseconds of replica server to send replica config-sync requests to meta server",
		Value:       "30000",
	}
	if !ok || f != want {
		t.Fatalf("got %+v, want %+v", f, want)
	}
	if f, _ := New().Get("rocksdb_num_levels"); f.Tags != "" {
		t.Errorf("immutable flag has tags %q", f.Tags)
	}
	if _, ok := New().Get("no_such_flag"); ok {
		t.Error("unknown flag found")
	}
}

func TestEvalDefault(t *testing.T) {
	for _, c := range []struct {
		k    kind
		text string
		want value
	}{
		{kindInt32, "10 * 1024", value{i: 10240}},
		{kindInt32, "1e5", value{i: 100000}},
		{kindInt32, "-1", value{i: -1}},
		{kindInt32, "(1 + 2) * 3", value{i: 9}},
		{kindInt32, "0x10", value{i: 16}},
		{kindInt32, "010", value{i: 8}},
		{kindInt32, "7 / 2", value{i: 3}},
		{kindInt32, "std::numeric_limits<int32_t>::max()", value{i: 2147483647}},
		{kindInt64, "std::numeric_limits<int64_t>::min()", value{i: -1 << 63}},
		{kindUint32, "kMinTimerServiceWorkerCount", value{u: 3}},
		{kindUint64, "30 << 20", value{u: 30 << 20}},
		{kindUint64, "64U << 20U", value{u: 64 << 20}},
		{kindUint64, "5ULL * 60 * 1000", value{u: 300000}},
		{kindUint64, "10 * 1024 * 1024 * 1024ULL", value{u: 10 << 30}},
		{kindUint64, "1e7", value{u: 10000000}},
		{kindUint64, "std::numeric_limits<uint64_t>::max()", value{u: 1<<64 - 1}},
		{kindDouble, "1.", value{f: 1}},
		{kindDouble, "10", value{f: 10}},
		{kindDouble, "0.1", value{f: 0.1}},
		{kindDouble, ".5f", value{f: 0.5}},
		{kindDouble, "1.5e-3", value{f: 0.0015}},
		{kindBool, "true", value{b: true}},
		{kindBool, "false", value{b: false}},
		{kindBool, "1", value{b: true}},
		{kindString, `""`, value{s: ""}},
		{kindString, `"a" "b"`, value{s: "ab"}},
		{kindString, `"q\"\\"`, value{s: `q"\`}},
		{kindString, `"prod" (MOCK_TEST: "mock")`, value{s: "prod"}},
	} {
		got, err := evalDefault(c.k, c.text)
		if err != nil || got != c.want {
			t.Errorf("evalDefault(%d, %q) = %+v, %v; want %+v", c.k, c.text, got, err, c.want)
		}
	}
	for _, c := range []struct {
		k    kind
		text string
	}{
		{kindInt32, "kUnknownConstant"},
		{kindInt32, "5000000000"},
		{kindInt32, "2147483648"},
		{kindUint32, "-1"},
		{kindUint32, "1 <<"},
		{kindUint64, "(1"},
		{kindInt32, "1 / 0"},
		{kindInt32, "std::numeric_limits<short>::max()"},
		{kindString, `"unterminated`},
		{kindString, `unquoted`},
		{kindString, `"a" + 1`},
	} {
		if got, err := evalDefault(c.k, c.text); err == nil {
			t.Errorf("evalDefault(%d, %q) = %+v, want an error", c.k, c.text, got)
		}
	}
}

// TestUpdate covers every /updateConfig outcome of §9.2 with its exact text.
func TestUpdate(t *testing.T) {
	const inval = "ERR_INVALID_PARAMETERS: "
	for _, c := range []struct {
		name  string
		args  map[string]string
		want  string
		check string // flag whose value to check afterwards
		value string
	}{
		{"no args", map[string]string{}, inval + "there should be exactly one config to be updated once", "", ""},
		{"nil args", nil, inval + "there should be exactly one config to be updated once", "", ""},
		{"two args", map[string]string{"balance_cluster": "true", "row_lock_map_capacity": "1"}, inval + "there should be exactly one config to be updated once", "balance_cluster", "false"},
		{"unknown", map[string]string{"no_such_flag": "1"}, "ERR_OBJECT_NOT_FOUND: no_such_flag is not found", "", ""},
		{"unknown empty name", map[string]string{"": "1"}, "ERR_OBJECT_NOT_FOUND:  is not found", "", ""},
		{"immutable int", map[string]string{"rocksdb_num_levels": "3"}, inval + "rocksdb_num_levels is not mutable", "rocksdb_num_levels", "6"},
		{"immutable string", map[string]string{"server_key": "x"}, inval + "server_key is not mutable", "", ""},
		{"immutable double", map[string]string{"tcmalloc_release_rate": "2"}, inval + "tcmalloc_release_rate is not mutable", "tcmalloc_release_rate", "1.00"},
		{"immutable checked before parse", map[string]string{"rocksdb_num_levels": "junk"}, inval + "rocksdb_num_levels is not mutable", "", ""},
		{"mutable string", map[string]string{"dup_load_plog_task": "LPC_X"}, inval + "string modifications are not supported", "dup_load_plog_task", "LPC_REPLICATION_LONG_LOW"},

		// uint32
		{"uint32 ok", map[string]string{"config_sync_interval_ms": "20000"}, "ERR_OK", "config_sync_interval_ms", "20000"},
		{"uint32 negative", map[string]string{"config_sync_interval_ms": "-1"}, inval + "-1 is invalid", "config_sync_interval_ms", "30000"},
		{"uint32 flag-style empty", map[string]string{"config_sync_interval_ms": ""}, inval + " is invalid", "config_sync_interval_ms", "30000"},
		{"uint32 max", map[string]string{"duplicate_log_batch_bytes": "4294967295"}, "ERR_OK", "duplicate_log_batch_bytes", "4294967295"},
		{"uint32 overflow", map[string]string{"duplicate_log_batch_bytes": "4294967296"}, inval + "4294967296 is invalid", "duplicate_log_batch_bytes", "4096"},
		{"uint32 minus zero", map[string]string{"duplicate_log_batch_bytes": "-0"}, "ERR_OK", "duplicate_log_batch_bytes", "0"},
		{"uint32 hex", map[string]string{"duplicate_log_batch_bytes": "0x10"}, "ERR_OK", "duplicate_log_batch_bytes", "16"},
		{"uint32 octal", map[string]string{"duplicate_log_batch_bytes": "010"}, "ERR_OK", "duplicate_log_batch_bytes", "8"},
		{"uint32 trailing junk", map[string]string{"duplicate_log_batch_bytes": "12abc"}, inval + "12abc is invalid", "duplicate_log_batch_bytes", "4096"},
		{"uint32 bad octal", map[string]string{"duplicate_log_batch_bytes": "08"}, inval + "08 is invalid", "duplicate_log_batch_bytes", "4096"},

		// uint64
		{"uint64 max", map[string]string{"row_lock_map_capacity": "18446744073709551615"}, "ERR_OK", "row_lock_map_capacity", "18446744073709551615"},
		{"uint64 overflow", map[string]string{"row_lock_map_capacity": "18446744073709551616"}, inval + "18446744073709551616 is invalid", "row_lock_map_capacity", "1024"},
		{"uint64 negative", map[string]string{"row_lock_map_capacity": "-5"}, inval + "-5 is invalid", "row_lock_map_capacity", "1024"},

		// int32
		{"int32 negative", map[string]string{"inject_read_error_for_test": "-2147483648"}, "ERR_OK", "inject_read_error_for_test", "-2147483648"},
		{"int32 overflow", map[string]string{"inject_read_error_for_test": "2147483648"}, inval + "2147483648 is invalid", "inject_read_error_for_test", "0"},
		{"int32 hex", map[string]string{"inject_read_error_for_test": "0x10"}, "ERR_OK", "inject_read_error_for_test", "16"},
		{"int32 octal", map[string]string{"inject_read_error_for_test": "010"}, "ERR_OK", "inject_read_error_for_test", "8"},
		{"int32 float text", map[string]string{"inject_read_error_for_test": "1.5"}, inval + "1.5 is invalid", "inject_read_error_for_test", "0"},

		// int64
		{"int64 min", map[string]string{"max_send_rate_megabytes_per_disk": "-9223372036854775808"}, "ERR_OK", "max_send_rate_megabytes_per_disk", "-9223372036854775808"},
		{"int64 overflow", map[string]string{"max_send_rate_megabytes_per_disk": "9223372036854775808"}, inval + "9223372036854775808 is invalid", "max_send_rate_megabytes_per_disk", "0"},

		// bool
		{"bool true", map[string]string{"balance_cluster": "true"}, "ERR_OK", "balance_cluster", "true"},
		{"bool upper", map[string]string{"balance_cluster": "TRUE"}, "ERR_OK", "balance_cluster", "true"},
		{"bool mixed false", map[string]string{"reject_write_when_disk_insufficient": "FaLsE"}, "ERR_OK", "reject_write_when_disk_insufficient", "false"},
		{"bool one", map[string]string{"balance_cluster": "1"}, inval + "1 is invalid", "balance_cluster", "false"},
		{"bool zero", map[string]string{"reject_write_when_disk_insufficient": "0"}, inval + "0 is invalid", "reject_write_when_disk_insufficient", "true"},
		{"bool yes", map[string]string{"balance_cluster": "yes"}, inval + "yes is invalid", "balance_cluster", "false"},

		// per-flag validators
		{"validator zero", map[string]string{"config_sync_interval_ms": "0"}, inval + "value validation failed", "config_sync_interval_ms", "30000"},
		{"validator uint64", map[string]string{"max_replicas_on_load_for_each_disk": "0"}, inval + "value validation failed", "max_replicas_on_load_for_each_disk", "256"},
		{"validator int32", map[string]string{"max_allowed_replica_count": "0"}, inval + "value validation failed", "max_allowed_replica_count", "5"},
		{"validator before group", map[string]string{"min_allowed_replica_count": "-3"}, inval + "value validation failed", "min_allowed_replica_count", "1"},
		{"validator ok", map[string]string{"min_live_node_count_for_unfreeze": "1"}, "ERR_OK", "min_live_node_count_for_unfreeze", "1"},

		// group validators
		{"group min>max", map[string]string{"min_allowed_replica_count": "10"},
			inval + `group validator "min_max_allowed_replica_count" failed: "meta_server.min_allowed_replica_count(10) should be <= meta_server.max_allowed_replica_count(5)"`,
			"min_allowed_replica_count", "1"},
		{"group max<min", map[string]string{"max_allowed_replica_count": "0x0"}, inval + "value validation failed", "max_allowed_replica_count", "5"},
		{"group equal ok", map[string]string{"min_allowed_replica_count": "5"}, "ERR_OK", "min_allowed_replica_count", "5"},
		{"group no message", map[string]string{"max_copy_rate_megabytes_per_disk": "4"},
			inval + `group validator "max_copy_rate_megabytes_per_disk" failed`, "max_copy_rate_megabytes_per_disk", "0"},
		{"group negative rate", map[string]string{"max_copy_rate_megabytes_per_disk": "-1"},
			inval + `group validator "max_copy_rate_megabytes_per_disk" failed`, "max_copy_rate_megabytes_per_disk", "0"},
		{"group rate ok", map[string]string{"max_copy_rate_megabytes_per_disk": "5"}, "ERR_OK", "max_copy_rate_megabytes_per_disk", "5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := New()
			if got := r.Update(c.args); got != c.want {
				t.Errorf("Update(%v) = %q, want %q", c.args, got, c.want)
			}
			if c.check != "" {
				if f, _ := r.Get(c.check); f.Value != c.value {
					t.Errorf("%s = %q afterwards, want %q", c.check, f.Value, c.value)
				}
			}
		})
	}
}

// TestGroupValidatorRestores lowers max first, then shows the group check
// refusing min above it and keeping the old min.
func TestGroupValidatorRestores(t *testing.T) {
	r := New()
	if got := r.Update(map[string]string{"max_allowed_replica_count": "3"}); got != "ERR_OK" {
		t.Fatal(got)
	}
	want := `ERR_INVALID_PARAMETERS: group validator "min_max_allowed_replica_count" failed: "meta_server.min_allowed_replica_count(4) should be <= meta_server.max_allowed_replica_count(3)"`
	if got := r.Update(map[string]string{"min_allowed_replica_count": "4"}); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if r.Int("min_allowed_replica_count") != 1 || r.Int("max_allowed_replica_count") != 3 {
		t.Errorf("min=%d max=%d, want 1 and 3", r.Int("min_allowed_replica_count"), r.Int("max_allowed_replica_count"))
	}
	want = `ERR_INVALID_PARAMETERS: group validator "min_max_allowed_replica_count" failed: "meta_server.min_allowed_replica_count(2) should be <= meta_server.max_allowed_replica_count(1)"`
	r.Update(map[string]string{"min_allowed_replica_count": "2"})
	if got := r.Update(map[string]string{"max_allowed_replica_count": "1"}); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if r.Int("max_allowed_replica_count") != 3 {
		t.Errorf("max not restored: %d", r.Int("max_allowed_replica_count"))
	}
}

// TestGroupValidatorsJoined: when state loaded with Set already violates
// some group validators, every update fails with all messages in name order.
func TestGroupValidatorsJoined(t *testing.T) {
	r := New()
	if err := r.Set("encrypt_data_at_rest", "true"); err != nil {
		t.Fatal(err)
	}
	enc := `group validator "encrypt_data_at_rest_pre_check" failed: "[pegasus.server] encrypt_data_at_rest should be enabled only if [security] enable_acl is enabled."; ` +
		`group validator "encrypt_data_at_rest_with_kms_url" failed: "[security] hadoop_kms_url should not be empty when [pegasus.server] encrypt_data_at_rest is enabled."`
	if got, want := r.Update(map[string]string{"balance_cluster": "true"}), "ERR_INVALID_PARAMETERS: "+enc; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if r.Bool("balance_cluster") {
		t.Error("balance_cluster not restored")
	}
	want := "ERR_INVALID_PARAMETERS: " + enc + `; group validator "min_max_allowed_replica_count" failed: "meta_server.min_allowed_replica_count(10) should be <= meta_server.max_allowed_replica_count(5)"`
	if got := r.Update(map[string]string{"min_allowed_replica_count": "10"}); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	r.Set("enable_acl", "true")
	r.Set("hadoop_kms_url", "kms:1234/kms")
	if got := r.Update(map[string]string{"balance_cluster": "true"}); got != "ERR_OK" {
		t.Errorf("after fixing state: %q", got)
	}
}

// TestOtherGroupValidators exercises the checks only reachable through state
// loaded with Set, with their upstream messages.
func TestOtherGroupValidators(t *testing.T) {
	for _, c := range []struct {
		set  [][2]string
		want string
	}{
		{[][2]string{{"zookeeper_kerberos_service_name", "x"}}, `group validator "consistency_between_configurations" failed: "zookeeper_kerberos_service_name deprecated, if set should be same as sasl_service_name."`},
		{[][2]string{{"zookeeper_kerberos_service_name", "zookeeper"}}, ""},
		{[][2]string{{"zookeeper_sasl_service_fqdn", "zk.example"}}, `group validator "consistency_between_configurations" failed: "zookeeper_sasl_service_fqdn deprecated, if set should be same as sasl_service_fqdn."`},
		{[][2]string{{"zookeeper_sasl_service_fqdn", "zk.example"}, {"sasl_service_fqdn", "zk.example"}}, ""},
		{[][2]string{{"enable_zookeeper_kerberos", "true"}}, `group validator "enable_zookeeper_kerberos" failed: "Please set [zookeeper] sasl_mechanisms_type to GSSAPI if [security] enable_zookeeper_kerberos is true."`},
		{[][2]string{{"enable_zookeeper_kerberos", "true"}, {"sasl_mechanisms_type", "GSSAPI"}}, ""},
		{[][2]string{{"staleness_for_commit", "111"}}, `group validator "max_mutation_count_in_prepare_list" failed: "replication.max_mutation_count_in_prepare_list(110) should be >= replication.staleness_for_commit(111)"`},
		{[][2]string{{"staleness_for_commit", "110"}}, ""},
		{[][2]string{{"min_level", "16"}}, `group validator "min_max_level" failed: "[geo_client.lib].min_level(16) should be < [geo_client.lib].max_level(16)"`},
		{[][2]string{{"nfs_copy_block_bytes", "0x500000"}, {"max_copy_rate_megabytes_per_disk", "5"}}, `group validator "max_copy_rate_megabytes_per_disk" failed`},
	} {
		r := New()
		for _, kv := range c.set {
			if err := r.Set(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		want := "ERR_OK"
		if c.want != "" {
			want = "ERR_INVALID_PARAMETERS: " + c.want
		}
		if got := r.Update(map[string]string{"balance_cluster": "true"}); got != want {
			t.Errorf("%v: got %q\nwant %q", c.set, got, want)
		}
	}
}

// TestFlagValidators checks each per-flag predicate at its boundaries.
func TestFlagValidators(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   []string
		bad  []string
	}{
		{"timer_service_worker_count", []string{"3", "100"}, []string{"0", "2"}},
		{"ddl_client_max_attempt_count", []string{"1"}, []string{"0"}},
		{"max_allowed_replica_count", []string{"1"}, []string{"0", "-1"}},
		{"min_allowed_replica_count", []string{"1"}, []string{"0", "-1"}},
		{"min_live_node_count_for_unfreeze", []string{"1"}, []string{"0"}},
		{"node_live_percentage_threshold_for_update", []string{"0", "100"}, []string{"-1", "101"}},
		{"conn_pool_max_size", []string{"1"}, []string{"0"}},
		{"available_detect_alert_script_dir", []string{"."}, []string{""}},
		{"available_detect_app", []string{"temp"}, []string{""}},
		{"usage_stat_app", []string{"stat"}, []string{""}},
		{"hotkey_buckets_num", []string{"3", "5", "37", "4294967291"}, []string{"0", "1", "2", "4", "9", "25", "4294967295"}},
		{"perf_counter_read_capacity_unit_size", []string{"0", "1", "4096", "0x8000000000000000"}, []string{"3", "4097"}},
		{"perf_counter_write_capacity_unit_size", []string{"0", "1", "4096"}, []string{"6", "1000"}},
		{"read_amp_bytes_per_bit", []string{"0", "1", "32", "1073741824"}, []string{"-2", "-2147483648", "3", "48"}},
		{"rocksdb_filter_type", []string{"common", "prefix"}, []string{"", "Prefix", "bloom"}},
		{"rocksdb_format_version", []string{"2", "5"}, []string{"0", "1", "3", "4", "6"}},
		{"rocksdb_slow_query_threshold_ns", []string{"1"}, []string{"0"}},
		{"config_sync_interval_ms", []string{"1"}, []string{"0"}},
		{"load_replica_max_wait_time_ms", []string{"1"}, []string{"0"}},
		{"max_concurrent_bulk_load_downloading_count", []string{"0", "5"}, []string{"-1"}},
		{"max_replicas_on_load_for_each_disk", []string{"1"}, []string{"0"}},
		{"mem_release_max_reserved_mem_percentage", []string{"1", "100"}, []string{"0", "101", "-5"}},
		{"replicas_stat_interval_ms", []string{"1"}, []string{"0"}},
		{"nodes_sample_interval_ms", []string{"1"}, []string{"0"}},
		{"tables_sample_interval_ms", []string{"1"}, []string{"0"}},
		// int32 truncation of a uint64: 2^32+1 passes, 2^32 and 2^31 do not.
		{"max_log_file_bytes", []string{"1", "67108864", "4294967297"}, []string{"0", "2147483648", "4294967296"}},
		{"max_number_of_log_files_on_disk", []string{"1", "20"}, []string{"0", "4294967296"}},
		{"stderr_start_level", []string{"LOG_LEVEL_DEBUG", "LOG_LEVEL_FATAL", "LOG_LEVEL_WARNING"}, []string{"", "LOG_LEVEL_COUNT", "LOG_LEVEL_INVALID", "log_level_info"}},
		{"stderr_start_level_on_stdout", []string{"LOG_LEVEL_INFO", "LOG_LEVEL_ERROR"}, []string{"WARNING"}},
	} {
		s := &specs[specIndex[c.name]]
		if s.validate == nil {
			t.Errorf("%s has no validator", c.name)
			continue
		}
		for _, text := range append(append([]string{}, c.ok...), c.bad...) {
			v, ok := parse(s.kind, text)
			if !ok {
				t.Errorf("%s: %q does not parse", c.name, text)
				continue
			}
			if want := slices.Contains(c.ok, text); s.validate(v) != want {
				t.Errorf("%s(%q) = %v, want %v", c.name, text, !want, want)
			}
		}
	}
}

// TestRendering covers table_printer's value text per type, doubles with
// glibc %.2f rounding of the exact binary value.
func TestRendering(t *testing.T) {
	r := New()
	for _, c := range []struct{ name, set, want string }{
		{"tcmalloc_release_rate", "0.001", "0.00"},
		{"tcmalloc_release_rate", "5.125", "5.12"}, // exactly representable: half to even
		{"tcmalloc_release_rate", "5.135", "5.13"}, // 5.13499999...
		{"tcmalloc_release_rate", "2.675", "2.67"},
		{"tcmalloc_release_rate", "0.005", "0.01"}, // 0.005000000000000000104
		{"tcmalloc_release_rate", "10", "10.00"},
		{"tcmalloc_release_rate", "-0.0000001", "0.00"},
		{"tcmalloc_release_rate", "-1.5", "-1.50"},
		{"tcmalloc_release_rate", "1e20", "100000000000000000000.00"},
		{"tcmalloc_release_rate", "0x1p-2", "0.25"},
		{"rocksdb_block_cache_num_shard_bits", "-7", "-7"},
		{"rocksdb_block_cache_capacity", "18446744073709551615", "18446744073709551615"},
		{"rocksdb_max_open_files", "0", "0"},
		{"pause_on_start", "True", "true"},
		{"cluster_name", "onebox", "onebox"},
		{"cluster_name", "", ""},
	} {
		if err := r.Set(c.name, c.set); err != nil {
			t.Errorf("Set(%s, %q): %v", c.name, c.set, err)
			continue
		}
		if f, _ := r.Get(c.name); f.Value != c.want {
			t.Errorf("%s=%q renders %q, want %q", c.name, c.set, f.Value, c.want)
		}
		if got := r.String(c.name); got != c.want {
			t.Errorf("String(%s) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDoubleParsing(t *testing.T) {
	for _, text := range []string{"inf", "-inf", "INF", "nan", "NaN", "1e400", "", "abc", "1.5x", "0x"} {
		if v, ok := parse(kindDouble, text); ok {
			t.Errorf("parse(double, %q) = %v, want invalid", text, v.f)
		}
	}
	for text, want := range map[string]float64{"1.5": 1.5, "-2": -2, "1e-3": 0.001, ".5": 0.5, "0x10": 16} {
		if v, ok := parse(kindDouble, text); !ok || v.f != want {
			t.Errorf("parse(double, %q) = %v, %v; want %v", text, v.f, ok, want)
		}
	}
}

func TestAllOrder(t *testing.T) {
	r := New()
	all := r.All()
	if len(all) != 288 {
		t.Fatalf("%d flags", len(all))
	}
	if !sort.SliceIsSorted(all, func(a, b int) bool { return all[a].Name < all[b].Name }) {
		t.Error("All() not sorted by name")
	}
	// Byte order, as std::map<std::string> sorts: '_' (0x5F) comes before
	// lower-case letters, so hot_key_* precedes hotkey_*.
	pos := func(name string) int {
		return slices.IndexFunc(all, func(f Flag) bool { return f.Name == name })
	}
	if pos("hot_key_variance_threshold") > pos("hotkey_analyse_time_interval_s") {
		t.Error("'_' must sort before lower-case letters")
	}
	if all[0].Name != "abnormal_write_trace_latency_threshold" || all[len(all)-1].Name != "zookeeper_sasl_service_fqdn" {
		t.Errorf("first %s, last %s", all[0].Name, all[len(all)-1].Name)
	}
	for _, f := range all {
		if g, ok := r.Get(f.Name); !ok || g != f {
			t.Errorf("Get(%s) = %+v, All has %+v", f.Name, g, f)
		}
	}
}

func TestAccessors(t *testing.T) {
	r := New()
	if !r.Bool("logging_flush_on_exit") || r.Bool("pause_on_start") || r.Bool("no_such") || r.Bool("rocksdb_num_levels") {
		t.Error("Bool")
	}
	if r.Int("rocksdb_num_levels") != 6 || r.Int("rocksdb_max_open_files") != -1 || r.Int("config_sync_interval_ms") != 30000 || r.Int("no_such") != 0 || r.Int("cluster_root") != 0 {
		t.Error("Int")
	}
	if r.Uint("rocksdb_block_cache_capacity") != 10<<30 || r.Uint("rocksdb_num_levels") != 6 || r.Uint("no_such") != 0 || r.Uint("enable_udp") != 0 {
		t.Error("Uint")
	}
	if r.Double("rocksdb_bloom_filter_bits_per_key") != 10 || r.Double("rocksdb_num_levels") != 6 || r.Double("no_such") != 0 || r.Double("cluster_root") != 0 {
		t.Error("Double")
	}
	r.Set("tcmalloc_release_rate", "0.125")
	if r.Double("tcmalloc_release_rate") != 0.125 {
		t.Error("Double keeps full precision")
	}
	if r.String("cluster_root") != "/" || r.String("rocksdb_num_levels") != "6" || r.String("no_such") != "" {
		t.Error("String")
	}
}

func TestSet(t *testing.T) {
	r := New()
	if err := r.Set("no_such", "1"); !errors.Is(err, ErrUnknownFlag) {
		t.Errorf("unknown: %v", err)
	}
	for _, c := range [][2]string{{"rocksdb_num_levels", "x"}, {"enable_udp", "1"}, {"rocksdb_block_cache_capacity", "-1"}, {"tcmalloc_release_rate", "nan"}, {"rocksdb_num_levels", "2147483648"}} {
		if err := r.Set(c[0], c[1]); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("Set(%s, %q) = %v, want ErrInvalidValue", c[0], c[1], err)
		}
	}
	// Immutable flags, strings and validator-failing values are all accepted.
	for _, c := range [][2]string{{"rocksdb_num_levels", "0x7"}, {"server_key", "abc"}, {"config_sync_interval_ms", "0"}, {"rocksdb_format_version", "3"}} {
		if err := r.Set(c[0], c[1]); err != nil {
			t.Errorf("Set(%s, %q) = %v", c[0], c[1], err)
		}
	}
	if r.Int("rocksdb_num_levels") != 7 || r.String("server_key") != "abc" || r.Uint("config_sync_interval_ms") != 0 {
		t.Error("Set did not store")
	}
	if New().String("server_key") == "abc" {
		t.Error("registries share state")
	}
}

// TestConcurrent is meant for -race: readers and updaters on shared flags,
// with the group invariant min <= max observed in every snapshot.
func TestConcurrent(t *testing.T) {
	r := New()
	var wg sync.WaitGroup
	const n = 300
	for w := 0; w < 4; w++ {
		wg.Add(2)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				r.Update(map[string]string{"min_allowed_replica_count": fmt.Sprint(1 + (i+w)%7)})
				r.Update(map[string]string{"max_allowed_replica_count": fmt.Sprint(1 + (i*3+w)%7)})
				r.Update(map[string]string{"balance_cluster": fmt.Sprint(i%2 == 0)})
				r.Update(map[string]string{"config_sync_interval_ms": fmt.Sprint(i)})
				_ = r.Set("cluster_name", fmt.Sprint("c", i))
			}
		}(w)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				var lo, hi int
				for _, f := range r.All() {
					switch f.Name {
					case "min_allowed_replica_count":
						fmt.Sscan(f.Value, &lo)
					case "max_allowed_replica_count":
						fmt.Sscan(f.Value, &hi)
					}
				}
				if lo > hi {
					t.Errorf("snapshot with min %d > max %d", lo, hi)
					return
				}
				r.Get("config_sync_interval_ms")
				r.Bool("balance_cluster")
				r.Int("min_allowed_replica_count")
				r.Uint("config_sync_interval_ms")
				r.String("cluster_name")
				r.Double("tcmalloc_release_rate")
			}
		}()
	}
	wg.Wait()
	if r.Uint("config_sync_interval_ms") == 0 {
		t.Error("validator let 0 through")
	}
}
