package metrics

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// catalogRegistry is a ReplicaServer with the standard entities.
func catalogRegistry(role string) *Registry {
	r := NewRegistry("onebox", role, "myhost", 34801)
	r.AddServerEntity()
	for p := range 4 {
		r.AddReplicaEntity(2, p)
	}
	r.AddReplicaEntity(3, 0)
	r.AddDiskEntity("ssd1", "/data/ssd1")
	r.AddDiskEntity("ssd2", "/data/ssd2")
	return r
}

func metricNames(r *Registry, id string) []string {
	e := r.Entity(id)
	r.mu.RLock()
	defer r.mu.RUnlock()
	var names []string
	for _, m := range e.metrics {
		names = append(names, m.p.name)
	}
	return names
}

// catalogNames is the catalogue's metric names of an entity type that a
// role carries, in file order.
func catalogNames(typ, role string) []string {
	var out []string
	for _, d := range Catalog() {
		if d.Entity == typ && (d.Roles == "*" || slices.Contains(strings.Split(d.Roles, ","), role)) {
			out = append(out, d.Name)
		}
	}
	return out
}

func TestCatalogEntities(t *testing.T) {
	r := catalogRegistry("replica")
	for _, c := range []struct {
		id, typ, attrs string
		n              int
	}{
		{"server", "server", "", 46},
		{"replica@2.3", "replica", "table_id,2,partition_id,3", 132},
		{"disk@ssd2", "disk", "tag,ssd2,data_dir,/data/ssd2", 2},
	} {
		e := r.Entity(c.id)
		if e == nil || e.Type() != c.typ || e.ID() != c.id || strings.Join(e.Attributes(), ",") != c.attrs {
			t.Errorf("%s: entity %+v", c.id, e)
			continue
		}
		if got := metricNames(r, c.id); len(got) != c.n || !slices.Equal(got, catalogNames(c.typ, "replica")) {
			t.Errorf("%s: %d metrics %v, want %d", c.id, len(got), got, c.n)
		}
	}
	// The twelve counters the collector's hotspot detector asks for.
	names := metricNames(r, "replica@2.0")
	for _, op := range []string{"get", "multi_get", "batch_get", "scan", "put", "multi_put", "remove", "multi_remove", "incr", "check_and_set", "check_and_mutate", "dup"} {
		if !slices.Contains(names, op+"_requests") {
			t.Errorf("replica lacks %s_requests", op)
		}
	}
	// Find-or-create: adding again changes nothing.
	e := r.Entity("replica@2.0")
	if r.AddReplicaEntity(2, 0) != e || len(metricNames(r, "replica@2.0")) != 132 {
		t.Error("AddReplicaEntity is not idempotent")
	}
	if c := e.Counter("get_requests", "", ""); c != (*Counter)(r.byID["replica@2.0"].find("get_requests")) || c.Value() != 0 {
		t.Error("Counter did not find the catalog metric")
	}
	if n := testing.AllocsPerRun(100, func() { e.Counter("get_requests", "", "").Increment() }); n != 0 {
		t.Errorf("looking a handle up again allocates %v times", n)
	}

	m := NewRegistry("onebox", "meta", "myhost", 34601)
	m.AddServerEntity()
	m.AddTableEntity(2)
	m.AddPartitionEntity(2, 7)
	m.AddBackupPolicyEntity("daily")
	if got := strings.Join(metricNames(m, "server"), ","); got != "replica_server_disconnections,unalive_replica_servers,alive_replica_servers,"+
		"dns_resolver_cache_size,dns_resolver_resolve_duration_ns,dns_resolver_resolve_by_dns_duration_ns,network_server_sessions,"+
		"virtual_mem_usage_mb,resident_mem_usage_mb" {
		t.Errorf("meta server metrics %s", got)
	}
	if e := m.Entity("table@2"); e == nil || e.Type() != "table" || strings.Join(e.Attributes(), ",") != "table_id,2" || len(metricNames(m, "table@2")) != 5 {
		t.Errorf("table entity %+v", e)
	}
	if e := m.Entity("partition@2.7"); e == nil || e.Type() != "partition" || strings.Join(e.Attributes(), ",") != "table_id,2,partition_id,7" || len(metricNames(m, "partition@2.7")) != 8 {
		t.Errorf("partition entity %+v", e)
	}
	if e := m.Entity("backup_policy@daily"); e == nil || strings.Join(e.Attributes(), ",") != "policy_name,daily" || len(metricNames(m, e.ID())) != 1 {
		t.Errorf("backup_policy entity %+v", e)
	}
	c := NewRegistry("c", "collector", "h", 1)
	c.AddServerEntity()
	if got := len(metricNames(c, "server")); got != 6 {
		t.Errorf("collector server has %d metrics", got)
	}
	// Model gauges wait for the caller's model.
	h := m.Entity("table@2").Gauge("healthy_partitions", "", "")
	if h.Value() != 0 {
		t.Errorf("healthy_partitions starts at %d", h.Value())
	}
}

