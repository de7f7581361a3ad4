package bench

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/metrics"
)

// The /metrics?detail=true answer of a ReplicaServer with 10,000 replica
// entities of 20 metrics each: 12 counters, 4 int gauges, a double gauge
// and 3 percentiles, with real names, units and descriptions.
var metricsBody = sync.OnceValue(func() []byte {
	r := metrics.NewRegistry("onebox", "replica", "myhost", 34801)
	for i := range 10000 {
		e := r.AddEntity("replica", fmt.Sprintf("replica@%d.%d", 1+i/1000, i%1000),
			"partition_id", fmt.Sprint(i%1000), "table_id", fmt.Sprint(1+i/1000))
		for k := range 12 {
			e.Counter(fmt.Sprintf("counter_%d_requests", k), metrics.UnitRequests, "The number of requests of kind "+fmt.Sprint(k)).Add(int64(i*k + 1))
		}
		for k := range 4 {
			e.Gauge(fmt.Sprintf("gauge_%d_bytes", k), metrics.UnitBytes, "The size in bytes of part "+fmt.Sprint(k)).Set(int64(i * 1024))
		}
		e.DoubleGauge("hit_rate", metrics.UnitPercent, "The block cache hit rate").Set(float64(i%100) / 7)
		for k := range 3 {
			e.Percentile(fmt.Sprintf("latency_%d_ns", k), metrics.UnitNanoSeconds, "The latency of operation "+fmt.Sprint(k), metrics.AllKth).Set(metrics.AllKth, int64(1000+i))
		}
	}
	yes := true
	return r.Body(metrics.Query{Detail: &yes}, time.Unix(1700000000, 0))
})

// Upstream's collector structs (collector/metrics/metric_snapshot.go):
// what its hotspot detector decodes /metrics into with encoding/json.
type (
	upstreamBaseInfo struct {
		Cluster     string `json:"cluster"`
		Role        string `json:"role"`
		Host        string `json:"host"`
		Port        int    `json:"port"`
		TimestampNS int64  `json:"timestamp_ns"`
	}
	upstreamSnapshot struct {
		upstreamBaseInfo
		Entities []upstreamEntity `json:"entities"`
	}
	upstreamEntity struct {
		Type       string            `json:"type"`
		ID         string            `json:"id"`
		Attributes map[string]string `json:"attributes"`
		Metrics    []upstreamMetric  `json:"metrics"`
	}
	upstreamMetric struct {
		Name  string  `json:"name"`
		Value float64 `json:"value"`
	}
)

// BenchmarkDecodeMetricsDetail decodes the 10,000-entity answer three
// ways. generated is what the typed client does with a 200 (decode200 →
// the generated decoder, which UnmarshalJSON runs too); encoding/json is
// upstream's hotspot detector; gjson is upstream's collector reading the
// fields it reads (entity type, table_id, metric name/type/desc/value and
// the percentiles). The targets: generated at least as fast as
// encoding/json, at most 1.5 × its bytes allocated.
func BenchmarkDecodeMetricsDetail(b *testing.B) {
	body := metricsBody()
	b.Run("generated", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var s replica.MetricsSnapshot
			if err := s.UnmarshalJSON(body); err != nil || len(s.Entities) != 10000 {
				b.Fatal(err, len(s.Entities))
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var s upstreamSnapshot
			if err := json.Unmarshal(body, &s); err != nil || len(s.Entities) != 10000 {
				b.Fatal(err, len(s.Entities))
			}
		}
	})
	b.Run("gjson", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if n := gjsonCollect(body); n != 10000*20 {
				b.Fatal(n)
			}
		}
	})
}

// gjsonCollect reads the answer as upstream's collector does
// (processAllServerMetrics): parse, walk entities and metrics, Get each
// field. It returns the number of metrics read.
func gjsonCollect(body []byte) int {
	n := 0
	var sum float64
	doc := gjson.Parse(string(body))
	for _, entity := range doc.Get("entities").Array() {
		_ = entity.Get("type").String()
		_ = entity.Get("attributes").Get("table_id").String()
		for _, m := range entity.Get("metrics").Array() {
			_ = m.Get("name").String()
			mtype := m.Get("type").String()
			_ = m.Get("desc").String()
			sum += m.Get("value").Float()
			if mtype == "Percentile" {
				for _, p := range []string{"p50", "p90", "p95", "p99", "p999"} {
					sum += m.Get(p).Float()
				}
			}
			n++
		}
	}
	_ = sum
	return n
}

// TestDecodeMetricsAgree: the generated decoder, encoding/json and gjson
// read the same values from the benchmark's answer.
func TestDecodeMetricsAgree(t *testing.T) {
	body := metricsBody()
	var g replica.MetricsSnapshot
	if err := g.UnmarshalJSON(body); err != nil {
		t.Fatal(err)
	}
	var u upstreamSnapshot
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatal(err)
	}
	if g.Port != int32(u.Port) || g.TimestampNS != u.TimestampNS || len(g.Entities) != len(u.Entities) {
		t.Fatalf("header %d %d %d, upstream %d %d %d", g.Port, g.TimestampNS, len(g.Entities), u.Port, u.TimestampNS, len(u.Entities))
	}
	for i, e := range g.Entities {
		ue := u.Entities[i]
		if string(e.Type) != ue.Type || e.ID != ue.ID || e.Attributes["table_id"] != ue.Attributes["table_id"] || len(e.Metrics) != 20 {
			t.Fatalf("entity %d: %+v, upstream %+v", i, e, ue)
		}
		for k, m := range e.Metrics {
			um := ue.Metrics[k]
			if *m.Name != um.Name || m.Type == nil || m.Unit == nil || m.Desc == nil {
				t.Fatalf("entity %d metric %d: %+v, upstream %+v", i, k, m, um)
			}
			switch *m.Type {
			case replica.MetricTypePercentile:
				if m.P99 == nil || *m.P99 != gjson.GetBytes(body, fmt.Sprintf("entities.%d.metrics.%d.p99", i, k)).Float() {
					t.Fatalf("entity %d metric %d: p99 %v", i, k, m.P99)
				}
			default:
				if m.Value == nil || *m.Value != um.Value {
					t.Fatalf("entity %d metric %d: value %v, upstream %v", i, k, m.Value, um.Value)
				}
			}
		}
		if i > 200 {
			break // gjson path lookups are quadratic; the rest is the same shape
		}
	}
}

// TestDecodeMetricsAllocatedBytes holds the memory target, which unlike
// time does not depend on the machine's neighbours: the generated decoder
// allocates at most 1.5 × what encoding/json does into upstream's structs.
func TestDecodeMetricsAllocatedBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a 56 MiB answer")
	}
	body := metricsBody()
	measure := func(decode func() error) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if err := decode(); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	ours := measure(func() error { var s replica.MetricsSnapshot; return s.UnmarshalJSON(body) })
	theirs := measure(func() error { var s upstreamSnapshot; return json.Unmarshal(body, &s) })
	if ratio := float64(ours) / float64(theirs); ratio > 1.5 {
		t.Errorf("generated decoder allocated %d bytes, encoding/json %d: %.2f×, want ≤ 1.5×", ours, theirs, ratio)
	} else {
		t.Logf("allocated bytes: generated %d, encoding/json %d: %.2f×", ours, theirs, ratio)
	}
}
