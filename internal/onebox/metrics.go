package onebox

import (
	"os"
	"strconv"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/metrics"
)

// newRegistry is a server's metrics: the entities a real server of that
// role has for the tables and replicas of the state.
func newRegistry(st *cluster.State, role, addr string) *metrics.Registry {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	_, p := splitPort(addr)
	r := metrics.NewRegistry(st.Cluster, role, host, p)
	r.AddServerEntity()
	for _, t := range st.Tables {
		if !t.Available() {
			continue
		}
		if role == "meta" {
			setTableHealth(r.AddTableEntity(int(t.ID)), t)
		}
		for i, part := range t.Partitions {
			switch {
			case role == "meta":
				r.AddPartitionEntity(int(t.ID), i)
			case part.Hosts(addr):
				r.AddReplicaEntity(int(t.ID), i)
			}
		}
	}
	if role == "replica" {
		r.AddDiskEntity("data0", "/home/work/pegasus/"+addr+"/data0")
		r.AddDiskEntity("data1", "/home/work/pegasus/"+addr+"/data1")
	}
	return r
}

// setTableHealth sets the table_metrics gauges from the partitions, with
// mutation_2pc_min_replica_count at its default of 2.
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
	for name, v := range map[string]int64{"dead_partitions": dead, "unreadable_partitions": unreadable,
		"unwritable_partitions": unwritable, "writable_ill_partitions": ill, "healthy_partitions": healthy} {
		e.Gauge(name, metrics.UnitPartitions, "").Set(v)
	}
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
type metaMetrics struct {
	r     *metrics.Registry
	model *cluster.Model
}

// Encode moves the simulation on to now and encodes the filtered body.
func (m metaMetrics) Encode(req meta.GetMetricsRequest) []byte {
	return m.r.Body(query(req.WithMetricFields, req.Types, req.IDs, req.Attributes, req.Metrics, req.Detail), m.model.Now())
}

// replicaMetrics answers a ReplicaServer's /metrics.
type replicaMetrics struct {
	r     *metrics.Registry
	model *cluster.Model
}

// Encode moves the simulation on to now and encodes the filtered body.
func (m replicaMetrics) Encode(req replica.GetMetricsRequest) []byte {
	return m.r.Body(query(req.WithMetricFields, req.Types, req.IDs, req.Attributes, req.Metrics, req.Detail), m.model.Now())
}
