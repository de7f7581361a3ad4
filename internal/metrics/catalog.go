package metrics

import (
	"strconv"
	"strings"
)

// The catalog: metric prototypes as the real servers define them
// (METRIC_DEFINE_* at apache/incubator-pegasus db756dcd; names, units and
// descriptions verbatim), each with a simulation profile. Only a subset of
// the ~100 replica metrics is kept, the ones tools read (the collector's
// hotspot detector, the shell's node stats), to keep entities near the
// size the benchmarks model.

func counter(name string, unit Unit, desc string, sim simSpec) *proto {
	return &proto{name: name, unit: unit, desc: desc, kind: kindCounter, sim: sim}
}

func gauge(name string, unit Unit, desc string, sim simSpec) *proto {
	return &proto{name: name, unit: unit, desc: desc, kind: kindGauge, sim: sim}
}

func latency(name string, unit Unit, desc string, sim simSpec) *proto {
	return &proto{name: name, unit: unit, desc: desc, kind: kindPercentile, kth: AllKth, sim: sim}
}

// rate is a counter profile: lo..hi events per second.
func rate(lo, hi float64) simSpec { return simSpec{mode: simRate, lo: lo, hi: hi} }

// level is a gauge profile: a base in lo..hi with relative jitter per tick
// and relative drift per hour.
func level(lo, hi, jitter, drift float64) simSpec {
	return simSpec{mode: simLevel, lo: lo, hi: hi, jitter: jitter, drift: drift}
}

// constant is a gauge fixed at a per-metric value in lo..hi.
func constant(lo, hi float64) simSpec { return simSpec{mode: simLevel, lo: lo, hi: hi} }

// lat is a latency profile: p50 in lo..hi, ±jitter per tick.
func lat(lo, hi float64) simSpec { return simSpec{mode: simLatency, lo: lo, hi: hi, jitter: 0.15} }

// held leaves a metric to the caller, at 0 until set.
var held = simSpec{}

// replicaProtos are the metrics of a replica entity: the twelve request
// counters the hotspot detector queries, four request latencies and four
// rocksdb gauges (src/server/pegasus_server_impl_init.cpp,
// pegasus_write_service.cpp).
var replicaProtos = []*proto{
	counter("get_requests", UnitRequests, "The number of GET requests", rate(5, 50)),
	counter("multi_get_requests", UnitRequests, "The number of MULTI_GET requests", rate(1, 10)),
	counter("batch_get_requests", UnitRequests, "The number of BATCH_GET requests", rate(0, 2)),
	counter("scan_requests", UnitRequests, "The number of SCAN requests", rate(0, 1)),
	counter("put_requests", UnitRequests, "The number of PUT requests", rate(2, 20)),
	counter("multi_put_requests", UnitRequests, "The number of MULTI_PUT requests", rate(0.5, 5)),
	counter("remove_requests", UnitRequests, "The number of REMOVE requests", rate(0, 2)),
	counter("multi_remove_requests", UnitRequests, "The number of MULTI_REMOVE requests", rate(0, 0.5)),
	counter("incr_requests", UnitRequests, "The number of INCR requests", rate(0, 1)),
	counter("check_and_set_requests", UnitRequests, "The number of CHECK_AND_SET requests", rate(0, 0.3)),
	counter("check_and_mutate_requests", UnitRequests, "The number of CHECK_AND_MUTATE requests", rate(0, 0.2)),
	// No duplication unless the caller counts some.
	counter("dup_requests", UnitRequests, "The number of DUPLICATE requests", held),
	latency("get_latency_ns", UnitNanoSeconds, "The latency of GET requests", lat(150e3, 600e3)),
	latency("multi_get_latency_ns", UnitNanoSeconds, "The latency of MULTI_GET requests", lat(400e3, 2e6)),
	latency("put_latency_ns", UnitNanoSeconds, "The latency of PUT requests", lat(300e3, 1.2e6)),
	latency("multi_put_latency_ns", UnitNanoSeconds, "The latency of MULTI_PUT requests", lat(500e3, 2.5e6)),
	gauge("rdb_total_sst_files", UnitFiles, "The total number of rocksdb sst files", level(4, 60, 0.02, 0.01)),
	gauge("rdb_total_sst_size_mb", UnitMegaBytes, "The total size of rocksdb sst files", level(100, 20000, 0.001, 0.02)),
	gauge("rdb_estimated_keys", UnitKeys, "The estimated number of rocksdb keys", level(1e5, 5e7, 0.001, 0.02)),
	gauge("rdb_memtable_mem_usage_bytes", UnitBytes, "The memory usage of rocksdb memtables", level(1<<20, 64<<20, 0.2, 0)),
}

// Server metrics every process has (src/utils/builtin_metrics.cpp).
var builtinProtos = []*proto{
	gauge("virtual_mem_usage_mb", UnitMegaBytes, "The total amount of virtual memory usage in MB", level(6000, 12000, 0.002, 0)),
	gauge("resident_mem_usage_mb", UnitMegaBytes, "The total amount of physical memory usage in MB", level(800, 4000, 0.01, 0.01)),
}

// ReplicaServer server metrics (src/replica/replica_stub.cpp,
// pegasus_server_impl_init.cpp). Replica counts come from the caller's
// model, so they are held.
var replicaServerProtos = []*proto{
	gauge("total_replicas", UnitReplicas, "The total number of replicas", held),
	gauge("primary_replicas", UnitReplicas, "The number of primary replicas", held),
	gauge("secondary_replicas", UnitReplicas, "The number of secondary replicas", held),
	gauge("rdb_block_cache_mem_usage_bytes", UnitBytes, "The memory usage of rocksdb block cache", level(256<<20, 2<<30, 0.01, 0)),
}

