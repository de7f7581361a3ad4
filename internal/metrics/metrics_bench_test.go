package metrics

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// benchNow is the read time of every benchmark body.
var benchNow = time.Unix(1700000000, 0)

var benchRegistries sync.Map // entity count → *Registry

// benchMetrics are the 20 replica metrics of a benchmark entity: the 12
// request counters the hotspot detector reads, 4 latencies, 4 rocksdb
// gauges.
var benchMetrics = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`get_requests multi_get_requests batch_get_requests scan_requests put_requests
		multi_put_requests remove_requests multi_remove_requests incr_requests check_and_set_requests
		check_and_mutate_requests dup_requests get_latency_ns multi_get_latency_ns put_latency_ns multi_put_latency_ns
		rdb_total_sst_files rdb_total_sst_size_mb rdb_estimated_keys rdb_memtable_mem_usage_bytes`) {
		benchMetrics[n] = true
	}
}

// addBenchReplica is a replica entity with the 20 benchmark metrics.
func (r *Registry) addBenchReplica(table, partition int) {
	t, p := strconv.Itoa(table), strconv.Itoa(partition)
	r.addCatalog("replica", "replica@"+t+"."+p, []string{"table_id", t, "partition_id", p}, func(p *proto) bool { return benchMetrics[p.name] })
}

// benchRegistry is a ReplicaServer with n replica entities (20 metrics
// each: 12 counters, 4 percentiles, 4 gauges), simulated for a minute so
// that values have realistic widths. Built once per size.
func benchRegistry(n int) *Registry {
	if r, ok := benchRegistries.Load(n); ok {
		return r.(*Registry)
	}
	r := NewRegistry("onebox", "replica", "myhost", 34801)
	for i := range n {
		r.addBenchReplica(1+i/1000, i%1000)
	}
	r.Simulate(benchNow.Add(-time.Minute))
	r.Simulate(benchNow)
	benchRegistries.Store(n, r)
	return r
}

var (
	detailQuery = Query{Detail: ptrBool(true)}
	briefQuery  = Query{}
)

// The equivalent data as plain Go structs, for encoding/json.
type (
	mjSnapshot struct {
		Cluster     string     `json:"cluster"`
		Role        string     `json:"role"`
		Host        string     `json:"host"`
		Port        int        `json:"port"`
		TimestampNS uint64     `json:"timestamp_ns"`
		Entities    []mjEntity `json:"entities"`
	}
	mjEntity struct {
		Type       string            `json:"type"`
		ID         string            `json:"id"`
		Attributes map[string]string `json:"attributes"`
		Metrics    []mjMetric        `json:"metrics"`
	}
	mjMetric struct {
		Type  string `json:"type,omitempty"`
		Name  string `json:"name,omitempty"`
		Unit  string `json:"unit,omitempty"`
		Desc  string `json:"desc,omitempty"`
		Value *int64 `json:"value,omitempty"`
		P50   *int64 `json:"p50,omitempty"`
		P90   *int64 `json:"p90,omitempty"`
		P95   *int64 `json:"p95,omitempty"`
		P99   *int64 `json:"p99,omitempty"`
		P999  *int64 `json:"p999,omitempty"`
	}
)

func encodeOnce(r *Registry, q Query) []byte {
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	r.Encode(w, q, benchNow)
	return w.Bytes()
}

// catalogueRegistry is a ReplicaServer with n replica entities carrying
// the whole catalogue (132 metrics each), simulated for a minute.
func catalogueRegistry(n int) *Registry {
	key := -n
	if r, ok := benchRegistries.Load(key); ok {
		return r.(*Registry)
	}
	r := NewRegistry("onebox", "replica", "myhost", 34801)
	r.AddServerEntity()
	for i := range n {
		r.AddReplicaEntity(1+i/1000, i%1000)
	}
	r.Simulate(benchNow.Add(-time.Minute))
	r.Simulate(benchNow)
	benchRegistries.Store(key, r)
	return r
}

// appStatQuery is the C++ shell's app_stat filter: 59 replica metrics,
// name and value.
func appStatQuery() Query {
	var names []string
	for _, d := range Catalog() {
		if d.Entity == "replica" && len(names) < 59 {
			names = append(names, d.Name)
		}
	}
	return Query{WithMetricFields: []string{"name", "value"}, Types: []string{"replica"}, Metrics: names}
}

