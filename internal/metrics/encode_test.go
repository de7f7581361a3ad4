package metrics

import (
	"strings"
	"testing"
	"time"

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// testNow is the timestamp of every encoded test body.
var testNow = time.Unix(0, 1700000000000000000)

// smallRegistry has every kind of metric, values set by hand (so nothing
// is simulated), a double gauge, an int and a double percentile with a
// subset of kth percentiles, a desc that needs escaping, and an entity
// without metrics (never shown).
func smallRegistry() *Registry {
	r := NewRegistry("onebox", "replica", "myhost", 34801)
	s := r.AddEntity("server", "server")
	s.Gauge("resident_mem_usage_mb", UnitMegaBytes, "The total amount of physical memory usage in MB").Set(98)
	s.DoubleGauge("cpu_usage", UnitPercent, `The CPU "busy" share`).Set(12.5)
	r0 := r.AddEntity("replica", "replica@2.0", "table_id", "2", "partition_id", "0")
	r0.Counter("get_requests", UnitRequests, "The number of GET requests").Add(7)
	p := r0.Percentile("get_latency_ns", UnitNanoSeconds, "The latency of GET requests", 0)
	for i, k := range []Kth{P50, P90, P95, P99, P999} {
		p.Set(k, int64(100*(i+1)))
	}
	r1 := r.AddEntity("replica", "replica@2.1", "table_id", "2", "partition_id", "1")
	r1.Counter("get_requests", UnitRequests, "The number of GET requests").Add(3)
	q := r1.Percentile("put_latency_ns", UnitNanoSeconds, "The latency of PUT requests", P95|P99)
	q.Set(P95, 1500)
	q.Set(P99, 2500)
	d := r.AddEntity("disk", "disk@ssd1", "tag", "ssd1", "data_dir", "/data/ssd1")
	d.Gauge("disk_capacity_avail_mb", UnitMegaBytes, "The available disk capacity").Set(500000)
	d.DoublePercentile("io_wait_ms", UnitMilliSeconds, "The IO wait", P99).Set(P99, 2)
	r.AddEntity("queue", "queue@empty", "queue_name", "empty")
	return r
}

const head = `{
    "cluster": "onebox",
    "role": "replica",
    "host": "myhost",
    "port": 34801,
    "timestamp_ns": 1700000000000000000,
    "entities": [`

// want is the body with the given entity objects (each indented as an
// element of "entities").
func want(entities ...string) string {
	if len(entities) == 0 {
		return head + "]\n}"
	}
	return head + "\n" + strings.Join(entities, ",\n") + "\n    ]\n}"
}

const briefServer = `        {
            "type": "server",
            "id": "server",
            "attributes": {},
            "metrics": [
                {
                    "name": "resident_mem_usage_mb",
                    "value": 98
                },
                {
                    "name": "cpu_usage",
                    "value": 12.5
                }
            ]
        }`

const briefR0 = `        {
            "type": "replica",
            "id": "replica@2.0",
            "attributes": {
                "table_id": "2",
                "partition_id": "0"
            },
            "metrics": [
                {
                    "name": "get_requests",
                    "value": 7
                },
                {
                    "name": "get_latency_ns",
                    "p50": 100,
                    "p90": 200,
                    "p95": 300,
                    "p99": 400,
                    "p999": 500
                }
            ]
        }`

const briefR1 = `        {
            "type": "replica",
            "id": "replica@2.1",
            "attributes": {
                "table_id": "2",
                "partition_id": "1"
            },
            "metrics": [
                {
                    "name": "get_requests",
                    "value": 3
                },
                {
                    "name": "put_latency_ns",
                    "p95": 1500,
                    "p99": 2500
                }
            ]
        }`

const briefDisk = `        {
            "type": "disk",
            "id": "disk@ssd1",
            "attributes": {
                "tag": "ssd1",
                "data_dir": "/data/ssd1"
            },
            "metrics": [
                {
                    "name": "disk_capacity_avail_mb",
                    "value": 500000
                },
                {
                    "name": "io_wait_ms",
                    "p99": 2.0
                }
            ]
        }`

const detailServer = `        {
            "type": "server",
            "id": "server",
            "attributes": {},
            "metrics": [
                {
                    "type": "Gauge",
                    "name": "resident_mem_usage_mb",
                    "unit": "MegaBytes",
                    "desc": "The total amount of physical memory usage in MB",
                    "value": 98
                },
                {
                    "type": "Gauge",
                    "name": "cpu_usage",
                    "unit": "Percent",
                    "desc": "The CPU \"busy\" share",
                    "value": 12.5
                }
            ]
        }`

const detailR0 = `        {
            "type": "replica",
            "id": "replica@2.0",
            "attributes": {
                "table_id": "2",
                "partition_id": "0"
            },
            "metrics": [
                {
                    "type": "Counter",
                    "name": "get_requests",
                    "unit": "Requests",
                    "desc": "The number of GET requests",
                    "value": 7
                },
                {
                    "type": "Percentile",
                    "name": "get_latency_ns",
                    "unit": "NanoSeconds",
                    "desc": "The latency of GET requests",
                    "p50": 100,
                    "p90": 200,
                    "p95": 300,
                    "p99": 400,
                    "p999": 500
                }
            ]
        }`

const detailR1 = `        {
            "type": "replica",
            "id": "replica@2.1",
            "attributes": {
                "table_id": "2",
                "partition_id": "1"
            },
            "metrics": [
                {
                    "type": "Counter",
                    "name": "get_requests",
                    "unit": "Requests",
                    "desc": "The number of GET requests",
                    "value": 3
                },
                {
                    "type": "Percentile",
                    "name": "put_latency_ns",
                    "unit": "NanoSeconds",
                    "desc": "The latency of PUT requests",
                    "p95": 1500,
                    "p99": 2500
                }
            ]
        }`

const detailDisk = `        {
            "type": "disk",
            "id": "disk@ssd1",
            "attributes": {
                "tag": "ssd1",
                "data_dir": "/data/ssd1"
            },
            "metrics": [
                {
                    "type": "Gauge",
                    "name": "disk_capacity_avail_mb",
                    "unit": "MegaBytes",
                    "desc": "The available disk capacity",
                    "value": 500000
                },
                {
                    "type": "Percentile",
                    "name": "io_wait_ms",
                    "unit": "MilliSeconds",
                    "desc": "The IO wait",
                    "p99": 2.0
                }
            ]
        }`

func ptrBool(b bool) *bool { return &b }

// encodeCases are the filter combinations of §8.1 against smallRegistry.
var encodeCases = []struct {
	name string
	q    Query
	want string
}{
	{"no parameters: brief", Query{}, want(briefServer, briefR0, briefR1, briefDisk)},
	{"detail=false: brief", Query{Detail: ptrBool(false)}, want(briefServer, briefR0, briefR1, briefDisk)},
	{"detail=true: all fields", Query{Detail: ptrBool(true)}, want(detailServer, detailR0, detailR1, detailDisk)},
	{"with_metric_fields present but empty: all fields, even with detail=false",
		Query{WithMetricFields: []string{}, Detail: ptrBool(false)}, want(detailServer, detailR0, detailR1, detailDisk)},
	{"empty filter lists filter nothing",
		Query{Types: []string{}, IDs: []string{}, Attributes: []string{}, Metrics: []string{}}, want(briefServer, briefR0, briefR1, briefDisk)},
	{"with_metric_fields wins over detail=true",
		Query{WithMetricFields: []string{"value", "name"}, Detail: ptrBool(true), Types: []string{"server"}}, want(`        {
            "type": "server",
            "id": "server",
            "attributes": {},
            "metrics": [
                {
                    "name": "resident_mem_usage_mb",
                    "value": 98
                },
                {
                    "name": "cpu_usage",
                    "value": 12.5
                }
            ]
        }`)},
	{"with_metric_fields: field order is fixed, percentiles keep only configured kth",
		Query{WithMetricFields: []string{"p99", "unit", "p50", "type"}, IDs: []string{"replica@2.1"}}, want(`        {
            "type": "replica",
            "id": "replica@2.1",
            "attributes": {
                "table_id": "2",
                "partition_id": "1"
            },
            "metrics": [
                {
                    "type": "Counter",
                    "unit": "Requests"
                },
                {
                    "type": "Percentile",
                    "unit": "NanoSeconds",
                    "p99": 2500
                }
            ]
        }`)},
	{"unknown field names are ignored; a metric with no selected field is {}",
		Query{WithMetricFields: []string{"bogus", "p99"}, IDs: []string{"replica@2.1", "disk@ssd1"}}, want(`        {
            "type": "replica",
            "id": "replica@2.1",
            "attributes": {
                "table_id": "2",
                "partition_id": "1"
            },
            "metrics": [
                {},
                {
                    "p99": 2500
                }
            ]
        }`, `        {
            "type": "disk",
            "id": "disk@ssd1",
            "attributes": {
                "tag": "ssd1",
                "data_dir": "/data/ssd1"
            },
            "metrics": [
                {},
                {
                    "p99": 2.0
                }
            ]
        }`)},
	{"only unknown field names: every metric is {}, entities stay",
		Query{WithMetricFields: []string{"bogus"}, Types: []string{"server"}}, want(`        {
            "type": "server",
            "id": "server",
            "attributes": {},
            "metrics": [
                {},
                {}
            ]
        }`)},
	{"types: unknown type gives no entities", Query{Types: []string{"unknown_type"}}, want()},
	{"types: OR within", Query{Types: []string{"disk", "server"}}, want(briefServer, briefDisk)},
	{"ids: OR within", Query{IDs: []string{"replica@2.1", "server", "nope"}}, want(briefServer, briefR1)},
	{"types and ids: AND across",
		Query{Types: []string{"replica", "disk"}, IDs: []string{"replica@2.0", "disk@ssd1", "server"}}, want(briefR0, briefDisk)},
	{"attributes: any pair matches (OR)",
		Query{Attributes: []string{"partition_id", "1", "tag", "ssd1"}}, want(briefR1, briefDisk)},
	{"attributes: name and value must both match",
		Query{Attributes: []string{"table_id", "3", "tag", "2", "partition_id", "ssd1"}}, want()},
	{"attributes: one value shared by many entities", Query{Attributes: []string{"table_id", "2"}}, want(briefR0, briefR1)},
	{"metrics: entities left without metrics are omitted",
		Query{Metrics: []string{"get_requests", "resident_mem_usage_mb"}}, want(`        {
            "type": "server",
            "id": "server",
            "attributes": {},
            "metrics": [
                {
                    "name": "resident_mem_usage_mb",
                    "value": 98
                }
            ]
        }`, `        {
            "type": "replica",
            "id": "replica@2.0",
            "attributes": {
                "table_id": "2",
                "partition_id": "0"
            },
            "metrics": [
                {
                    "name": "get_requests",
                    "value": 7
                }
            ]
        }`, `        {
            "type": "replica",
            "id": "replica@2.1",
            "attributes": {
                "table_id": "2",
                "partition_id": "1"
            },
            "metrics": [
                {
                    "name": "get_requests",
                    "value": 3
                }
            ]
        }`)},
	{"attributes and metrics: AND across, with detail",
		Query{Attributes: []string{"table_id", "2"}, Metrics: []string{"put_latency_ns"}, Detail: ptrBool(true)}, want(`        {
            "type": "replica",
            "id": "replica@2.1",
            "attributes": {
                "table_id": "2",
                "partition_id": "1"
            },
            "metrics": [
                {
                    "type": "Percentile",
                    "name": "put_latency_ns",
                    "unit": "NanoSeconds",
                    "desc": "The latency of PUT requests",
                    "p95": 1500,
                    "p99": 2500
                }
            ]
        }`)},
	{"metrics: no such metric gives no entities", Query{Metrics: []string{"nope"}}, want()},
	{"all filters, nothing left", Query{Types: []string{"replica"}, Metrics: []string{"disk_capacity_avail_mb"}}, want()},
}

func TestEncodeFilters(t *testing.T) {
	r := smallRegistry()
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	for _, c := range encodeCases {
		t.Run(c.name, func(t *testing.T) {
			r.Encode(w, c.q, testNow)
			if got := string(w.Bytes()); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestEncodeLongFilterLists covers the map-backed filter sets used for
// long lists: same answer as the scanned short lists.
func TestEncodeLongFilterLists(t *testing.T) {
	r := smallRegistry()
	ids := []string{"replica@2.1", "server"}
	for i := range 40 {
		ids = append(ids, "replica@9."+string(rune('a'+i%26)))
	}
	metrics := append([]string{"get_requests", "resident_mem_usage_mb", "cpu_usage"}, ids...)
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	r.Encode(w, Query{IDs: ids, Types: append([]string{"server", "replica"}, ids...), Metrics: metrics}, testNow)
	got := string(w.Bytes())
	r.Encode(w, Query{IDs: []string{"replica@2.1", "server"}, Metrics: []string{"get_requests", "resident_mem_usage_mb", "cpu_usage"}}, testNow)
	if want := string(w.Bytes()); got != want {
		t.Errorf("long lists:\n%s\nshort lists:\n%s", got, want)
	}
	if !strings.Contains(got, `"replica@2.1"`) || strings.Contains(got, `"replica@2.0"`) {
		t.Errorf("wrong entities:\n%s", got)
	}
}

// TestEncodeUnknownIdentity: empty cluster, role and host are "unknown",
// and so is the port (as a string) without an RPC engine.
func TestEncodeUnknownIdentity(t *testing.T) {
	r := NewRegistry("", "", "", 0)
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	r.Encode(w, Query{}, time.Unix(0, 5))
	const want = `{
    "cluster": "unknown",
    "role": "unknown",
    "host": "unknown",
    "port": "unknown",
    "timestamp_ns": 5,
    "entities": []
}`
	if got := string(w.Bytes()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestEncodeResetsWriter: Encode replaces whatever the writer held, so one
// writer serves every request.
func TestEncodeResetsWriter(t *testing.T) {
	r := smallRegistry()
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	w.BeginObject()
	w.Key("junk")
	r.Encode(w, Query{Types: []string{"nope"}}, testNow)
	if got := string(w.Bytes()); got != want() {
		t.Errorf("got\n%s", got)
	}
}

// TestEncodeDoubles: double gauges print as rapidjson's Writer::Double.
func TestEncodeDoubles(t *testing.T) {
	r := NewRegistry("c", "replica", "h", 1)
	e := r.AddEntity("server", "server")
	g := e.DoubleGauge("x", UnitPercent, "")
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0.0"}, {3, "3.0"}, {0.1, "0.1"}, {-2.5, "-2.5"}, {1e21, "1e21"}, {1e-7, "1e-7"}, {0.000001, "0.000001"}, {123456.789, "123456.789"}} {
		g.Set(c.v)
		r.Encode(w, Query{WithMetricFields: []string{"value"}}, testNow)
		if got := string(w.Bytes()); !strings.Contains(got, `"value": `+c.want+"\n") {
			t.Errorf("%v: got\n%s\nwant value %s", c.v, got, c.want)
		}
	}
}

// TestEncodeEntityOrderAndRemoval: entities come in creation order, and a
// removed one disappears while its handles stay harmless.
func TestEncodeEntityOrderAndRemoval(t *testing.T) {
	r := smallRegistry()
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	g := r.Entity("disk@ssd1").Gauge("disk_capacity_avail_mb", "", "")
	if !r.RemoveEntity("replica@2.0") || !r.RemoveEntity("disk@ssd1") || r.RemoveEntity("disk@ssd1") {
		t.Fatal("RemoveEntity results")
	}
	g.Set(1)
	r.Encode(w, Query{}, testNow)
	if got := string(w.Bytes()); got != want(briefServer, briefR1) {
		t.Errorf("got\n%s", got)
	}
	if r.Entity("disk@ssd1") != nil || r.Len() != 3 { // server, replica@2.1, queue@empty
		t.Errorf("Entity/Len after removal: %v %d", r.Entity("disk@ssd1"), r.Len())
	}
	// Re-adding puts the entity last.
	d := r.AddEntity("disk", "disk@ssd1", "tag", "ssd1", "data_dir", "/data/ssd1")
	d.Gauge("disk_capacity_avail_mb", UnitMegaBytes, "The available disk capacity").Set(500000)
	d.DoublePercentile("io_wait_ms", UnitMilliSeconds, "The IO wait", P99).Set(P99, 2)
	r0 := r.AddEntity("replica", "replica@2.0", "table_id", "2", "partition_id", "0")
	r0.Counter("get_requests", UnitRequests, "The number of GET requests").Add(7)
	p := r0.Percentile("get_latency_ns", UnitNanoSeconds, "The latency of GET requests", AllKth)
	for i, k := range []Kth{P50, P90, P95, P99, P999} {
		p.Set(k, int64(100*(i+1)))
	}
	r.Encode(w, Query{}, testNow)
	if got := string(w.Bytes()); got != want(briefServer, briefR1, briefDisk, briefR0) {
		t.Errorf("got\n%s", got)
	}
}

// TestEncodeAttributesUpdate: AddEntity on an existing id replaces its
// attributes, as find_or_create_entity does; a repeated name keeps its
// first place and the last value.
func TestEncodeAttributesUpdate(t *testing.T) {
	r := NewRegistry("onebox", "replica", "myhost", 34801)
	e := r.AddEntity("disk", "disk@a", "tag", "a")
	e.Gauge("g", UnitBytes, "").Set(1)
	if r.AddEntity("disk", "disk@a", "tag", "x", "data_dir", "/d", "tag", "a") != e {
		t.Fatal("AddEntity did not find the entity")
	}
	if got := strings.Join(e.Attributes(), ","); got != "tag,a,data_dir,/d" {
		t.Errorf("attributes %s", got)
	}
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	r.Encode(w, Query{Attributes: []string{"data_dir", "/d"}}, testNow)
	if !strings.Contains(string(w.Bytes()), `"disk@a"`) {
		t.Errorf("got\n%s", w.Bytes())
	}
}

func TestAddEntityPanics(t *testing.T) {
	r := NewRegistry("c", "replica", "h", 1)
	e := r.AddEntity("disk", "disk@a")
	e.Counter("c", UnitRequests, "")
	for name, f := range map[string]func(){
		"odd attributes":  func() { r.AddEntity("disk", "disk@b", "tag") },
		"type change":     func() { r.AddEntity("replica", "disk@a") },
		"kind change":     func() { e.Gauge("c", UnitRequests, "") },
		"int vs double":   func() { e.Counter("c", UnitRequests, ""); e.DoubleGauge("c", UnitRequests, "") },
		"multi-kth Value": func() { e.Percentile("p", UnitSeconds, "", 0).Value(P50 | P90) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