// TestProfilerEntities: a task's profiler metrics follow its kind and
// options, as task_spec_profiler decides.
func TestProfilerEntities(t *testing.T) {
	r := NewRegistry("onebox", "replica", "h", 1)
	common := "profiler_queued_tasks,profiler_queue_latency_ns,profiler_execute_latency_ns,profiler_executed_tasks,profiler_cancelled_tasks"
	for _, c := range []struct {
		task ProfiledTask
		want string
	}{
		{ProfiledTask{Name: "RPC_RRDB_RRDB_GET", Kind: TaskRPCRequest, ResponseSize: true}, common + ",profiler_server_rpc_latency_ns,profiler_server_rpc_response_bytes"},
		{ProfiledTask{Name: "RPC_RRDB_RRDB_BULK_LOAD", Kind: TaskRPCRequest, DropTimeout: true}, common + ",profiler_server_rpc_latency_ns,profiler_dropped_timeout_rpcs"},
		{ProfiledTask{Name: "RPC_RRDB_RRDB_PUT_ACK", Kind: TaskRPCResponse}, common + ",profiler_client_rpc_latency_ns,profiler_client_timeout_rpcs"},
		{ProfiledTask{Name: "LPC_AIO_BATCH_WRITE", Kind: TaskAIO}, common + ",profiler_aio_latency_ns"},
		{ProfiledTask{Name: "LPC_GROUP_CHECK", Kind: TaskCompute}, common},
	} {
		e := r.AddProfilerEntity(c.task)
		if e.ID() != "task@"+c.task.Name || strings.Join(e.Attributes(), ",") != "task_name,"+c.task.Name {
			t.Errorf("%s: entity %s %v", c.task.Name, e.ID(), e.Attributes())
		}
		if got := strings.Join(metricNames(r, e.ID()), ","); got != c.want {
			t.Errorf("%s: %s, want %s", c.task.Name, got, c.want)
		}
	}
	// The onebox's profiled tasks carry every profiler metric somewhere.
	seen := map[string]bool{}
	for _, task := range ProfiledTasks() {
		for _, n := range metricNames(r, r.AddProfilerEntity(task).ID()) {
			seen[n] = true
		}
	}
	if len(seen) != len(catalogNames("profiler", "replica")) {
		t.Errorf("profiled tasks carry %d profiler metrics", len(seen))
	}
	for _, c := range []struct{ id, attrs string }{
		{r.AddQueueEntity("replica.3").ID(), "queue_name,replica.3"},
		{r.AddConnectionEntity("127.0.0.1:34601").ID(), "remote_addr,127.0.0.1:34601"},
		{r.AddLatencyTracerEntity("mutation", "a", "b").ID(), "description,mutation,starting_point,a,end_point,b"},
	} {
		if got := strings.Join(r.Entity(c.id).Attributes(), ","); got != c.attrs {
			t.Errorf("%s: %s", c.id, got)
		}
	}
	if r.Entity("latency_tracer@mutation|a|b") == nil || len(QueueNames(RolePools("replica"))) != 1+1+24+1+1+1+1+1+4+1 {
		t.Error("latency tracer id or queue names")
	}
}

