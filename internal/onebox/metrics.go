package onebox

import (
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/metrics"
)

// primaryChecker is the part of a MetaServer's leadership the metrics
// need: whether it holds the leader lock right now.
type primaryChecker interface{ IsPrimary() bool }

// serverMetrics is one server's /metrics: a registry holding the entities
// a real server of that role creates, brought in step with the cluster
// model, the server's leadership and its config on every scrape, so that
// its counts agree with /meta/nodes and /meta/apps and the leader-only
// entities follow the primary.
type serverMetrics struct {
	r     *metrics.Registry
	model *cluster.Model
	cfg   *config.Registry
	role  string
	addr  string
	// lead is the MetaServer's leadership; nil on a ReplicaServer.
	lead primaryChecker

	mu      sync.Mutex // serialises scrapes: sync, simulation, feeding, encoding
	tracing bool       // latency_tracer entities were created
	// primary is whether this node is the primary of each hosted
	// replica, as of the latest sync.
	primary map[string]bool
	// seen is each replica request counter's value at the latest scrape,
	// by "<entity id>/<metric>", for feeding the profiler.
	seen map[string]int64
}

// taskRequests are the RRDB task codes whose profiler_executed_tasks
// count what the replicas' request counters count: a node executes the
// client RPCs of the partitions it is primary of.
var taskRequests = map[string]string{
	"RPC_RRDB_RRDB_GET": "get_requests", "RPC_RRDB_RRDB_MULTI_GET": "multi_get_requests",
	"RPC_RRDB_RRDB_BATCH_GET": "batch_get_requests", "RPC_RRDB_RRDB_SCAN": "scan_requests",
	"RPC_RRDB_RRDB_PUT": "put_requests", "RPC_RRDB_RRDB_MULTI_PUT": "multi_put_requests",
	"RPC_RRDB_RRDB_REMOVE": "remove_requests", "RPC_RRDB_RRDB_MULTI_REMOVE": "multi_remove_requests",
	"RPC_RRDB_RRDB_INCR": "incr_requests", "RPC_RRDB_RRDB_CHECK_AND_SET": "check_and_set_requests",
	"RPC_RRDB_RRDB_CHECK_AND_MUTATE": "check_and_mutate_requests",
}

// readMetrics are a replica's metrics that only move while it is the
// primary: Pegasus serves reads from primaries only.
var readMetrics = []string{
	"get_requests", "multi_get_requests", "batch_get_requests", "scan_requests",
	"get_bytes", "multi_get_bytes", "batch_get_bytes", "scan_bytes", "read_capacity_units",
	"read_expired_values", "read_filtered_values", "abnormal_read_requests",
	"get_latency_ns", "multi_get_latency_ns", "batch_get_latency_ns", "scan_latency_ns",
}

// newServerMetrics builds a server's registry with the entities that do
// not depend on the model: server, task queues, profiled tasks,
// connections to its peers and, on a ReplicaServer, its disks. start is
// the onebox's start: every registry's simulation starts then, so the
// replicas of a partition count alike.
func newServerMetrics(model *cluster.Model, st *cluster.State, role, addr string, cfg *config.Registry, lead primaryChecker, load float64, start time.Time) *serverMetrics {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	_, p := splitPort(addr)
	r := metrics.NewRegistry(st.Cluster, role, host, p)
	r.SetLoad(load)
	r.AddServerEntity()
	for _, q := range metrics.QueueNames(metrics.RolePools(role)) {
		r.AddQueueEntity(q)
	}
	for _, t := range metrics.ProfiledTasks() {
		e := r.AddProfilerEntity(t)
		if _, fed := taskRequests[t.Name]; fed && role == "replica" {
			e.Drive(false, "profiler_executed_tasks") // fed from the replicas
		}
		if role == "meta" {
			e.Idle() // the same config, but no table RPC reaches a MetaServer
		}
	}
	for _, a := range peers(st, role, addr) {
		r.AddConnectionEntity(a)
	}
	if role == "replica" {
		r.AddDiskEntity("data0", "/home/work/pegasus/"+addr+"/data0")
		r.AddDiskEntity("data1", "/home/work/pegasus/"+addr+"/data1")
	}
	m := &serverMetrics{r: r, model: model, cfg: cfg, role: role, addr: addr, lead: lead,
		primary: map[string]bool{}, seen: map[string]int64{}}
	r.Simulate(start)
	return m
}

