// Package callers writes, on the generated clients, every call of the
// upstream callers in ../shared/pegasus/callers.md (the Go collector and
// its hotspot detector, admin-cli, the C++ shell's metric queries), the
// way each caller makes it, runs it against the onebox, and checks what
// that caller checks.
package callers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// start runs a onebox on loopback ports for one test.
func start(t *testing.T) *onebox.Cluster {
	t.Helper()
	c, err := onebox.Start(onebox.Options{Listen: func(string) string { return "127.0.0.1:0" }, MaxProfileSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c.Stop(ctx)
	})
	return c
}

// clients are the collector's: a meta client given every MetaServer, the
// backup first (as a configuration may list them), and a replica client
// whose settings the fan-outs share.
func clients(t *testing.T, c *onebox.Cluster) (*meta.Client, *replica.Client) {
	t.Helper()
	metas := c.MetaAddrs()
	mc, err := meta.NewClient([]string{metas[1], metas[0]}, meta.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := replica.NewClient(c.ReplicaAddrs(), replica.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return mc, rc
}

// replicaNodes is getReplicaAddrs: the keys of /meta/nodes' details.
func replicaNodes(t *testing.T, ctx context.Context, mc *meta.Client) []string {
	t.Helper()
	nodes, err := mc.ListMetaNodes(ctx, &meta.ListMetaNodesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, n := range nodes.Details {
		if n.Status == meta.MetaNodeDetailStatusALIVE {
			addrs = append(addrs, n.Address)
		}
	}
	return addrs
}

// TestCollector: getReplicaAddrs, getClusterInfo, getTableInfo and
// getOneServerMetrics of collector/metrics/metric_collector.go.
func TestCollector(t *testing.T) {
	c := start(t)
	mc, rc := clients(t, c)
	ctx := context.Background()

	nodes := replicaNodes(t, ctx, mc)
	if want := c.ReplicaAddrs(); !sameSet(nodes, want) {
		t.Fatalf("/meta/nodes details %v, want the onebox's %v", nodes, want)
	}
	// getClusterInfo: /meta/cluster on the first MetaServer (here through
	// the backup's 307), and RecordAnswer tells who answered.
	var ans meta.Answer
	cl, err := mc.GetMetaCluster(meta.RecordAnswer(ctx, &ans))
	if err != nil {
		t.Fatal(err)
	}
	if cl.PrimaryMetaServer != c.MetaAddrs()[0] || ans.Node != cl.PrimaryMetaServer {
		t.Errorf("primary %q, answered by %q; want %q", cl.PrimaryMetaServer, ans.Node, c.MetaAddrs()[0])
	}
	// getTableInfo: /meta/apps on the primary; app_id and app_name.
	pc, err := mc.Node(cl.PrimaryMetaServer)
	if err != nil {
		t.Fatal(err)
	}
	apps, err := pc.ListMetaApps(ctx, &meta.ListMetaAppsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tableName := map[string]string{}
	for _, a := range apps.GeneralInfo {
		tableName[strconv.FormatInt(a.AppID, 10)] = a.AppName
	}
	if len(tableName) == 0 {
		t.Fatal("no tables")
	}
	// getOneServerMetrics on every ReplicaServer and every MetaServer.
	detail := true
	req := &replica.GetMetricsRequest{Detail: &detail}
	perTable := map[string]int{}
	for _, r := range replica.FanOut(ctx, rc, nodes, 4, func(ctx context.Context, n *replica.Client) (*replica.MetricsSnapshot, error) {
		return n.GetMetrics(ctx, req)
	}) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Node, r.Err)
		}
		checkDetail(t, r.Node, r.Value.Entities)
		for _, e := range r.Value.Entities {
			if id := e.Attributes["table_id"]; e.Type == replica.MetricEntityTypeReplica && tableName[id] != "" {
				perTable[tableName[id]]++
			}
		}
	}
	if len(perTable) == 0 {
		t.Error("no replica entity names a known table")
	}
	mreq := &meta.GetMetricsRequest{Detail: &detail}
	for _, r := range meta.FanOut(ctx, mc, c.MetaAddrs(), 0, func(ctx context.Context, n *meta.Client) (*meta.MetricsSnapshot, error) {
		return n.GetMetrics(ctx, mreq)
	}) {
		if r.Err != nil || r.Value.Role != "meta" {
			t.Fatalf("%s: %v", r.Node, r.Err)
		}
		// The collector reads server, table, partition and replica
		// entities and passes over the others (queue, profiler…, which
		// the whole catalogue has); the primary MetaServer alone has the
		// table and partition entities it sums.
		tables := 0
		for _, e := range r.Value.Entities {
			if slices.Contains([]meta.MetricEntityType{meta.MetricEntityTypeTable, meta.MetricEntityTypePartition}, e.Type) {
				tables++
			}
		}
		if primary := r.Node == c.MetaAddrs()[0]; primary != (tables > 0) {
			t.Errorf("%s: %d table and partition entities (primary: %v)", r.Node, tables, primary)
		}
	}
}

// checkDetail checks what the collector reads of a detail=true answer:
// entity types it supports, metric name/type/desc/value, and percentiles
// for every Percentile metric (upstream compares with "percentile" and so
// never reads them: the constant avoids that).
func checkDetail(t *testing.T, node string, entities []replica.MetricEntity) {
	t.Helper()
	percentiles := 0
	for _, e := range entities {
		if e.Type == replica.MetricEntityTypeTable || e.Type == replica.MetricEntityTypePartition {
			if _, err := strconv.Atoi(e.Attributes["table_id"]); err != nil {
				t.Errorf("%s: %s table_id %q", node, e.ID, e.Attributes["table_id"])
			}
		}
		for _, m := range e.Metrics {
			if m.Name == nil || m.Type == nil || m.Desc == nil {
				t.Fatalf("%s: %s: metric without name, type or desc: %+v", node, e.ID, m)
			}
			switch *m.Type {
			case replica.MetricTypeCounter, replica.MetricTypeGauge, replica.MetricTypeVolatileCounter:
				if m.Value == nil {
					t.Errorf("%s: %s: %s has no value", node, e.ID, *m.Name)
				}
			case replica.MetricTypePercentile:
				percentiles++
				if m.P99 == nil || m.P50 == nil || *m.P99 < *m.P50 {
					t.Errorf("%s: %s: percentile %s: p50 %v p99 %v", node, e.ID, *m.Name, m.P50, m.P99)
				}
			default:
				t.Errorf("%s: %s: metric type %q", node, *m.Name, *m.Type)
			}
		}
	}
	if percentiles == 0 {
		t.Errorf("%s: no Percentile metric read", node)
	}
}

// hotspotMetrics are the hotspot detector's read and write metrics.
var hotspotMetrics = []string{"get_requests", "multi_get_requests", "batch_get_requests", "scan_requests",
	"put_requests", "multi_get_requests", "remove_requests", "multi_remove_requests", "incr_requests",
	"check_and_set_requests", "check_and_mutate_requests", "dup_requests"}

// TestHotspotDetector: GetBriefValueSnapshot on every ReplicaServer,
// twice, with empty ids= and attributes= sent, decoded strictly.
func TestHotspotDetector(t *testing.T) {
	c := start(t)
	mc, _ := clients(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nodes := replicaNodes(t, ctx, mc)
	// The detector's client, recording what goes on the wire.
	var sent sync.Map
	rc, err := replica.NewClient(nodes, replica.WithHTTPClient(&http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		sent.Store(r.URL.RawQuery, true)
		return http.DefaultTransport.RoundTrip(r)
	})}))
	if err != nil {
		t.Fatal(err)
	}
	req := &replica.GetMetricsRequest{Attributes: []string{}, IDs: []string{}, Metrics: hotspotMetrics,
		Types: []string{"replica"}, WithMetricFields: []string{"name", "value"}}
	sample := func() []replica.NodeResult[*replica.MetricsSnapshot] {
		return replica.FanOut(ctx, rc, nodes, 0, func(ctx context.Context, n *replica.Client) (*replica.MetricsSnapshot, error) {
			return n.GetMetrics(ctx, req)
		})
	}
	first := sample()
	time.Sleep(20 * time.Millisecond)
	second := sample()
	sent.Range(func(k, _ any) bool {
		if q := k.(string); !strings.Contains(q, "&ids=&attributes=&") {
			t.Errorf("query %q: want the empty ids= and attributes= sent", q)
		}
		return true
	})
	for i, r := range second {
		if r.Err != nil || first[i].Err != nil {
			t.Fatalf("%s: %v / %v", r.Node, first[i].Err, r.Err)
		}
		a, b := first[i].Value, r.Value
		port, _ := strconv.Atoi(r.Node[strings.LastIndexByte(r.Node, ':')+1:])
		if b.Port != int32(port) || b.TimestampNS <= a.TimestampNS {
			t.Errorf("%s: port %d, timestamps %d → %d (must grow)", r.Node, b.Port, a.TimestampNS, b.TimestampNS)
		}
		if len(b.Entities) == 0 {
			t.Errorf("%s: no replica entity", r.Node)
		}
		for _, e := range b.Entities {
			_, err1 := strconv.Atoi(e.Attributes["table_id"])
			_, err2 := strconv.Atoi(e.Attributes["partition_id"])
			if e.Type != replica.MetricEntityTypeReplica || err1 != nil || err2 != nil {
				t.Errorf("%s: entity %s %v", r.Node, e.Type, e.Attributes)
			}
			for _, m := range e.Metrics {
				if m.Name == nil || m.Value == nil || m.Type != nil || !slices.Contains(hotspotMetrics, *m.Name) {
					t.Errorf("%s: metric %+v: want only name and value, of the metrics asked", r.Node, m)
				}
			}
		}
	}
}

