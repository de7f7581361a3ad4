package onebox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/metrics"
)

// fakeClock is a settable time source shared by every server.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Unix(1700000000, 0).UnixNano())
	return c
}

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// switchElector is an Elector a test moves from one MetaServer to another.
type switchElector struct{ primary atomic.Pointer[string] }

func (e *switchElector) Primary() string { return *e.primary.Load() }
func (e *switchElector) set(a string)    { e.primary.Store(&a) }

// start runs the default onebox on ephemeral ports with the given state
// config overrides, a fake clock and a switchable elector.
func start(t *testing.T, config map[string]string, load float64) (*Cluster, *fakeClock, *switchElector) {
	t.Helper()
	st := cluster.DefaultState()
	st.Config = config
	clock, el := newFakeClock(), &switchElector{}
	el.set("")
	c, err := Start(Options{State: st, Listen: func(string) string { return "127.0.0.1:0" }, Clock: clock.now, Elector: el, Load: load})
	if err != nil {
		t.Fatal(err)
	}
	el.set(c.Metas[0].Addr)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c.Stop(ctx)
	})
	return c, clock, el
}

// snapshot is a /metrics body decoded as the C++ shell and the collector
// decode it, strictly: port an integer, timestamp_ns an int64, attributes
// strings, value and p50…p999 doubles.
type snapshot struct {
	Cluster     string `json:"cluster"`
	Role        string `json:"role"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TimestampNS int64  `json:"timestamp_ns"`
	Entities    []struct {
		Type       string            `json:"type"`
		ID         string            `json:"id"`
		Attributes map[string]string `json:"attributes"`
		Metrics    []metric          `json:"metrics"`
	} `json:"entities"`
}

type metric struct {
	Type  string   `json:"type"`
	Name  string   `json:"name"`
	Unit  string   `json:"unit"`
	Desc  string   `json:"desc"`
	Value *float64 `json:"value"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P95   *float64 `json:"p95"`
	P99   *float64 `json:"p99"`
	P999  *float64 `json:"p999"`
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %v %d %s", url, err, res.StatusCode, b)
	}
	return b
}