// TestCatalogErrors: a bad catalogue row is refused with its line.
func TestCatalogErrors(t *testing.T) {
	head := "entity\tname\ttype\tvalue\tunit\troles\tsim\tsource\tdesc\n"
	for _, c := range []struct{ row, want string }{
		{"replica\tx\tGauge\tint64\tRequests\treplica\trate 1 2\ts\td", "x.tsv:2: replica/x: sim \"rate 1 2\" does not fit a Gauge"},
		{"replica\tx\tCounter\tint64\tFurlongs\treplica\tzero\ts\td", "x.tsv:2: replica/x: unknown unit \"Furlongs\""},
		{"replica\tx\tCounter\tint64\tRequests\t\tzero\ts\td", "x.tsv:2: replica/x: empty roles (meta, replica or *)"},
		{"replica\tx\tCounter\tint64\tRequests\treplica\trate 3 1\ts\td", "x.tsv:2: replica/x: sim \"rate 3 1\": LO above HI"},
		{"replica\tx\tCounter\tint64\tRequests\treplica\trate a 1\ts\td", "x.tsv:2: replica/x: sim \"rate a 1\": \"a\" is not a number"},
		{"replica\tx\tTimer\tint64\tRequests\treplica\tzero\ts\td", "x.tsv:2: replica/x: type \"Timer\" is not Gauge, Counter, VolatileCounter or Percentile"},
		{"replica\tx\tCounter\tint64\tRequests\treplica\tzero\ts", "x.tsv:2: 8 fields, want 9"},
		{"replica\tx\tCounter\tint64\tRequests\treplica\tzero\ts\td\nreplica\tx\tCounter\tint64\tRequests\treplica\tzero\ts\td", "x.tsv:3: replica/x repeats line 2"},
	} {
		_, err := loadCatalog("x.tsv", head+c.row+"\n")
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %s", c.row, err, c.want)
		}
	}
}

// TestVolatileCounterAndLoad: a volatile counter's reads take and reset
// it; the load multiplies the counters' rates.
func TestVolatileCounterAndLoad(t *testing.T) {
	r := NewRegistry("onebox", "replica", "h", 1)
	v := r.AddEntity("server", "server").VolatileCounter("recent_beacons", UnitBeacons, "")
	v.Add(5)
	q := Query{Metrics: []string{"recent_beacons"}, WithMetricFields: []string{"name"}}
	r.Body(q, testNow) // a read without "value" still takes it
	if v.Value() != 0 {
		t.Errorf("volatile counter %d after a read", v.Value())
	}
	v.Add(3)
	if d := decode(t, r.Body(Query{Detail: ptrBool(true)}, testNow)); d.Entities[0].Metrics[0]["value"] != json.Number("3") ||
		d.Entities[0].Metrics[0]["type"] != "VolatileCounter" {
		t.Errorf("volatile counter read %v", d.Entities[0].Metrics[0])
	}

	count := func(load float64) int64 {
		r := NewRegistry("onebox", "replica", "h", 1)
		r.SetLoad(load)
		c := r.AddReplicaEntity(1, 0).Counter("get_requests", "", "")
		r.Simulate(testNow)
		r.Simulate(testNow.Add(100 * time.Second))
		return c.Value()
	}
	one, three, none := count(1), count(3), count(0)
	if one < 100 || three < 3*one-3 || three > 3*one+3 || none != 0 {
		t.Errorf("100 s of GETs: %d at load 1, %d at load 3, %d at load 0", one, three, none)
	}
}

// decoded is a body decoded for assertions.
type decoded struct {
	Port        json.Number
	TimestampNS uint64 `json:"timestamp_ns"`
	Entities    []struct {
		Type, ID   string
		Attributes map[string]string
		Metrics    []map[string]any
	}
}

func decode(t *testing.T, body []byte) decoded {
	t.Helper()
	var d decoded
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("decode: %v\n%s", err, body)
	}
	return d
}