// TestAdminCLI: server-config list / get / set, and table-version.
func TestAdminCLI(t *testing.T) {
	c := start(t)
	mc, rc := clients(t, c)
	ctx := context.Background()
	nodes := replicaNodes(t, ctx, mc)

	// server-config list: /configs on every node, mutable flags kept.
	var mutable []string
	for _, r := range replica.FanOut(ctx, rc, nodes, 0, func(ctx context.Context, n *replica.Client) (replica.ConfigFlagMap, error) {
		return n.ListConfigs(ctx)
	}) {
		if r.Err != nil || len(r.Value) == 0 {
			t.Fatalf("%s: %v", r.Node, r.Err)
		}
		var names []string
		for _, f := range r.Value {
			if f.Tags == replica.ConfigFlagTagsFlagTagFTMUTABLE {
				names = append(names, f.Name)
			}
		}
		if mutable != nil && !slices.Equal(names, mutable) {
			t.Errorf("%s: mutable flags differ from the first node's", r.Node)
		}
		mutable = names
	}
	if !slices.Contains(mutable, "config_sync_interval_ms") {
		t.Fatalf("config_sync_interval_ms not among the mutable flags %v", mutable)
	}
	n0, _ := rc.Node(nodes[0])
	n1, _ := rc.Node(nodes[1])
	// server-config get, and its 200 whose body is a plain-text error.
	before, err := n1.GetConfig(ctx, &replica.GetConfigRequest{Name: "config_sync_interval_ms"})
	if err != nil {
		t.Fatal(err)
	}
	var se *replica.StatusError
	if _, err := n0.GetConfig(ctx, &replica.GetConfigRequest{Name: "no_such_flag"}); !errors.As(err, &se) || se.Status != 200 ||
		!strings.HasPrefix(string(se.Body), "ERR_OBJECT_NOT_FOUND") || se.Node != nodes[0] {
		t.Errorf("GetConfig of an unknown flag: %v", err)
	}
	// server-config set on one node: that node changes, no other does.
	set := func(n *replica.Client, v string) {
		t.Helper()
		res, err := n.UpdateConfig(ctx, &replica.UpdateConfigRequest{Config: replica.NewArgs("config_sync_interval_ms", v)})
		if err != nil || res.UpdateStatus != "ERR_OK" {
			t.Fatalf("UpdateConfig: %+v %v", res, err)
		}
	}
	set(n0, "12345")
	defer set(n0, before.Value)
	got0, _ := n0.GetConfig(ctx, &replica.GetConfigRequest{Name: "config_sync_interval_ms"})
	got1, _ := n1.GetConfig(ctx, &replica.GetConfigRequest{Name: "config_sync_interval_ms"})
	if got0 == nil || got0.Value != "12345" || got1 == nil || got1.Value != before.Value {
		t.Errorf("after set on %s: %v there, %v on %s (was %s)", nodes[0], got0, got1, nodes[1], before.Value)
	}
	if _, err := rc.UpdateConfig(ctx, &replica.UpdateConfigRequest{Config: replica.NewArgs("config_sync_interval_ms", "1")}); err == nil {
		t.Error("UpdateConfig on a client of several nodes must be refused")
	}

	// table-version: /replica/data_version on every node; all agree.
	apps, err := mc.ListMetaApps(ctx, &meta.ListMetaAppsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps.GeneralInfo {
		versions := map[int64]bool{}
		for _, r := range replica.FanOut(ctx, rc, nodes, 0, func(ctx context.Context, n *replica.Client) (replica.ReplicaDataVersions, error) {
			return n.GetReplicaDataVersion(ctx, &replica.GetReplicaDataVersionRequest{AppID: int32(a.AppID)})
		}) {
			if r.Err != nil {
				t.Fatalf("%s: %v", r.Node, r.Err)
			}
			for _, v := range r.Value {
				versions[v.DataVersion] = true
			}
		}
		if len(versions) != 1 {
			t.Errorf("table %s: data versions %v, want one", a.AppName, versions)
		}
	}
}

// TestShellMetrics: the C++ shell's eight /metrics filter sets on every
// node, decoded strictly, with the checks each command makes.
func TestShellMetrics(t *testing.T) {
	c := start(t)
	mc, rc := clients(t, c)
	ctx := context.Background()
	nodes := replicaNodes(t, ctx, mc)
	apps, err := mc.ListMetaApps(ctx, &meta.ListMetaAppsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tableID := strconv.FormatInt(apps.GeneralInfo[0].AppID, 10)
	brief := []string{"name", "value"}
	for _, q := range []struct {
		cmd     string
		req     replica.GetMetricsRequest
		samples int
		check   func(e replica.MetricEntity) bool
	}{
		{"app_stat", replica.GetMetricsRequest{WithMetricFields: brief, Types: []string{"replica"}, Metrics: appStatMetrics}, 2, isReplica},
		{"app_stat -a", replica.GetMetricsRequest{WithMetricFields: brief, Types: []string{"replica"}, Attributes: []string{"table_id", tableID}, Metrics: appStatMetrics}, 2,
			func(e replica.MetricEntity) bool { return isReplica(e) && e.Attributes["table_id"] == tableID }},
		{"count_data -e", replica.GetMetricsRequest{WithMetricFields: brief, Types: []string{"replica"}, Attributes: []string{"table_id", tableID}, Metrics: []string{"rdb_estimated_keys"}}, 1,
			func(e replica.MetricEntity) bool { return e.Attributes["table_id"] == tableID && len(e.Metrics) == 1 }},
		{"app_disk", replica.GetMetricsRequest{WithMetricFields: brief, Types: []string{"replica"}, Attributes: []string{"table_id", tableID}, Metrics: []string{"rdb_total_sst_files", "rdb_total_sst_size_mb"}}, 1,
			func(e replica.MetricEntity) bool { return e.Attributes["table_id"] == tableID && len(e.Metrics) == 2 }},
		{"nodes -r", replica.GetMetricsRequest{WithMetricFields: brief, Types: []string{"server", "replica", "disk"}, Metrics: resourceMetrics}, 1,
			func(e replica.MetricEntity) bool {
				return e.Type == replica.MetricEntityTypeServer || e.Type == replica.MetricEntityTypeReplica || e.Type == replica.MetricEntityTypeDisk
			}},
		{"nodes -q", replica.GetMetricsRequest{WithMetricFields: brief, Types: []string{"replica"}, Metrics: rwMetrics}, 2, isReplica},
		{"nodes -l", replica.GetMetricsRequest{WithMetricFields: []string{"name", "p99"}, Types: []string{"profiler"}, Metrics: []string{"profiler_server_rpc_latency_ns"}}, 1,
			func(e replica.MetricEntity) bool {
				_, ok := e.Attributes["task_name"]
				return e.Type == replica.MetricEntityTypeProfiler && ok
			}},
		{"server_stat", replica.GetMetricsRequest{WithMetricFields: brief, Types: []string{"server"}, Metrics: []string{"virtual_mem_usage_mb", "resident_mem_usage_mb"}}, 2,
			func(e replica.MetricEntity) bool { return e.Type == replica.MetricEntityTypeServer }},
	} {
		var prev []replica.NodeResult[*replica.MetricsSnapshot]
		seen := 0
		for s := 0; s < q.samples; s++ {
			res := replica.FanOut(ctx, rc, nodes, 0, func(ctx context.Context, n *replica.Client) (*replica.MetricsSnapshot, error) {
				return n.GetMetrics(ctx, &q.req)
			})
			for i, r := range res {
				if r.Err != nil {
					t.Fatalf("%s: %s: %v", q.cmd, r.Node, r.Err)
				}
				if r.Value.Role != "replica" || r.Value.Port == 0 || prev != nil && r.Value.TimestampNS <= prev[i].Value.TimestampNS {
					t.Errorf("%s: %s: role %q port %d timestamp %d", q.cmd, r.Node, r.Value.Role, r.Value.Port, r.Value.TimestampNS)
				}
				for _, e := range r.Value.Entities {
					seen++
					if !q.check(e) {
						t.Errorf("%s: %s: unexpected entity %s %v", q.cmd, r.Node, e.ID, e.Attributes)
					}
					for _, m := range e.Metrics {
						if m.Name == nil || m.Type != nil || m.Desc != nil || (m.Value == nil) == (q.cmd != "nodes -l") {
							t.Errorf("%s: %s: metric %+v has other fields than asked", q.cmd, r.Node, m)
						}
					}
				}
			}
			prev = res
			time.Sleep(5 * time.Millisecond)
		}
		if seen == 0 {
			t.Errorf("%s: no entity in any answer", q.cmd)
		}
	}
}

// roundTripper is an http.RoundTripper made of a function.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func isReplica(e replica.MetricEntity) bool { return e.Type == replica.MetricEntityTypeReplica }

// appStatMetrics is row_data_filters' list (src/shell/command_helper.h).
var appStatMetrics = []string{"get_requests", "multi_get_requests", "batch_get_requests", "put_requests",
	"multi_put_requests", "remove_requests", "multi_remove_requests", "incr_requests", "check_and_set_requests",
	"check_and_mutate_requests", "scan_requests", "dup_requests", "dup_shipped_successful_requests",
	"dup_shipped_failed_requests", "dup_recent_lost_mutations", "read_capacity_units", "write_capacity_units",
	"read_expired_values", "read_filtered_values", "abnormal_read_requests", "throttling_delayed_write_requests",
	"throttling_rejected_write_requests", "throttling_delayed_read_requests", "throttling_rejected_read_requests",
	"throttling_delayed_backup_requests", "throttling_rejected_backup_requests", "splitting_rejected_write_requests",
	"splitting_rejected_read_requests", "bulk_load_ingestion_rejected_write_requests", "rdb_total_sst_size_mb",
	"rdb_total_sst_files", "rdb_block_cache_hit_count", "rdb_block_cache_total_count",
	"rdb_index_and_filter_blocks_mem_usage_bytes", "rdb_memtable_mem_usage_bytes", "rdb_estimated_keys",
	"rdb_bloom_filter_seek_negatives", "rdb_bloom_filter_seek_total", "rdb_bloom_filter_point_lookup_true_positives",
	"rdb_bloom_filter_point_lookup_positives", "rdb_bloom_filter_point_lookup_negatives", "backup_requests",
	"backup_request_bytes", "get_bytes", "multi_get_bytes", "batch_get_bytes", "scan_bytes", "put_bytes",
	"multi_put_bytes", "check_and_set_bytes", "check_and_mutate_bytes", "rdb_compaction_input_bytes",
	"rdb_compaction_output_bytes", "rdb_l2_and_up_hit_count", "rdb_l1_hit_count", "rdb_l0_hit_count",
	"rdb_memtable_hit_count", "rdb_write_amplification", "rdb_read_amplification"}

// resourceMetrics is resource_usage_filters' list (nodes -r).
var resourceMetrics = []string{"resident_mem_usage_mb", "rdb_block_cache_mem_usage_bytes", "rdb_wbm_total_mem_usage_bytes",
	"rdb_wbm_mutable_mem_usage_bytes", "rdb_memtable_mem_usage_bytes", "rdb_index_and_filter_blocks_mem_usage_bytes",
	"disk_capacity_total_mb", "disk_capacity_avail_mb"}

// rwMetrics is rw_requests_filters' list (nodes -q).
var rwMetrics = []string{"get_requests", "multi_get_requests", "batch_get_requests", "put_requests",
	"multi_put_requests", "read_capacity_units", "write_capacity_units"}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
