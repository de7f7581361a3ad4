package metrics

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// fullRegistry is a ReplicaServer with every entity type of its role and
// every catalogue metric, as the onebox builds one.
func fullRegistry() *Registry {
	r := NewRegistry("onebox", "replica", "myhost", 34801)
	r.AddServerEntity()
	for _, q := range QueueNames(RolePools("replica")) {
		r.AddQueueEntity(q)
	}
	for _, t := range ProfiledTasks() {
		r.AddProfilerEntity(t)
	}
	r.AddConnectionEntity("127.0.0.1:34601")
	r.AddConnectionEntity("127.0.0.1:34802")
	for tb := 1; tb <= 3; tb++ {
		for p := range 6 {
			r.AddReplicaEntity(tb, p)
		}
	}
	r.AddDiskEntity("data0", "/d0")
	r.AddDiskEntity("data1", "/d1")
	for i := 1; i < len(MutationTracePoints); i++ {
		r.AddLatencyTracerEntity("mutation", MutationTracePoints[i-1], MutationTracePoints[i])
	}
	r.Simulate(testNow.Add(-time.Minute))
	r.Simulate(testNow)
	return r
}

type fEntity struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Attributes map[string]string `json:"attributes"`
	Metrics    []map[string]any  `json:"metrics"`
}

func decodeEntities(t *testing.T, body []byte) []fEntity {
	t.Helper()
	var s struct {
		Entities []fEntity `json:"entities"`
	}
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatal(err)
	}
	return s.Entities
}

// reference applies a query to the full detail snapshot the naive way,
// rule by rule as metrics.cpp states them.
func reference(all []fEntity, q Query) []fEntity {
	has := func(list []string, x string) bool { return len(list) == 0 || slices.Contains(list, x) }
	fields := map[string]bool{}
	switch {
	case q.WithMetricFields != nil && len(q.WithMetricFields) > 0:
		for _, f := range q.WithMetricFields {
			fields[f] = true
		}
	case q.WithMetricFields != nil, q.Detail != nil && *q.Detail:
		for _, f := range []string{"type", "name", "unit", "desc", "value", "p50", "p90", "p95", "p99", "p999"} {
			fields[f] = true
		}
	default:
		for _, f := range []string{"name", "value", "p50", "p90", "p95", "p99", "p999"} {
			fields[f] = true
		}
	}
	out := []fEntity{}
	for _, e := range all {
		if !has(q.Types, e.Type) || !has(q.IDs, e.ID) {
			continue
		}
		if len(q.Attributes) >= 2 {
			match := false
			for i := 0; i+1 < len(q.Attributes); i += 2 {
				if v, ok := e.Attributes[q.Attributes[i]]; ok && v == q.Attributes[i+1] {
					match = true
				}
			}
			if !match {
				continue
			}
		}
		kept := fEntity{Type: e.Type, ID: e.ID, Attributes: e.Attributes, Metrics: []map[string]any{}}
		for _, m := range e.Metrics {
			if !has(q.Metrics, m["name"].(string)) {
				continue
			}
			mm := map[string]any{}
			for k, v := range m {
				if fields[k] {
					mm[k] = v
				}
			}
			kept.Metrics = append(kept.Metrics, mm)
		}
		if len(kept.Metrics) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

// TestFiltersOverCatalogue: over a registry with the whole catalogue,
// every combination of filters from a varied pool gives exactly what the
// filter rules, applied naively to the full snapshot, give.
func TestFiltersOverCatalogue(t *testing.T) {
	r := fullRegistry()
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	r.Encode(w, Query{Detail: ptrBool(true)}, testNow)
	all := decodeEntities(t, w.Bytes())
	if len(all) < 90 {
		t.Fatalf("%d entities", len(all))
	}
	var manyIDs []string
	for i := range 20 {
		manyIDs = append(manyIDs, "replica@"+strconv.Itoa(1+i/6)+"."+strconv.Itoa(i%6))
	}
	var manyMetrics []string
	for _, d := range Catalog() {
		if d.Entity == "replica" && len(manyMetrics) < 59 {
			manyMetrics = append(manyMetrics, d.Name)
		}
	}
	types := [][]string{nil, {"replica"}, {"server", "disk"}, {"profiler", "queue", "latency_tracer"}, {"nope"}}
	ids := [][]string{nil, {"server"}, {"task@RPC_RRDB_RRDB_GET", "replica@2.1", "queue@replica.3"}, manyIDs}
	attrs := [][]string{nil, {"table_id", "2"}, {"task_name", "RPC_RRDB_RRDB_GET", "queue_name", "replica.3"},
		{"table_id", "2", "partition_id"}, {"partition_id", "1", "tag", "data1"}}
	names := [][]string{nil, manyMetrics, {"profiler_server_rpc_latency_ns", "queue_length", "resident_mem_usage_mb"}, {"nope"}}
	fields := [][]string{nil, {}, {"name", "p99"}, {"value"}, {"type", "desc", "p50", "nope"}}
	details := []*bool{nil, ptrBool(true), ptrBool(false)}
	n := 0
	for i := 0; i < len(types)*len(ids)*len(attrs)*len(names)*len(fields)*len(details); i += 7 {
		x := i
		pick := func(k int) int { v := x % k; x /= k; return v }
		q := Query{Types: types[pick(len(types))], IDs: ids[pick(len(ids))], Attributes: attrs[pick(len(attrs))],
			Metrics: names[pick(len(names))], WithMetricFields: fields[pick(len(fields))], Detail: details[pick(len(details))]}
		r.Encode(w, q, testNow)
		got, want := decodeEntities(t, w.Bytes()), reference(all, q)
		if got == nil {
			got = []fEntity{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("query %s: %d entities, want %d", fmt.Sprintf("%+v", q), len(got), len(want))
		}
		n++
	}
	if n < 300 {
		t.Errorf("only %d queries", n)
	}
}