// peers are the servers a server holds client sessions to: a
// MetaServer's to the ReplicaServers (configuration proposals), a
// ReplicaServer's to the MetaServers (beacons, configuration updates) and
// to the other ReplicaServers (prepares, learning).
func peers(st *cluster.State, role, addr string) []string {
	var out []string
	if role == "replica" {
		out = append(out, st.Metas...)
	}
	for _, n := range st.Nodes {
		if n.Address != addr {
			out = append(out, n.Address)
		}
	}
	return out
}

// body brings the registry in step and encodes the query at the model's
// time.
func (m *serverMetrics) body(q metrics.Query) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sync()
	now := m.model.Now()
	m.r.Simulate(now)
	if m.role == "replica" {
		m.feedProfiler()
		m.feedDisks()
	}
	return m.r.Body(q, now) // its Simulate to the same time changes nothing
}

// feedProfiler adds what the request counters of the node's primary
// replicas counted since the previous scrape to the executed tasks of
// their RPCs, so that nodes -l and nodes -q agree.
func (m *serverMetrics) feedProfiler() {
	for task, name := range taskRequests {
		exec := m.r.Entity("task@"+task).Counter("profiler_executed_tasks", "", "")
		for _, id := range m.r.EntityIDs("replica") {
			v := m.r.Entity(id).Counter(name, "", "").Value()
			key := id + "/" + name
			if d := v - m.seen[key]; d > 0 && m.primary[id] {
				exec.Add(d)
			}
			m.seen[key] = v
		}
	}
}

// diskReserved is the share of a disk that holds other than sst files
// (logs, checkpoints, other programs' files).
const diskReserved = 0.05

// feedDisks sets each disk's available capacity from the sst files of
// the replicas on it (the node's replicas take its disks in turn), so
// that a disk's used space is its replicas' rdb_total_sst_size_mb plus a
// fixed reserve.
func (m *serverMetrics) feedDisks() {
	disks := m.r.EntityIDs("disk")
	used := make([]int64, len(disks))
	for i, id := range m.r.EntityIDs("replica") {
		used[i%len(disks)] += m.r.Entity(id).Gauge("rdb_total_sst_size_mb", "", "").Value()
	}
	for i, id := range disks {
		e := m.r.Entity(id)
		total := e.Gauge("disk_capacity_total_mb", "", "").Value()
		avail := total - int64(float64(total)*diskReserved) - used[i]
		e.Gauge("disk_capacity_avail_mb", "", "").Set(max(avail, 0))
	}
}

// sync makes the model-driven entities and values match the model now;
// m.mu is held.
func (m *serverMetrics) sync() {
	m.model.Read(func(s *cluster.State) {
		if m.role == "meta" {
			m.syncMeta(s)
		} else {
			m.syncReplica(s)
		}
	})
}

// syncReplica keeps one replica entity per partition the node hosts, the
// read metrics moving only on primaries, and the server's replica counts
// equal to what /meta/nodes reports for the node.
func (m *serverMetrics) syncReplica(s *cluster.State) {
	want := map[string]bool{}
	var prim, sec int64
	for _, t := range s.Tables {
		if !t.Available() {
			continue
		}
		for i, p := range t.Partitions {
			if !p.Hosts(m.addr) {
				continue
			}
			e := m.r.AddReplicaEntity(int(t.ID), i)
			want[e.ID()] = true
			primary := p.Primary == m.addr
			e.Drive(primary, readMetrics...)
			m.primary[e.ID()] = primary
			if primary {
				prim++
			} else {
				sec++
			}
		}
	}
	m.prune("replica", want)
	for id := range m.primary {
		if !want[id] {
			delete(m.primary, id)
			for _, name := range taskRequests {
				delete(m.seen, id+"/"+name)
			}
		}
	}
	srv := m.r.Entity("server")
	srv.Gauge("total_replicas", "", "").Set(prim + sec)
	srv.Gauge("primary_replicas", "", "").Set(prim)
	srv.Gauge("secondary_replicas", "", "").Set(sec)
	srv.Gauge("replica_origin_dirs", "", "").Set(prim + sec)
	if !m.tracing && m.cfg.Bool("enable_latency_tracer") && m.cfg.Bool("enable_latency_tracer_report") {
		// Upstream creates these on the first report and never drops them.
		pts := metrics.MutationTracePoints
		for i := 1; i < len(pts); i++ {
			m.r.AddLatencyTracerEntity("mutation", pts[i-1], pts[i])
		}
		m.tracing = true
	}
}

