package metrics

import (
	"strconv"
	"strings"
)

// The entity prototypes of the real servers, each instantiated with the
// id and attributes upstream gives it. The metrics come from the
// catalogue, restricted to the registry's role.

// AddServerEntity creates the process's "server" entity (id "server", no
// attributes; src/utils/metrics.cpp) with the catalogue's server metrics
// of the registry's role: every process's builtin ones, plus the
// MetaServer's or the ReplicaServer's. Model metrics (replica and node
// counts) are held at 0 for the caller to Set.
func (r *Registry) AddServerEntity() *Entity {
	return r.addCatalog("server", "server", nil, nil)
}

// AddReplicaEntity creates entity replica@<tableID>.<partitionID> with
// attributes table_id and partition_id (src/replica/replica_base.cpp).
func (r *Registry) AddReplicaEntity(tableID, partitionID int) *Entity {
	t, p := strconv.Itoa(tableID), strconv.Itoa(partitionID)
	return r.addCatalog("replica", "replica@"+t+"."+p, []string{"table_id", t, "partition_id", p}, nil)
}

// AddPartitionEntity creates the MetaServer's entity
// partition@<tableID>.<pidx> with attributes table_id and partition_id
// (src/meta/table_metrics.cpp).
func (r *Registry) AddPartitionEntity(tableID, pidx int) *Entity {
	t, p := strconv.Itoa(tableID), strconv.Itoa(pidx)
	return r.addCatalog("partition", "partition@"+t+"."+p, []string{"table_id", t, "partition_id", p}, nil)
}

// AddTableEntity creates the MetaServer's entity table@<tableID> with
// attribute table_id and the five partition-health gauges, held at 0 for
// the caller to set from its model.
func (r *Registry) AddTableEntity(tableID int) *Entity {
	t := strconv.Itoa(tableID)
	return r.addCatalog("table", "table@"+t, []string{"table_id", t}, nil)
}

// AddDiskEntity creates entity disk@<tag> with attributes tag and
// data_dir (src/common/fs_manager.cpp).
func (r *Registry) AddDiskEntity(tag, dir string) *Entity {
	return r.addCatalog("disk", "disk@"+tag, []string{"tag", tag, "data_dir", dir}, nil)
}

// AddQueueEntity creates entity queue@<name> with attribute queue_name
// (src/task/task_queue.cpp), one per task queue: <pool name>.<index>.
func (r *Registry) AddQueueEntity(name string) *Entity {
	return r.addCatalog("queue", "queue@"+name, []string{"queue_name", name}, nil)
}

// AddConnectionEntity creates entity connection@<remote> with attribute
// remote_addr (src/rpc/network.cpp): the client sessions to one peer.
func (r *Registry) AddConnectionEntity(remote string) *Entity {
	return r.addCatalog("connection", "connection@"+remote, []string{"remote_addr", remote}, nil)
}

// AddLatencyTracerEntity creates entity
// latency_tracer@<description>|<from>|<to> with attributes description,
// starting_point and end_point (src/utils/latency_tracer.cpp): the
// duration between two trace points.
func (r *Registry) AddLatencyTracerEntity(description, from, to string) *Entity {
	id := "latency_tracer@" + description + "|" + from + "|" + to
	return r.addCatalog("latency_tracer", id, []string{"description", description, "starting_point", from, "end_point", to}, nil)
}

// AddBackupPolicyEntity creates entity backup_policy@<name> with
// attribute policy_name (src/meta/meta_backup_service.cpp).
func (r *Registry) AddBackupPolicyEntity(policy string) *Entity {
	return r.addCatalog("backup_policy", "backup_policy@"+policy, []string{"policy_name", policy}, nil)
}

// TaskKind is a task code's dsn_task_type_t, which decides the profiler
// metrics of its entity.
type TaskKind uint8

// The task kinds the profiler distinguishes.
const (
	TaskCompute     TaskKind = iota // TASK_TYPE_COMPUTE
	TaskRPCRequest                  // TASK_TYPE_RPC_REQUEST
	TaskRPCResponse                 // TASK_TYPE_RPC_RESPONSE
	TaskAIO                         // TASK_TYPE_AIO
)

// ProfiledTask is one [task.<name>] section with is_profile = true, and
// the options that add metrics beyond the defaults.
type ProfiledTask struct {
	Name string
	Kind TaskKind
	// RequestSize and ResponseSize are profiler::size.request.server and
	// profiler::size.response.server; DropTimeout is
	// rpc_request_dropped_before_execution_when_timeout.
	RequestSize, ResponseSize, DropTimeout bool
}