// values maps "entity/metric/field" to its value.
func values(d decoded) map[string]json.Number {
	out := map[string]json.Number{}
	for _, e := range d.Entities {
		for _, m := range e.Metrics {
			for k, v := range m {
				if n, ok := v.(json.Number); ok {
					out[e.ID+"/"+m["name"].(string)+"/"+k] = n
				}
			}
		}
	}
	return out
}

func TestSimulateChangesValues(t *testing.T) {
	r := catalogRegistry("replica")
	t0 := time.Unix(1700000000, 0)
	b1 := r.Body(Query{Detail: ptrBool(true)}, t0)
	b2 := r.Body(Query{Detail: ptrBool(true)}, t0.Add(90*time.Second))
	if string(b1) == string(b2) {
		t.Fatal("two reads 90 s apart are identical")
	}
	v1, v2 := values(decode(t, b1)), values(decode(t, b2))
	d2 := decode(t, b2)
	changed := 0
	for _, e := range d2.Entities {
		for _, m := range e.Metrics {
			name := m["name"].(string)
			key := e.ID + "/" + name + "/"
			switch m["type"] {
			case "Counter":
				a, _ := v1[key+"value"].Int64()
				b, _ := v2[key+"value"].Int64()
				if b < a {
					t.Errorf("%s went down: %d → %d", key, a, b)
				}
				if name == "get_requests" && b-a < 90*5/2 {
					t.Errorf("%s: only %d GETs in 90 s", key, b-a)
				}
			case "Percentile":
				prev := int64(0)
				for _, k := range kthNames {
					v, err := v2[key+k].Int64()
					if err != nil || v < prev || v <= 0 {
						t.Errorf("%s%s = %s, after %d", key, k, v2[key+k], prev)
					}
					prev = v
				}
			case "Gauge":
				if v, err := v2[key+"value"].Int64(); err != nil || v < 0 {
					t.Errorf("%s = %s", key, v2[key+"value"])
				}
			default:
				t.Errorf("%s: type %v", key, m["type"])
			}
			for _, k := range []string{"value", "p50", "p99"} {
				if a, ok := v1[key+k]; ok && a != v2[key+k] {
					changed++
				}
			}
		}
	}
	if changed < 50 {
		t.Errorf("only %d values changed", changed)
	}
	// A disk's total is fixed; its available space is the caller's (the
	// onebox derives it from the replicas' sst sizes).
	for _, tag := range []string{"ssd1", "ssd2"} {
		total, _ := v2["disk@"+tag+"/disk_capacity_total_mb/value"].Int64()
		avail, _ := v2["disk@"+tag+"/disk_capacity_avail_mb/value"].Int64()
		if total < 1e6 || avail != 0 || v1["disk@"+tag+"/disk_capacity_total_mb/value"] != v2["disk@"+tag+"/disk_capacity_total_mb/value"] {
			t.Errorf("disk %s: avail %d total %d", tag, avail, total)
		}
	}
	// timestamp_ns is the read time.
	if ts := decode(t, b2).TimestampNS; ts != uint64(t0.Add(90*time.Second).UnixNano()) {
		t.Errorf("timestamp_ns %d", ts)
	}
}