// syncMeta sets the node counts, and keeps the table, partition and
// backup policy entities while, and only while, this MetaServer is the
// primary: upstream's server_state creates them after acquiring the
// leader lock, so a backup has server-level entities only.
func (m *serverMetrics) syncMeta(s *cluster.State) {
	var alive, unalive int64
	for _, n := range s.Nodes {
		if n.Alive {
			alive++
		} else {
			unalive++
		}
	}
	srv := m.r.Entity("server")
	srv.Gauge("alive_replica_servers", "", "").Set(alive)
	srv.Gauge("unalive_replica_servers", "", "").Set(unalive)
	tables, parts, policies := map[string]bool{}, map[string]bool{}, map[string]bool{}
	if m.lead.IsPrimary() {
		for _, t := range s.Tables {
			if !t.Available() {
				continue
			}
			e := m.r.AddTableEntity(int(t.ID))
			tables[e.ID()] = true
			setTableHealth(e, t)
			for i := range t.Partitions {
				parts[m.r.AddPartitionEntity(int(t.ID), i).ID()] = true
			}
		}
		if !m.cfg.Bool("cold_backup_disabled") {
			for _, b := range s.BackupPolicies {
				policies[m.r.AddBackupPolicyEntity(b.Name).ID()] = true
			}
		}
	}
	m.prune("table", tables)
	m.prune("partition", parts)
	m.prune("backup_policy", policies)
}

// prune removes the entities of type typ not in keep.
func (m *serverMetrics) prune(typ string, keep map[string]bool) {
	for _, id := range m.r.EntityIDs(typ) {
		if !keep[id] {
			m.r.RemoveEntity(id)
		}
	}
}

// setTableHealth sets the table_metrics gauges from the partitions, with
// mutation_2pc_min_replica_count at its default of 2
// (server_state::update_partition_metrics).
func setTableHealth(e *metrics.Entity, t *cluster.Table) {
	var dead, unreadable, unwritable, ill, healthy int64
	for _, p := range t.Partitions {
		n := p.ReplicaCount()
		switch {
		case p.Primary == "" && n == 0:
			dead++
		case p.Primary == "":
			unreadable++
		case n < 2:
			unwritable++
		case n < t.MaxReplicaCount:
			ill++
		default:
			healthy++
		}
	}
	e.Gauge("dead_partitions", "", "").Set(dead)
	e.Gauge("unreadable_partitions", "", "").Set(unreadable)
	e.Gauge("unwritable_partitions", "", "").Set(unwritable)
	e.Gauge("writable_ill_partitions", "", "").Set(ill)
	e.Gauge("healthy_partitions", "", "").Set(healthy)
}

func splitPort(addr string) (string, int) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			p, _ := strconv.Atoi(addr[i+1:])
			return addr[:i], p
		}
	}
	return addr, 0
}

// query is the filter of a GetMetricsRequest of either role, whose fields
// are the same.
func query(fields, types, ids, attrs, names []string, detail *bool) metrics.Query {
	return metrics.Query{WithMetricFields: fields, Types: types, IDs: ids, Attributes: attrs, Metrics: names, Detail: detail}
}

// metaMetrics answers a MetaServer's /metrics.
type metaMetrics struct{ *serverMetrics }

// Encode brings the registry in step with the model and the leadership,
// moves the simulation on to now and encodes the filtered body.
func (m metaMetrics) Encode(req meta.GetMetricsRequest) []byte {
	return m.body(query(req.WithMetricFields, req.Types, req.IDs, req.Attributes, req.Metrics, req.Detail))
}

// replicaMetrics answers a ReplicaServer's /metrics.
type replicaMetrics struct{ *serverMetrics }

// Encode brings the registry in step with the model, moves the
// simulation on to now and encodes the filtered body.
func (m replicaMetrics) Encode(req replica.GetMetricsRequest) []byte {
	return m.body(query(req.WithMetricFields, req.Types, req.IDs, req.Attributes, req.Metrics, req.Detail))
}