// MetaServer server metrics (src/meta/meta_service.cpp); node liveness
// comes from the caller's model.
var metaServerProtos = []*proto{
	gauge("alive_replica_servers", UnitServers, "The number of alive replica servers", held),
	gauge("unalive_replica_servers", UnitServers, "The number of unalive replica servers", held),
}

// partitionProtos are the meta-side partition metrics
// (src/meta/table_metrics.cpp). A steady cluster rarely changes
// configuration and its greedy balancer is idle.
var partitionProtos = []*proto{
	counter("partition_configuration_changes", UnitChanges, "The number of times the configuration has been changed", rate(0, 0.002)),
	counter("unwritable_partition_changes", UnitChanges, "The number of times the status of partition has been changed to unwritable", held),
	counter("writable_partition_changes", UnitChanges, "The number of times the status of partition has been changed to writable", held),
	gauge("greedy_recent_balance_operations", UnitOperations, "The number of balance operations by greedy balancer that are recently needed to be executed", held),
	counter("greedy_move_primary_operations", UnitOperations, "The number of balance operations by greedy balancer that move primaries", held),
	counter("greedy_copy_primary_operations", UnitOperations, "The number of balance operations by greedy balancer that copy primaries", held),
	counter("greedy_copy_secondary_operations", UnitOperations, "The number of balance operations by greedy balancer that copy secondaries", held),
	counter("choose_primary_failed_operations", UnitOperations, "The number of operations that fail to choose the primary replica", held),
}

// tableProtos are the meta-side table health gauges
// (src/meta/table_metrics.cpp); the counts come from the caller's model.
var tableProtos = []*proto{
	gauge("dead_partitions", UnitPartitions, "The number of dead partitions, which means primary = 0 && secondary = 0", held),
	gauge("unreadable_partitions", UnitPartitions, "The number of unreadable partitions, which means primary = 0 && secondary > 0", held),
	gauge("unwritable_partitions", UnitPartitions, "The number of unwritable partitions, which means primary = 1 && primary + secondary < mutation_2pc_min_replica_count", held),
	gauge("writable_ill_partitions", UnitPartitions, "The number of writable ill partitions, which means primary = 1 && primary + secondary >= mutation_2pc_min_replica_count && primary + secondary < max_replica_count", held),
	gauge("healthy_partitions", UnitPartitions, "The number of healthy partitions, which means primary = 1 && primary + secondary >= max_replica_count", held),
}

// diskProtos (src/common/fs_manager.cpp): the available range lies below
// the total range, so that avail ≤ total whatever the draws.
var diskProtos = []*proto{
	gauge("disk_capacity_total_mb", UnitMegaBytes, "The total disk capacity", constant(1e6, 4e6)),
	gauge("disk_capacity_avail_mb", UnitMegaBytes, "The available disk capacity", level(3e5, 9e5, 0.0005, -0.001)),
}

// addStandard creates entity typ/id with the given protos, under one lock.
func (r *Registry) addStandard(typ, id string, attrs []string, protos ...[]*proto) *Entity {
	e := r.AddEntity(typ, id, attrs...)
	clock := r.clockSnapshot()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ps := range protos {
		for _, p := range ps {
			e.metricLocked(p, true, &clock)
		}
	}
	return e
}

// AddServerEntity creates the process's "server" entity (id "server", no
// attributes) with the builtin memory gauges, plus the ReplicaServer or
// MetaServer server metrics when the role starts with "replica" or
// "meta". Replica and node counts are held at 0 for the caller to Set.
func (r *Registry) AddServerEntity() *Entity {
	protos := [][]*proto{builtinProtos}
	switch {
	case strings.HasPrefix(r.role, "replica"):
		protos = append(protos, replicaServerProtos)
	case strings.HasPrefix(r.role, "meta"):
		protos = append(protos, metaServerProtos)
	}
	return r.addStandard("server", "server", nil, protos...)
}

// AddReplicaEntity creates entity replica@<tableID>.<partitionID> with
// attributes table_id and partition_id (src/replica/replica_base.cpp) and
// 20 metrics: request counters, latencies and rocksdb gauges.
func (r *Registry) AddReplicaEntity(tableID, partitionID int) *Entity {
	t, p := strconv.Itoa(tableID), strconv.Itoa(partitionID)
	return r.addStandard("replica", "replica@"+t+"."+p, []string{"table_id", t, "partition_id", p}, replicaProtos)
}

// AddPartitionEntity creates the MetaServer's entity
// partition@<tableID>.<pidx> with attributes table_id and partition_id
// and the configuration-change and greedy-balancer metrics.
func (r *Registry) AddPartitionEntity(tableID, pidx int) *Entity {
	t, p := strconv.Itoa(tableID), strconv.Itoa(pidx)
	return r.addStandard("partition", "partition@"+t+"."+p, []string{"table_id", t, "partition_id", p}, partitionProtos)
}

// AddTableEntity creates the MetaServer's entity table@<tableID> with
// attribute table_id and the five partition-health gauges, held at 0: the
// caller sets them from its model, e.g.
// e.Gauge("healthy_partitions", "", "").Set(n).
func (r *Registry) AddTableEntity(tableID int) *Entity {
	t := strconv.Itoa(tableID)
	return r.addStandard("table", "table@"+t, []string{"table_id", t}, tableProtos)
}

// AddDiskEntity creates entity disk@<tag> with attributes tag and
// data_dir and the capacity gauges.
func (r *Registry) AddDiskEntity(tag, dir string) *Entity {
	return r.addStandard("disk", "disk@"+tag, []string{"tag", tag, "data_dir", dir}, diskProtos)
}