func TestSimulateDeterministic(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	times := []time.Duration{0, 1500 * time.Millisecond, 10 * time.Second, 10 * time.Second, 5 * time.Second, time.Hour}
	run := func(seed uint64) []string {
		r := catalogRegistry("replica")
		r.SetSeed(seed)
		var out []string
		for _, d := range times {
			out = append(out, string(r.Body(Query{}, t0.Add(d))))
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	if !slices.Equal(a, b) {
		t.Error("same seed, different values")
	}
	if a[3] != a[2] {
		t.Error("repeating a time changed values")
	}
	if strings.Replace(a[4], "1700000005000000000", "1700000010000000000", 1) != a[2] {
		t.Error("a time before the previous one changed values")
	}
	if a[5] == c[5] {
		t.Error("different seeds, same values")
	}
	// Nodes of one onebox differ by default, but the replicas of a
	// partition agree.
	x := NewRegistry("onebox", "replica", "h", 34801)
	y := NewRegistry("onebox", "replica", "h", 34802)
	for _, r := range []*Registry{x, y} {
		r.AddServerEntity()
		r.AddReplicaEntity(1, 0)
		r.Simulate(t0)
	}
	q := Query{IDs: []string{"server"}}
	if strings.Replace(string(x.Body(q, t0)), "34801", "34802", 1) == string(y.Body(q, t0)) {
		t.Error("two nodes report the same values")
	}
	q = Query{IDs: []string{"replica@1.0"}}
	if a, b := string(x.Body(q, t0.Add(time.Minute))), string(y.Body(q, t0.Add(time.Minute))); strings.Replace(a, "34801", "34802", 1) != b {
		t.Errorf("two replicas of a partition differ:\n%s\n%s", a, b)
	}
}

func TestSimulatePinningAndObservations(t *testing.T) {
	r := catalogRegistry("replica")
	e := r.Entity("replica@2.0")
	t0 := time.Unix(1700000000, 0)
	r.Simulate(t0)

	g := e.Gauge("rdb_total_sst_size_mb", "", "")
	g.Set(1234)
	c := e.Counter("get_requests", "", "")
	before := c.Value()
	c.Add(1000)
	pinned := e.Counter("put_requests", "", "")
	pinned.Pin()
	pinned.Add(5)
	pv := pinned.Value()
	p := e.Percentile("get_latency_ns", "", "", 0)
	for v := int64(1000); v >= 1; v-- {
		p.Observe(v)
	}
	dp := r.Entity("server").DoubleGauge("load", UnitPercent, "")
	dp.Add(0.5)
	dp.Add(0.25)
	fp := r.Entity("server").DoublePercentile("lag", UnitSeconds, "", P50|P999)
	fp.Observe(0.5)
	fp.Observe(1.5)

	r.Simulate(t0.Add(time.Minute))
	if g.Value() != 1234 {
		t.Errorf("pinned gauge = %d", g.Value())
	}
	if c.Value() < before+1000+60 {
		t.Errorf("counter %d → %d: adds and simulation should accumulate", before, c.Value())
	}
	if pinned.Value() != pv {
		t.Errorf("pinned counter moved %d → %d", pv, pinned.Value())
	}
	// Element int(n × decimal) of the sorted window, as upstream.
	for k, want := range map[Kth]int64{P50: 501, P90: 901, P95: 951, P99: 991, P999: 1000} {
		if got := p.Value(k); got != want {
			t.Errorf("observed %#x = %d, want %d", k, got, want)
		}
	}
	if dp.Value() != 0.75 || fp.Value(P50) != 1.5 || fp.Value(P999) != 1.5 {
		t.Errorf("double gauge %v, percentile %v %v", dp.Value(), fp.Value(P50), fp.Value(P999))
	}
	// More observations than the window keep the latest ones.
	for range 2 * sampleSize {
		p.Observe(7)
	}
	r.Simulate(t0.Add(2 * time.Minute))
	if p.Value(P999) != 7 {
		t.Errorf("window not rolled: p999 = %d", p.Value(P999))
	}
	// Set writes several kth at once.
	p.Set(P50|P99, 3)
	if p.Value(P50) != 3 || p.Value(P99) != 3 || p.Value(P90) != 7 {
		t.Error("Set of a kth set")
	}
}

// TestDecodeIntoMetricsSnapshot: what the generated client decodes the
// body into.
func TestDecodeIntoMetricsSnapshot(t *testing.T) {
	r := smallRegistry()
	w := pegasusrt.NewJSON(pegasusrt.Pretty4)
	for _, c := range encodeCases {
		r.Encode(w, c.q, testNow)
		var s replica.MetricsSnapshot
		if err := json.Unmarshal(w.Bytes(), &s); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if s.Cluster != "onebox" || s.Role != "replica" || s.Host != "myhost" || s.Port != 34801 ||
			s.TimestampNS != testNow.UnixNano() || s.Entities == nil {
			t.Errorf("%s: header %+v", c.name, s)
		}
		for _, e := range s.Entities {
			if len(e.Metrics) == 0 || e.Attributes == nil {
				t.Errorf("%s: entity %+v", c.name, e)
			}
		}
	}
	r.Encode(w, Query{Detail: ptrBool(true), IDs: []string{"replica@2.1"}}, testNow)
	var s replica.MetricsSnapshot
	if err := json.Unmarshal(w.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	m := s.Entities[0].Metrics[1]
	if *m.Type != "Percentile" || *m.Name != "put_latency_ns" || *m.Unit != "NanoSeconds" || m.P50 != nil || *m.P95 != 1500 || *m.P99 != 2500 || m.Value != nil {
		t.Errorf("metric %+v", m)
	}
	if got := s.Entities[0].Attributes; got["table_id"] != "2" || got["partition_id"] != "1" {
		t.Errorf("attributes %v", got)
	}
}

// briefValueSnapshot is the collector's MetricQueryBriefValueSnapshot
// (collector/metrics/metric_snapshot.go): port int, timestamp_ns int64,
// value float64.
type briefValueSnapshot struct {
	Cluster     string `json:"cluster"`
	Role        string `json:"role"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TimestampNS int64  `json:"timestamp_ns"`
	Entities    []struct {
		Type       string            `json:"type"`
		ID         string            `json:"id"`
		Attributes map[string]string `json:"attributes"`
		Metrics    []struct {
			Name  string  `json:"name"`
			Value float64 `json:"value"`
		} `json:"metrics"`
	} `json:"entities"`
}

// TestCollectorReads reads bodies the way the upstream collector does
// (§11): /metrics?detail=true walked as entities[].metrics[].{name,type,
// desc,value,pNN}, and the hotspot detector's brief value snapshot.
func TestCollectorReads(t *testing.T) {
	r := catalogRegistry("replica")
	t0 := time.Unix(1700000000, 0)
	r.Simulate(t0)

	// initMetrics / processAllServerMetrics (gjson over detail=true).
	var doc map[string]any
	if err := json.Unmarshal(r.Body(Query{Detail: ptrBool(true)}, t0.Add(time.Second)), &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range doc["entities"].([]any) {
		ent := e.(map[string]any)
		if _, ok := ent["attributes"].(map[string]any); !ok {
			t.Errorf("%v: attributes", ent["id"])
		}
		for _, m := range ent["metrics"].([]any) {
			met := m.(map[string]any)
			typ, _ := met["type"].(string)
			seen[typ]++
			if _, ok := met["name"].(string); !ok {
				t.Errorf("metric without name: %v", met)
			}
			if _, ok := met["desc"].(string); !ok {
				t.Errorf("metric without desc: %v", met)
			}
			switch typ {
			case "Counter", "Gauge":
				if _, ok := met["value"].(float64); !ok {
					t.Errorf("%v: value %v", met["name"], met["value"])
				}
			case "Percentile":
				for _, k := range kthNames {
					if _, ok := met[k].(float64); !ok {
						t.Errorf("%v: %s %v", met["name"], k, met[k])
					}
				}
			default:
				t.Errorf("%v: type %q", met["name"], typ)
			}
		}
	}
	if seen["Counter"] == 0 || seen["Gauge"] == 0 || seen["Percentile"] == 0 {
		t.Errorf("types seen: %v", seen)
	}

	// GetBriefValueSnapshot as the hotspot detector calls it: all five keys
	// present, with_metric_fields=name,value.
	ops := []string{"get", "multi_get", "batch_get", "scan", "put", "multi_get", "remove", "multi_remove", "incr", "check_and_set", "check_and_mutate", "dup"}
	var names []string
	for _, op := range ops {
		names = append(names, op+"_requests")
	}
	q := Query{WithMetricFields: []string{"name", "value"}, Types: []string{"replica"}, IDs: []string{}, Attributes: []string{}, Metrics: names}
	var first, second briefValueSnapshot
	for i, s := range []*briefValueSnapshot{&first, &second} {
		if err := json.Unmarshal(r.Body(q, t0.Add(time.Duration(10+i*10)*time.Second)), s); err != nil {
			t.Fatal(err)
		}
	}
	if second.Port != 34801 || second.Cluster != "onebox" || second.TimestampNS-first.TimestampNS != 10e9 {
		t.Errorf("header %+v", second)
	}
	if len(second.Entities) != 5 {
		t.Fatalf("%d replica entities", len(second.Entities))
	}
	for i, e := range second.Entities {
		if e.Type != "replica" {
			t.Errorf("type %s", e.Type)
		}
		if _, err := strconv.Atoi(e.Attributes["table_id"]); err != nil {
			t.Errorf("table_id %q", e.Attributes["table_id"])
		}
		if _, err := strconv.Atoi(e.Attributes["partition_id"]); err != nil {
			t.Errorf("partition_id %q", e.Attributes["partition_id"])
		}
		if len(e.Metrics) != 11 { // multi_put is not asked for (the collector's typo)
			t.Errorf("%s: %d metrics", e.ID, len(e.Metrics))
		}
		getQPS := (e.Metrics[0].Value - first.Entities[i].Metrics[0].Value) / 10
		if e.Metrics[0].Name != "get_requests" || getQPS < 5*0.7-0.2 || getQPS > 50*1.3+0.2 {
			t.Errorf("%s: %s QPS %v", e.ID, e.Metrics[0].Name, getQPS)
		}
	}
}

// queryOf is the adapter a handler writes.
func queryOf(req replica.GetMetricsRequest) Query {
	return Query{WithMetricFields: req.WithMetricFields, Types: req.Types, IDs: req.IDs,
		Attributes: req.Attributes, Metrics: req.Metrics, Detail: req.Detail}
}

// rawHandler answers /metrics with Body; typedHandler re-encodes the same
// snapshot through the generated writer (GetMetrics200), the reference
// for the bytes.
type rawHandler struct {
	replica.UnimplementedHandler
	r *Registry
}

func (h rawHandler) GetMetrics(_ context.Context, req replica.GetMetricsRequest) (replica.GetMetricsResponse, error) {
	return replica.GetMetrics200Raw(h.r.Body(queryOf(req), testNow)), nil
}

type typedHandler struct{ rawHandler }

// integralDouble is a JSON double with no fraction, "2.0".
var integralDouble = regexp.MustCompile(`(: -?[0-9]+)\.0\b`)

func (h typedHandler) GetMetrics(_ context.Context, req replica.GetMetricsRequest) (replica.GetMetricsResponse, error) {
	var s replica.MetricsSnapshot
	if err := json.Unmarshal(h.r.Body(queryOf(req), testNow), &s); err != nil {
		return replica.GetMetricsResponse{}, err
	}
	return replica.GetMetrics200(s), nil
}

// urlQuery is what a client sends for q.
func urlQuery(q Query) string {
	v := url.Values{}
	for k, l := range map[string][]string{"with_metric_fields": q.WithMetricFields, "types": q.Types, "ids": q.IDs, "attributes": q.Attributes, "metrics": q.Metrics} {
		if l != nil {
			v.Set(k, strings.Join(l, ","))
		}
	}
	if q.Detail != nil {
		v.Set("detail", strconv.FormatBool(*q.Detail))
	}
	return v.Encode()
}

func get(t *testing.T, u string) []byte {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("%s: %v %d %s", u, err, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return b
}

// TestGeneratedServerAndClient serves the registry through the generated
// ReplicaServer, checks every filter case byte for byte against the
// generated typed writer (entities with attribute names in sorted order,
// the one order that writer knows), and reads it with the generated
// client.
func TestGeneratedServerAndClient(t *testing.T) {
	r := smallRegistry()
	r.AddEntity("replica", "replica@2.0", "partition_id", "0", "table_id", "2")
	r.AddEntity("replica", "replica@2.1", "partition_id", "1", "table_id", "2")
	r.AddEntity("disk", "disk@ssd1", "data_dir", "/data/ssd1", "tag", "ssd1")
	raw := httptest.NewServer(replica.NewServer(rawHandler{r: r}, nil))
	defer raw.Close()
	typed := httptest.NewServer(replica.NewServer(typedHandler{rawHandler{r: r}}, nil))
	defer typed.Close()
	for _, c := range encodeCases {
		q := urlQuery(c.q)
		a, b := get(t, raw.URL+"/metrics?"+q), get(t, typed.URL+"/metrics?"+q)
		// Metric values are float64 in Go: a double gauge's integral value
		// ("2.0") comes back from the typed writer as an integer ("2").
		a = integralDouble.ReplaceAll(a, []byte("$1"))
		if string(a) != string(b) {
			t.Errorf("%s (?%s): ours\n%s\ngenerated writer\n%s", c.name, q, a, b)
		}
	}

	cl, err := replica.NewClient([]string{raw.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := cl.GetMetrics(context.Background(), &replica.GetMetricsRequest{Types: []string{"replica"}, Metrics: []string{"get_requests"}, Detail: ptrBool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Entities) != 2 || *s.Entities[1].Metrics[0].Value != 3 || *s.Entities[1].Metrics[0].Type != "Counter" {
		t.Errorf("client got %+v", s)
	}
}

// TestConcurrentUse runs updates, simulation, encoding and entity churn at
// once; run with -race.
func TestConcurrentUse(t *testing.T) {
	r := catalogRegistry("replica")
	t0 := time.Unix(1700000000, 0)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	loop := func(f func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
					f(i)
				}
			}
		}()
	}
	e := r.Entity("replica@2.0")
	loop(func(i int) { r.Simulate(t0.Add(time.Duration(i) * 100 * time.Millisecond)) })
	loop(func(i int) {
		e.Counter("get_requests", "", "").Increment()
		e.Gauge("rdb_total_sst_files", "", "").Add(1)
		e.Percentile("get_latency_ns", "", "", 0).Observe(int64(i))
		e.DoubleGauge("x", UnitPercent, "").Add(1)
	})
	loop(func(i int) {
		id := 100 + i%8
		if i%2 == 0 {
			r.AddReplicaEntity(id, 0).Gauge("extra", UnitBytes, "").Set(int64(i))
		} else {
			r.RemoveEntity("replica@" + strconv.Itoa(id) + ".0")
		}
		r.AddEntity("disk", "disk@ssd1", "tag", "ssd1", "data_dir", strconv.Itoa(i))
	})
	for range 2 {
		loop(func(i int) {
			var s replica.MetricsSnapshot
			if err := json.Unmarshal(r.Body(Query{Detail: ptrBool(i%2 == 0)}, t0.Add(time.Duration(i)*time.Second)), &s); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if v := e.DoubleGauge("x", "", "").Value(); v <= 0 || v != math.Trunc(v) {
		t.Errorf("double adds lost: %v", v)
	}
}

// TestEntityIdleAndDrive: Idle zeroes an entity and stops it; Drive
// stops and restarts named metrics, a counter keeping its count.
func TestEntityIdleAndDrive(t *testing.T) {
	r := NewRegistry("onebox", "replica", "h", 1)
	p := r.AddProfilerEntity(ProfiledTask{Name: "RPC_RRDB_RRDB_GET", Kind: TaskRPCRequest})
	p.Idle()
	e := r.AddReplicaEntity(1, 0)
	r.Simulate(testNow)
	e.Drive(false, "get_requests")
	r.Simulate(testNow.Add(time.Minute))
	gets, puts := e.Counter("get_requests", "", ""), e.Counter("put_requests", "", "")
	if gets.Value() != 0 || puts.Value() == 0 {
		t.Errorf("stopped GETs %d, PUTs %d", gets.Value(), puts.Value())
	}
	e.Drive(true, "get_requests")
	r.Simulate(testNow.Add(2 * time.Minute))
	if gets.Value() == 0 {
		t.Error("GETs did not restart")
	}
	if v := p.Gauge("profiler_queued_tasks", "", "").Value(); v != 0 {
		t.Errorf("idle queued tasks %d", v)
	}
	if v := p.Counter("profiler_executed_tasks", "", "").Value(); v != 0 {
		t.Errorf("idle executed tasks %d", v)
	}
	if v := p.Percentile("profiler_server_rpc_latency_ns", "", "", 0).Value(P999); v != 0 {
		t.Errorf("idle latency p999 %d", v)
	}
}