// profilerMetric says which tasks get a profiler metric, as
// task_spec_profiler's constructor decides (src/runtime/profiler.cpp).
var profilerMetric = map[string]func(t ProfiledTask) bool{
	"profiler_server_rpc_latency_ns":     func(t ProfiledTask) bool { return t.Kind == TaskRPCRequest },
	"profiler_server_rpc_request_bytes":  func(t ProfiledTask) bool { return t.Kind == TaskRPCRequest && t.RequestSize },
	"profiler_server_rpc_response_bytes": func(t ProfiledTask) bool { return t.Kind == TaskRPCRequest && t.ResponseSize },
	"profiler_dropped_timeout_rpcs":      func(t ProfiledTask) bool { return t.Kind == TaskRPCRequest && t.DropTimeout },
	"profiler_client_rpc_latency_ns":     func(t ProfiledTask) bool { return t.Kind == TaskRPCResponse },
	"profiler_client_timeout_rpcs":       func(t ProfiledTask) bool { return t.Kind == TaskRPCResponse },
	"profiler_aio_latency_ns":            func(t ProfiledTask) bool { return t.Kind == TaskAIO },
}

// AddProfilerEntity creates entity task@<name> with attribute task_name
// for a profiled task code: the five metrics every profiled task has, and
// the ones of its kind and options.
func (r *Registry) AddProfilerEntity(t ProfiledTask) *Entity {
	return r.addCatalog("profiler", "task@"+t.Name, []string{"task_name", t.Name}, func(p *proto) bool {
		f, ok := profilerMetric[p.name]
		return !ok || f(t)
	})
}

// ProfiledTasks is the onebox's profiler configuration: the tasks
// upstream's src/server/config.ini profiles (RPC_PREPARE and the RRDB
// operations, each with its _ACK, with the same size and drop options),
// plus the write-ahead log's batched AIO, so that every profiler metric
// appears somewhere.
func ProfiledTasks() []ProfiledTask {
	tasks := []ProfiledTask{{Name: "RPC_PREPARE", Kind: TaskRPCRequest}, {Name: "RPC_PREPARE_ACK", Kind: TaskRPCResponse}}
	for _, op := range []string{"PUT", "MULTI_PUT", "REMOVE", "MULTI_REMOVE", "INCR", "CHECK_AND_SET", "CHECK_AND_MUTATE",
		"GET", "MULTI_GET", "BATCH_GET", "SORTKEY_COUNT", "TTL", "GET_SCANNER", "SCAN", "CLEAR_SCANNER", "BULK_LOAD"} {
		t := ProfiledTask{Name: "RPC_RRDB_RRDB_" + op, Kind: TaskRPCRequest}
		switch op {
		case "PUT", "MULTI_PUT":
			t.RequestSize = true
		case "GET", "MULTI_GET", "BATCH_GET":
			t.ResponseSize = true
		case "BULK_LOAD":
			t.DropTimeout = true
		}
		tasks = append(tasks, t, ProfiledTask{Name: t.Name + "_ACK", Kind: TaskRPCResponse})
	}
	return append(tasks, ProfiledTask{Name: "LPC_AIO_BATCH_WRITE", Kind: TaskAIO})
}

// ThreadPool is one [threadpool.*] section: its queues are <Name>.0, or
// <Name>.0 … <Name>.<Workers-1> when partitioned.
type ThreadPool struct {
	Name        string
	Partitioned bool
	Workers     int
}

// QueueNames are the task queue names of the pools.
func QueueNames(pools []ThreadPool) []string {
	var out []string
	for _, p := range pools {
		n := 1
		if p.Partitioned {
			n = p.Workers
		}
		for i := range n {
			out = append(out, p.Name+"."+strconv.Itoa(i))
		}
	}
	return out
}

// RolePools are the thread pools of [apps.meta] and [apps.replica] in
// upstream's src/server/config.ini, with its names and worker counts.
func RolePools(role string) []ThreadPool {
	if strings.HasPrefix(role, "meta") {
		return []ThreadPool{{"default", false, 8}, {"meta_server", false, 8}, {"meta_state", true, 1},
			{"fd", false, 2}, {"dist_lock", true, 1}, {"block_service", false, 8}}
	}
	return []ThreadPool{{"default", false, 8}, {"rep_long", false, 8}, {"replica", true, 24}, {"fd", false, 2},
		{"local_app", false, 24}, {"block_service", false, 8}, {"compact", false, 8}, {"ingestion", false, 24},
		{"plog", true, 4}, {"scan_query", false, 24}}
}

// MutationTracePoints are the trace points a mutation passes on a
// primary (ADD_POINT in src/replica: file:line:function), whose
// consecutive pairs are the latency_tracer entities once
// enable_latency_tracer and enable_latency_tracer_report are on.
var MutationTracePoints = []string{
	"replica_2pc.cpp:339:init_prepare",
	"mutation_log.cpp:88:append",
	"replica_2pc.cpp:683:on_append_log_completed",
	"replica.cpp:499:execute_mutation",
	"replication_app_base.cpp:297:apply_mutation",
	"replica.cpp:561:execute_mutation_completed",
}