// BenchmarkEncodeMetrics compares the streaming encoder with
// json.MarshalIndent of the same snapshot held as Go structs (built
// outside the timer): 10,000 replica entities × 20 metrics (detail and
// brief), and 1,000 entities with the whole catalogue's 132 (detail, and
// the shell's app_stat filter of 59 metrics).
func BenchmarkEncodeMetrics(b *testing.B) {
	cases := []struct {
		name string
		r    *Registry
		q    Query
	}{
		{"detail", benchRegistry(10000), detailQuery},
		{"brief", benchRegistry(10000), briefQuery},
		{"catalogue-detail", catalogueRegistry(1000), detailQuery},
		{"catalogue-app_stat", catalogueRegistry(1000), appStatQuery()},
	}
	b.Run("pegasus", func(b *testing.B) {
		for _, c := range cases {
			b.Run(c.name, func(b *testing.B) {
				w := pegasusrt.NewJSON(pegasusrt.Pretty4)
				c.r.Encode(w, c.q, benchNow) // grow the reused buffer once
				b.SetBytes(int64(w.Len()))
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					c.r.Encode(w, c.q, benchNow)
				}
			})
		}
	})
	b.Run("marshalindent", func(b *testing.B) {
		for _, c := range cases {
			b.Run(c.name, func(b *testing.B) {
				var snap mjSnapshot
				if err := json.Unmarshal(encodeOnce(c.r, c.q), &snap); err != nil {
					b.Fatal(err)
				}
				out, err := json.MarshalIndent(&snap, "", "    ")
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(out)))
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, err := json.MarshalIndent(&snap, "", "    "); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// BenchmarkEncodeMemory shows the encoder's memory at 1,000 and 10,000
// entities: with a reused writer it allocates nothing per call, and Body
// (what a handler returns) allocates only the copy of the output, so
// B/op ÷ output bytes stays at 1 whatever the entity count.
func BenchmarkEncodeMemory(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		r := benchRegistry(n)
		b.Run(fmt.Sprintf("encode/entities=%d", n), func(b *testing.B) {
			w := pegasusrt.NewJSON(pegasusrt.Pretty4)
			r.Encode(w, detailQuery, benchNow)
			out := w.Len()
			b.ReportAllocs()
			b.ResetTimer()
			before := totalAlloc()
			for b.Loop() {
				r.Encode(w, detailQuery, benchNow)
			}
			reportPerOut(b, before, out)
		})
		b.Run(fmt.Sprintf("body/entities=%d", n), func(b *testing.B) {
			out := len(r.Body(detailQuery, benchNow))
			b.ReportAllocs()
			b.ResetTimer()
			before := totalAlloc()
			for b.Loop() {
				_ = r.Body(detailQuery, benchNow) // same time: Simulate is a no-op
			}
			reportPerOut(b, before, out)
		})
	}
}

// totalAlloc is the bytes allocated so far by the process.
func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// reportPerOut reports the output size and the bytes allocated per call
// divided by it: the figure that must not grow with the entity count.
func reportPerOut(b *testing.B, before uint64, out int) {
	b.ReportMetric(float64(out), "out-bytes")
	b.ReportMetric(float64(totalAlloc()-before)/float64(b.N)/float64(out), "B/out-byte")
}

// BenchmarkSimulate is the cost of advancing 10,000 replica entities by a
// second (new tick: counters, gauges and percentiles all move).
func BenchmarkSimulate(b *testing.B) {
	r := NewRegistry("onebox", "replica", "myhost", 34801)
	for i := range 10000 {
		r.addBenchReplica(1+i/1000, i%1000)
	}
	t := benchNow
	r.Simulate(t)
	b.ReportAllocs()
	for b.Loop() {
		t = t.Add(time.Second)
		r.Simulate(t)
	}
}

// BenchmarkDecodeMetricsClient is what the generated client does with the
// 10,000-entity body: json.Unmarshal into replica.MetricsSnapshot.
func BenchmarkDecodeMetricsClient(b *testing.B) {
	r := benchRegistry(10000)
	for _, c := range []struct {
		name string
		q    Query
	}{{"detail", detailQuery}, {"brief", briefQuery}} {
		b.Run(c.name, func(b *testing.B) {
			body := encodeOnce(r, c.q)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var s replica.MetricsSnapshot
				if err := json.Unmarshal(body, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