func scrape(t *testing.T, addr, query string) snapshot {
	t.Helper()
	var s snapshot
	dec := json.NewDecoder(strings.NewReader(string(get(t, "http://"+addr+"/metrics?"+query))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("%s ?%s: %v", addr, query, err)
	}
	return s
}

// values maps "entity id/metric" to the value (or p99 of a percentile).
func (s snapshot) values() map[string]float64 {
	out := map[string]float64{}
	for _, e := range s.Entities {
		for _, m := range e.Metrics {
			switch {
			case m.Value != nil:
				out[e.ID+"/"+m.Name] = *m.Value
			case m.P99 != nil:
				out[e.ID+"/"+m.Name] = *m.P99
			}
		}
	}
	return out
}

func (c *Cluster) servers() []*Server { return c.all() }

// TestCatalogueCoverage: over all the onebox's nodes, the (entity type,
// metric) pairs are exactly the catalogue's, each with the catalogue's
// type, unit and description. The backup policy and latency tracer
// entities need the config that makes upstream create them; with the
// defaults they are absent.
func TestCatalogueCoverage(t *testing.T) {
	want := map[string]metrics.MetricDef{}
	for _, d := range metrics.Catalog() {
		want[d.Entity+"/"+d.Name] = d
	}
	if len(want) != 214 {
		t.Errorf("catalogue has %d pairs, upstream HEAD 214", len(want))
	}
	collect := func(c *Cluster) map[string]bool {
		got := map[string]bool{}
		for _, s := range c.servers() {
			for _, e := range scrape(t, s.Addr, "detail=true").Entities {
				for _, m := range e.Metrics {
					k := e.Type + "/" + m.Name
					got[k] = true
					d, ok := want[k]
					if !ok {
						t.Errorf("%s %s: %s is not in the catalogue", s.Role, s.Addr, k)
						continue
					}
					if m.Type != d.Type || m.Unit != d.Unit || m.Desc != d.Desc {
						t.Errorf("%s: %s %s %q, catalogue %s %s %q", k, m.Type, m.Unit, m.Desc, d.Type, d.Unit, d.Desc)
					}
				}
			}
		}
		return got
	}
	c, _, _ := start(t, map[string]string{"cold_backup_disabled": "false", "enable_latency_tracer": "true", "enable_latency_tracer_report": "true"}, 0)
	got := collect(c)
	for k := range want {
		if !got[k] {
			t.Errorf("%s: in the catalogue, on no node", k)
		}
	}
	d, _, _ := start(t, nil, 0)
	got = collect(d)
	for k := range got {
		if strings.HasPrefix(k, "backup_policy/") || strings.HasPrefix(k, "latency_tracer/") {
			t.Errorf("%s without the config that enables it", k)
		}
	}
	if len(got) != len(want)-2 {
		t.Errorf("default onebox: %d pairs, want %d", len(got), len(want)-2)
	}
}

// shellQuery is one of the C++ shell's /metrics queries, as
// metric_filters::to_query_string writes it (raw commas, that key order,
// empty lists left out).
type shellQuery struct {
	name    string
	types   []string
	fields  string
	attrs   string
	metrics []string
	// samples is 2 for the commands that compute rates.
	samples int
}

func (q shellQuery) String() string {
	parts := []string{"with_metric_fields=" + q.fields, "types=" + strings.Join(q.types, ",")}
	if q.attrs != "" {
		parts = append(parts, "attributes="+q.attrs)
	}
	return strings.Join(append(parts, "metrics="+strings.Join(q.metrics, ",")), "&")
}

// rowData is row_data_filters() (src/shell/command_helper.h): app_stat.
var rowData = strings.Fields(`get_requests multi_get_requests batch_get_requests put_requests multi_put_requests
	remove_requests multi_remove_requests incr_requests check_and_set_requests check_and_mutate_requests scan_requests
	dup_requests dup_shipped_successful_requests dup_shipped_failed_requests dup_recent_lost_mutations read_capacity_units
	write_capacity_units read_expired_values read_filtered_values abnormal_read_requests throttling_delayed_write_requests
	throttling_rejected_write_requests throttling_delayed_read_requests throttling_rejected_read_requests
	throttling_delayed_backup_requests throttling_rejected_backup_requests splitting_rejected_write_requests
	splitting_rejected_read_requests bulk_load_ingestion_rejected_write_requests rdb_total_sst_size_mb rdb_total_sst_files
	rdb_block_cache_hit_count rdb_block_cache_total_count rdb_index_and_filter_blocks_mem_usage_bytes
	rdb_memtable_mem_usage_bytes rdb_estimated_keys rdb_bloom_filter_seek_negatives rdb_bloom_filter_seek_total
	rdb_bloom_filter_point_lookup_true_positives rdb_bloom_filter_point_lookup_positives
	rdb_bloom_filter_point_lookup_negatives backup_requests backup_request_bytes get_bytes multi_get_bytes batch_get_bytes
	scan_bytes put_bytes multi_put_bytes check_and_set_bytes check_and_mutate_bytes rdb_compaction_input_bytes
	rdb_compaction_output_bytes rdb_l2_and_up_hit_count rdb_l1_hit_count rdb_l0_hit_count rdb_memtable_hit_count
	rdb_write_amplification rdb_read_amplification`)

// shellQueries are the eight (src/shell: command_helper.h,
// node_management.cpp, table_management.cpp, data_operations.cpp).
var shellQueries = []shellQuery{
	{name: "app_stat", types: []string{"replica"}, fields: "name,value", metrics: rowData, samples: 2},
	{name: "app_stat -a temp", types: []string{"replica"}, fields: "name,value", attrs: "table_id,2", metrics: rowData, samples: 2},
	{name: "count_data -e", types: []string{"replica"}, fields: "name,value", attrs: "table_id,2", metrics: []string{"rdb_estimated_keys"}, samples: 1},
	{name: "app_disk temp", types: []string{"replica"}, fields: "name,value", attrs: "table_id,2", metrics: []string{"rdb_total_sst_files", "rdb_total_sst_size_mb"}, samples: 1},
	{name: "nodes -r", types: []string{"server", "replica", "disk"}, fields: "name,value", metrics: []string{"resident_mem_usage_mb",
		"rdb_block_cache_mem_usage_bytes", "rdb_wbm_total_mem_usage_bytes", "rdb_wbm_mutable_mem_usage_bytes", "rdb_memtable_mem_usage_bytes",
		"rdb_index_and_filter_blocks_mem_usage_bytes", "disk_capacity_total_mb", "disk_capacity_avail_mb"}, samples: 1},
	{name: "nodes -q", types: []string{"replica"}, fields: "name,value", metrics: []string{"get_requests", "multi_get_requests",
		"batch_get_requests", "put_requests", "multi_put_requests", "read_capacity_units", "write_capacity_units"}, samples: 2},
	{name: "nodes -l", types: []string{"profiler"}, fields: "name,p99", metrics: []string{"profiler_server_rpc_latency_ns"}, samples: 1},
	{name: "server_stat", types: []string{"server"}, fields: "name,value", metrics: []string{"virtual_mem_usage_mb", "resident_mem_usage_mb"}, samples: 2},
}

// entityMetrics is which of a query's metrics each entity type carries.
func entityMetrics(q shellQuery, role string) map[string][]string {
	out := map[string][]string{}
	for _, d := range metrics.Catalog() {
		if slices.Contains(q.types, d.Entity) && slices.Contains(q.metrics, d.Name) &&
			(d.Roles == "*" || slices.Contains(strings.Split(d.Roles, ","), role)) {
			out[d.Entity] = append(out[d.Entity], d.Name)
		}
	}
	return out
}

// TestShellQueries replays the C++ shell's eight queries on every
// ReplicaServer (server_stat on every node), checking that every entity
// of a requested type carries every requested metric it has upstream,
// that nothing else comes back, and that two samples give growing
// timestamps and non-negative rates.
func TestShellQueries(t *testing.T) {
	c, clock, _ := start(t, nil, 0)
	for _, q := range shellQueries {
		servers := c.Replicas
		if q.name == "server_stat" {
			servers = c.servers()
		}
		for _, s := range servers {
			want := entityMetrics(q, s.Role)
			first := scrape(t, s.Addr, q.String())
			checkShellAnswer(t, q, s, first, want)
			if q.samples < 2 {
				continue
			}
			clock.advance(10 * time.Second)
			second := scrape(t, s.Addr, q.String())
			if second.TimestampNS-first.TimestampNS != 10e9 {
				t.Errorf("%s on %s: timestamps %d, %d", q.name, s.Addr, first.TimestampNS, second.TimestampNS)
			}
			a, b := first.values(), second.values()
			moved := 0
			for k, v := range b {
				if v < a[k] && strings.HasSuffix(k, "_requests") {
					t.Errorf("%s on %s: %s went down %v → %v", q.name, s.Addr, k, a[k], v)
				}
				if v != a[k] {
					moved++
				}
			}
			if moved == 0 {
				t.Errorf("%s on %s: nothing moved in 10 s", q.name, s.Addr)
			}
		}
	}
}

func checkShellAnswer(t *testing.T, q shellQuery, s *Server, got snapshot, want map[string][]string) {
	t.Helper()
	if got.Role != s.Role || got.Port == 0 || got.TimestampNS <= 0 {
		t.Errorf("%s on %s: header %s %d %d", q.name, s.Addr, got.Role, got.Port, got.TimestampNS)
	}
	if len(got.Entities) == 0 {
		t.Errorf("%s on %s: no entities", q.name, s.Addr)
	}
	tasks := map[string]bool{}
	for _, e := range got.Entities {
		var names []string
		for _, m := range e.Metrics {
			names = append(names, m.Name)
			v := m.Value
			if q.fields == "name,p99" {
				v = m.P99
				if m.Value != nil {
					t.Errorf("%s: %s/%s has a value", q.name, e.ID, m.Name)
				}
			}
			if v == nil || *v < 0 || m.Type != "" || m.Desc != "" {
				t.Errorf("%s on %s: %s/%s = %+v", q.name, s.Addr, e.ID, m.Name, m)
			}
		}
		if w := want[e.Type]; !slices.Equal(names, w) {
			t.Errorf("%s on %s: %s has %v, want %v", q.name, s.Addr, e.ID, names, w)
		}
		if q.attrs != "" && e.Attributes["table_id"] != "2" {
			t.Errorf("%s: %s of table %s", q.name, e.ID, e.Attributes["table_id"])
		}
		if e.Type == "replica" {
			if _, err := strconv.Atoi(e.Attributes["partition_id"]); err != nil {
				t.Errorf("%s: %s partition_id %q", q.name, e.ID, e.Attributes["partition_id"])
			}
		}
		if e.Type == "profiler" {
			tasks[e.Attributes["task_name"]] = true
		}
	}
	if q.name == "nodes -l" {
		// parse_profiler_latency reads these five.
		for _, op := range []string{"GET", "PUT", "MULTI_GET", "MULTI_PUT", "BATCH_GET"} {
			if !tasks["RPC_RRDB_RRDB_"+op] {
				t.Errorf("nodes -l on %s: no profiler entity for RPC_RRDB_RRDB_%s", s.Addr, op)
			}
		}
	}
}

// TestHotspotDetectorQuery replays GetBriefValueSnapshot (collector/
// metrics/metric_client.go): keys sorted, commas as %2C, empty ids= and
// attributes= sent, twice; every requested metric present on every
// replica entity, timestamps growing, rates non-negative, and GET rates
// positive on primaries only.
func TestHotspotDetectorQuery(t *testing.T) {
	c, clock, _ := start(t, nil, 0)
	names := []string{"get_requests", "multi_get_requests", "batch_get_requests", "scan_requests", "put_requests",
		"multi_put_requests", "remove_requests", "multi_remove_requests", "incr_requests", "check_and_set_requests",
		"check_and_mutate_requests", "dup_requests"}
	q := "attributes=&ids=&metrics=" + strings.Join(names, "%2C") + "&types=replica&with_metric_fields=name%2Cvalue"
	primaries := map[string]map[string]bool{}
	c.Model.Read(func(s *cluster.State) {
		for _, tb := range s.Tables {
			for i, p := range tb.Partitions {
				if primaries[p.Primary] == nil {
					primaries[p.Primary] = map[string]bool{}
				}
				primaries[p.Primary][fmt.Sprintf("replica@%d.%d", tb.ID, i)] = true
			}
		}
	})
	for _, s := range c.Replicas {
		first := scrape(t, s.Addr, q)
		clock.advance(10 * time.Second)
		second := scrape(t, s.Addr, q)
		if second.TimestampNS <= first.TimestampNS {
			t.Errorf("%s: timestamp_ns did not grow", s.Addr)
		}
		a, b := first.values(), second.values()
		for _, e := range second.Entities {
			for _, n := range names {
				k := e.ID + "/" + n
				va, okA := a[k]
				vb, okB := b[k]
				if !okA || !okB {
					t.Errorf("%s: %s missing", s.Addr, k)
					continue
				}
				if vb < va {
					t.Errorf("%s: %s rate %v", s.Addr, k, (vb-va)/10)
				}
			}
			getRate := (b[e.ID+"/get_requests"] - a[e.ID+"/get_requests"]) / 10
			if primary := primaries[s.Addr][e.ID]; primary != (getRate > 0) {
				t.Errorf("%s: %s primary %v, GET rate %v", s.Addr, e.ID, primary, getRate)
			}
		}
	}
}

// TestMetricsAgree: the numbers of different entities and of /meta/*
// agree: server replica counts with /meta/nodes, MetaServer node counts
// with its summary, table health with /meta/apps and the partition
// entities, the write counters of a partition's replicas with each other
// (every replica applies the same writes), table sums over primaries with
// sums over all replicas for reads, percentiles ordered, counters
// growing, disks consistent; and table entities only on the primary
// MetaServer, moving with it on failover.
func TestMetricsAgree(t *testing.T) {
	c, clock, el := start(t, nil, 0)
	ctx := context.Background()
	mc, err := meta.NewClient(c.MetaAddrs())
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := mc.ListMetaNodes(ctx, &meta.ListMetaNodesRequest{Detail: true})
	if err != nil {
		t.Fatal(err)
	}
	apps, err := mc.ListMetaApps(ctx, &meta.ListMetaAppsRequest{Detail: true})
	if err != nil {
		t.Fatal(err)
	}
	// Nodes scraped first at different times still agree later.
	for _, s := range c.Replicas {
		clock.advance(7 * time.Second)
		scrape(t, s.Addr, "types=replica&metrics=put_requests")
	}
	clock.advance(30 * time.Second)
	before := map[string]snapshot{}
	for _, s := range c.servers() {
		before[s.Addr] = scrape(t, s.Addr, "detail=true")
	}
	clock.advance(30 * time.Second)
	after := map[string]snapshot{}
	for _, s := range c.servers() {
		after[s.Addr] = scrape(t, s.Addr, "detail=true")
	}

	// Server counts of ReplicaServers against /meta/nodes.
	for _, n := range nodes.Details {
		v := after[n.Address].values()
		if v["server/total_replicas"] != float64(*n.ReplicaCount) || v["server/primary_replicas"] != float64(*n.PrimaryCount) ||
			v["server/secondary_replicas"] != float64(*n.SecondaryCount) || v["server/replica_origin_dirs"] != float64(*n.ReplicaCount) {
			t.Errorf("%s: server counts %v %v %v, /meta/nodes %d %d %d", n.Address, v["server/total_replicas"],
				v["server/primary_replicas"], v["server/secondary_replicas"], *n.ReplicaCount, *n.PrimaryCount, *n.SecondaryCount)
		}
		if got := countType(after[n.Address], "replica"); got != int(*n.ReplicaCount) {
			t.Errorf("%s: %d replica entities, /meta/nodes %d", n.Address, got, *n.ReplicaCount)
		}
	}
	// MetaServer node counts, on the primary and the backup.
	for _, m := range c.Metas {
		v := after[m.Addr].values()
		if v["server/alive_replica_servers"] != float64(nodes.Summary.AliveNodeCount) || v["server/unalive_replica_servers"] != float64(nodes.Summary.UnaliveNodeCount) {
			t.Errorf("%s: alive %v unalive %v, /meta/nodes %+v", m.Addr, v["server/alive_replica_servers"], v["server/unalive_replica_servers"], nodes.Summary)
		}
	}
	// Table health on the primary against /meta/apps and its partitions.
	primary := after[c.Metas[0].Addr]
	pv := primary.values()
	for i, g := range apps.GeneralInfo {
		h := apps.HealthyInfo[i]
		id := "table@" + strconv.FormatInt(g.AppID, 10)
		sum := 0.0
		for _, n := range []string{"dead_partitions", "unreadable_partitions", "unwritable_partitions", "writable_ill_partitions", "healthy_partitions"} {
			sum += pv[id+"/"+n]
		}
		if sum != float64(g.PartitionCount) || pv[id+"/healthy_partitions"] != float64(h.FullyHealthy) {
			t.Errorf("%s: health gauges sum %v healthy %v; /meta/apps %d partitions, %d fully healthy", id, sum, pv[id+"/healthy_partitions"], g.PartitionCount, h.FullyHealthy)
		}
		if got := countAttr(primary, "partition", "table_id", strconv.FormatInt(g.AppID, 10)); got != int(g.PartitionCount) {
			t.Errorf("%s: %d partition entities, /meta/apps %d", id, got, g.PartitionCount)
		}
	}
	if countType(after[c.Metas[1].Addr], "table") != 0 || countType(after[c.Metas[1].Addr], "partition") != 0 {
		t.Error("the backup MetaServer has table or partition entities")
	}
	checkReplicasAgree(t, c, before, after)
	checkDisks(t, c, before, after)
	checkValues(t, before, after)

	// Failover: the entities move to the new primary.
	el.set(c.Metas[1].Addr)
	old, nu := scrape(t, c.Metas[0].Addr, "types=table,partition"), scrape(t, c.Metas[1].Addr, "types=table,partition")
	if len(old.Entities) != 0 || countType(nu, "table") != len(apps.GeneralInfo) {
		t.Errorf("after failover: old primary %d entities, new primary %d tables", len(old.Entities), countType(nu, "table"))
	}
}

func countType(s snapshot, typ string) int {
	n := 0
	for _, e := range s.Entities {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func countAttr(s snapshot, typ, attr, val string) int {
	n := 0
	for _, e := range s.Entities {
		if e.Type == typ && e.Attributes[attr] == val {
			n++
		}
	}
	return n
}

// checkReplicasAgree: at one time, the replicas of a partition report the
// same write counts, and the read counts summed over all replicas (the
// collector's table sum) equal the sums over primaries (the shell's).
func checkReplicasAgree(t *testing.T, c *Cluster, before, after map[string]snapshot) {
	t.Helper()
	writes := map[string]float64{}
	allReads, primaryReads := 0.0, 0.0
	for _, s := range c.Replicas {
		for _, e := range after[s.Addr].Entities {
			if e.Type != "replica" {
				continue
			}
			primary := false
			c.Model.Read(func(st *cluster.State) {
				tid, _ := strconv.Atoi(e.Attributes["table_id"])
				pid, _ := strconv.Atoi(e.Attributes["partition_id"])
				primary = st.TableByID(int32(tid)).Partitions[pid].Primary == s.Addr
			})
			for _, m := range e.Metrics {
				switch m.Name {
				case "put_requests", "multi_put_requests", "write_capacity_units", "committed_requests":
					k := e.ID + "/" + m.Name
					if w, ok := writes[k]; ok && w != *m.Value {
						t.Errorf("%s: %s %v, another replica %v", s.Addr, k, *m.Value, w)
					}
					writes[k] = *m.Value
				case "get_requests":
					allReads += *m.Value
					if primary {
						primaryReads += *m.Value
					}
				}
			}
		}
	}
	if allReads != primaryReads || allReads == 0 || len(writes) == 0 {
		t.Errorf("GETs: %v over all replicas, %v over primaries", allReads, primaryReads)
	}
	// A node's executed RRDB tasks are its primaries' requests.
	for _, s := range c.Replicas {
		v := after[s.Addr].values()
		for task, name := range map[string]string{"GET": "get_requests", "PUT": "put_requests", "MULTI_GET": "multi_get_requests"} {
			sum := 0.0
			c.Model.Read(func(st *cluster.State) {
				for _, tb := range st.Tables {
					for i, p := range tb.Partitions {
						if p.Primary == s.Addr {
							sum += v[fmt.Sprintf("replica@%d.%d/%s", tb.ID, i, name)]
						}
					}
				}
			})
			if got := v["task@RPC_RRDB_RRDB_"+task+"/profiler_executed_tasks"]; got != sum || sum == 0 {
				t.Errorf("%s: %s executed %v, primaries counted %v", s.Addr, task, got, sum)
			}
		}
	}
}

// checkDisks: on each node, what its disks have used is its replicas'
// sst files plus a fixed reserve, at both samples.
func checkDisks(t *testing.T, c *Cluster, samples ...map[string]snapshot) {
	t.Helper()
	for _, s := range c.Replicas {
		var reserves []float64
		for _, sample := range samples {
			used, sst := 0.0, 0.0
			v := sample[s.Addr].values()
			for _, e := range sample[s.Addr].Entities {
				switch e.Type {
				case "disk":
					used += v[e.ID+"/disk_capacity_total_mb"] - v[e.ID+"/disk_capacity_avail_mb"]
				case "replica":
					sst += v[e.ID+"/rdb_total_sst_size_mb"]
				}
			}
			reserves = append(reserves, used-sst)
		}
		if reserves[0] <= 0 || reserves[0] != reserves[1] {
			t.Errorf("%s: disks used beyond the replicas' sst files: %v", s.Addr, reserves)
		}
	}
}

// checkValues: counters never go down, percentiles are ordered, disks'
// available capacity is below their unchanging total.
func checkValues(t *testing.T, before, after map[string]snapshot) {
	t.Helper()
	var addrs []string
	for a := range after {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		prev := before[a].values()
		for _, e := range after[a].Entities {
			for _, m := range e.Metrics {
				k := e.ID + "/" + m.Name
				switch m.Type {
				case "Counter":
					if *m.Value < prev[k] {
						t.Errorf("%s: counter %s went down %v → %v", a, k, prev[k], *m.Value)
					}
				case "Percentile":
					if !(*m.P50 <= *m.P90 && *m.P90 <= *m.P95 && *m.P95 <= *m.P99 && *m.P99 <= *m.P999) {
						t.Errorf("%s: %s percentiles out of order %+v", a, k, m)
					}
				}
			}
			if e.Type == "disk" {
				v := after[a].values()
				total, avail := v[e.ID+"/disk_capacity_total_mb"], v[e.ID+"/disk_capacity_avail_mb"]
				if avail <= 0 || avail > total || total != prev[e.ID+"/disk_capacity_total_mb"] {
					t.Errorf("%s: %s avail %v total %v (was %v)", a, e.ID, avail, total, prev[e.ID+"/disk_capacity_total_mb"])
				}
			}
		}
	}
}

// TestLoad: the load multiplies the request rates; a stopped load stands
// the counters still.
func TestLoad(t *testing.T) {
	rate := func(load float64) float64 {
		c, clock, _ := start(t, nil, load)
		q := "types=replica&metrics=put_requests&with_metric_fields=name,value"
		sum := func() float64 {
			total := 0.0
			for _, s := range c.Replicas {
				for _, v := range scrape(t, s.Addr, q).values() {
					total += v
				}
			}
			return total
		}
		a := sum()
		clock.advance(100 * time.Second)
		return (sum() - a) / 100
	}
	one, three, none := rate(0), rate(3), rate(-1)
	if one <= 0 || three < 2.9*one || three > 3.1*one || none != 0 {
		t.Errorf("PUT rates: %v at load 1, %v at load 3, %v with no load", one, three, none)
	}
}
