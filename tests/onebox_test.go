package tests

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// startOnebox runs the default onebox on ephemeral loopback ports.
func startOnebox(t *testing.T, opts onebox.Options) *onebox.Cluster {
	t.Helper()
	opts.Listen = func(string) string { return "127.0.0.1:0" }
	if opts.MaxProfileSeconds == 0 {
		opts.MaxProfileSeconds = 1
	}
	c, err := onebox.Start(opts)
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

func httpGet(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return b
}

// TestTypedClientsAgainstOnebox calls every operation of both roles through
// the generated clients against the onebox. The meta client is given the
// backup first: every /meta/* call goes through a 307.
func TestTypedClientsAgainstOnebox(t *testing.T) {
	c := startOnebox(t, onebox.Options{MetaFeatures: map[meta.Feature]bool{meta.FeatureEnvsList: true}})
	ctx := context.Background()
	metas := c.MetaAddrs()
	mc, err := meta.NewClient([]string{metas[1], metas[0]}, meta.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := replica.NewClient(c.ReplicaAddrs()[:1], replica.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	var se *meta.StatusError
	var re *meta.ResultError

	// Node-local operations go to one named node, never through fail-over.
	if _, err := mc.GetVersion(ctx); err == nil || !strings.Contains(err.Error(), "Node(addr)") {
		t.Errorf("GetVersion on a client of two MetaServers: %v, want an error pointing to Node", err)
	}
	mn, err := mc.Node(metas[1])
	if err != nil {
		t.Fatal(err)
	}
	v, err := mn.GetVersion(ctx)
	check("GetVersion", err)
	if v != nil && v.Version != "2.6.0-SNAPSHOT" {
		t.Errorf("version %q", v.Version)
	}
	_, err = mn.GetRecentStartTime(ctx)
	check("GetRecentStartTime", err)
	f, err := mn.GetConfig(ctx, &meta.GetConfigRequest{Name: "config_sync_interval_ms"})
	check("GetConfig", err)
	if f != nil && f.Value != "30000" {
		t.Errorf("config value %q", f.Value)
	}
	if _, err := mn.GetConfig(ctx, &meta.GetConfigRequest{Name: "nope"}); !errors.As(err, &se) || se.Status != 200 {
		t.Errorf("GetConfig unknown: %v", err)
	}
	all, err := mn.ListConfigs(ctx)
	check("ListConfigs", err)
	if len(all) != 288 {
		t.Errorf("%d configs", len(all))
	}
	_, err = mn.UpdateConfig(ctx, &meta.UpdateConfigRequest{Config: meta.NewArgs("min_allowed_replica_count", "2")})
	check("UpdateConfig", err)
	if _, err := mn.UpdateConfig(ctx, &meta.UpdateConfigRequest{Config: meta.NewArgs("cold_backup_disabled", "false")}); !errors.As(err, &re) {
		t.Errorf("UpdateConfig of an immutable flag: %v", err)
	}
	app, err := mc.GetMetaApp(ctx, &meta.GetMetaAppRequest{Name: "stat", Detail: true})
	check("GetMetaApp", err)
	if app != nil && (app.General.PartitionCount != 4 || app.Healthy == nil || app.Healthy.UnhealthyPartitionCount != 2) {
		t.Errorf("stat: %+v", app)
	}
	dup, err := mc.GetMetaAppDuplication(ctx, &meta.GetMetaAppDuplicationRequest{Name: "temp"})
	check("GetMetaAppDuplication", err)
	if dup == nil || len(dup.Extra) != 1 || dup.Extra["1"].Status != "DS_LOG" {
		t.Errorf("duplication: %+v", dup)
	}
	if none, err := mc.GetMetaAppDuplication(ctx, &meta.GetMetaAppDuplicationRequest{Name: "stat"}); err != nil || none != nil {
		t.Errorf("no duplication: %+v %v", none, err)
	}
	apps, err := mc.ListMetaApps(ctx, &meta.ListMetaAppsRequest{Detail: true})
	check("ListMetaApps", err)
	if apps != nil && (apps.Summary.TotalAppCount != 3 || *apps.Summary.UnhealthyAppCount != 1) {
		t.Errorf("apps: %+v", apps.Summary)
	}
	nodes, err := mc.ListMetaNodes(ctx, &meta.ListMetaNodesRequest{Detail: true})
	check("ListMetaNodes", err)
	if nodes != nil && len(nodes.Details) != 3 {
		t.Errorf("nodes: %+v", nodes)
	}
	cl, err := mc.GetMetaCluster(ctx)
	check("GetMetaCluster", err)
	if cl != nil && cl.PrimaryMetaServer != metas[0] {
		t.Errorf("primary %q, want %q", cl.PrimaryMetaServer, metas[0])
	}
	_, err = mc.GetMetaAppEnvs(ctx, &meta.GetMetaAppEnvsRequest{Name: "temp"})
	check("GetMetaAppEnvs", err)
	if _, err := mc.GetMetaBackupPolicy(ctx, nil); !errors.As(err, &se) || se.Status != 404 {
		t.Errorf("backup policy with cold backup disabled: %v", err)
	}
	_, err = mc.StartCompaction(ctx, &meta.StartCompactionRequest{Body: meta.ManualCompactionInfo{AppName: "temp", Type: "once", TargetLevel: -1, BottommostLevelCompaction: "skip"}})
	check("StartCompaction", err)
	_, err = mc.UpdateUsageScenario(ctx, &meta.UpdateUsageScenarioRequest{Body: meta.UsageScenarioInfo{AppName: "temp", Scenario: "bulk_load"}})
	check("UpdateUsageScenario", err)
	envs, err := mc.GetMetaAppEnvs(ctx, &meta.GetMetaAppEnvsRequest{Name: "temp"})
	check("GetMetaAppEnvs after changes", err)
	if envs["rocksdb.usage_scenario"] != "bulk_load" || envs["manual_compact.once.target_level"] != "-1" {
		t.Errorf("envs after POSTs: %v", envs)
	}
	_, err = mc.StartBulkLoad(ctx, &meta.StartBulkLoadRequest{Body: meta.BulkLoadRequest{AppName: "stat", ClusterName: "onebox", FileProviderType: "local_service", RemoteRootPath: "/bulk"}})
	check("StartBulkLoad", err)
	bl, err := mc.QueryBulkLoad(ctx, &meta.QueryBulkLoadRequest{Name: "stat"})
	check("QueryBulkLoad", err)
	if bl != nil && bl.AppStatus != "replication::bulk_load_status::BLS_DOWNLOADING" {
		t.Errorf("bulk load %q", bl.AppStatus)
	}
	ev, err := mc.ListEnvs(ctx)
	check("ListEnvs", err)
	if len(ev) < 30 {
		t.Errorf("%d envs", len(ev))
	}
	m, err := mn.GetMetrics(ctx, &meta.GetMetricsRequest{Types: []string{"server"}})
	check("GetMetrics", err)
	if m != nil && (len(m.Entities) != 1 || m.Role != "meta") {
		t.Errorf("meta metrics: %+v", m)
	}
	_, err = mn.GetPprofSymbolCount(ctx)
	check("GetPprofSymbolCount", err)
	_, err = mn.LookupPprofSymbols(ctx, &meta.LookupPprofSymbolsRequest{Body: []byte("0x1")})
	check("LookupPprofSymbols", err)
	_, err = mn.GetPprofCmdline(ctx)
	check("GetPprofCmdline", err)
	_, err = mn.GetPprofGrowth(ctx)
	check("GetPprofGrowth", err)
	one := uint32(1)
	_, err = mn.GetPprofHeap(ctx, &meta.GetPprofHeapRequest{Seconds: &one})
	check("GetPprofHeap", err)
	_, err = mn.GetPprofProfile(ctx, &meta.GetPprofProfileRequest{Seconds: &one})
	check("GetPprofProfile", err)

	// ReplicaServer.
	_, err = rc.GetVersion(ctx)
	check("replica GetVersion", err)
	_, err = rc.GetRecentStartTime(ctx)
	check("replica GetRecentStartTime", err)
	_, err = rc.GetConfig(ctx, &replica.GetConfigRequest{Name: "duplication_enabled"})
	check("replica GetConfig", err)
	_, err = rc.ListConfigs(ctx)
	check("replica ListConfigs", err)
	_, err = rc.UpdateConfig(ctx, &replica.UpdateConfigRequest{Config: replica.NewArgs("config_sync_interval_ms", "20000")})
	check("replica UpdateConfig", err)
	dv, err := rc.GetReplicaDataVersion(ctx, &replica.GetReplicaDataVersionRequest{AppID: 2})
	check("GetReplicaDataVersion", err)
	if dv["0"].DataVersion != 1 {
		t.Errorf("data version %v", dv)
	}
	rd, err := rc.GetReplicaDuplication(ctx, &replica.GetReplicaDuplicationRequest{Appid: 2})
	check("GetReplicaDuplication", err)
	if len(rd) != 1 {
		t.Errorf("replica duplication %v", rd)
	}
	mcs, err := rc.GetReplicaManualCompaction(ctx, &replica.GetReplicaManualCompactionRequest{AppID: 2})
	check("GetReplicaManualCompaction", err)
	if mcs != nil && mcs.Status.Queuing+mcs.Status.Running+mcs.Status.Finished != 8 {
		t.Errorf("compaction started on the meta must show on replicas: %+v", mcs.Status)
	}
	rm, err := rc.GetMetrics(ctx, &replica.GetMetricsRequest{Types: []string{"replica"}, Metrics: []string{"get_requests"}})
	check("replica GetMetrics", err)
	if rm != nil && (len(rm.Entities) != 16 || rm.Role != "replica") {
		t.Errorf("replica metrics: %d entities", len(rm.Entities))
	}
	_, err = rc.GetPprofSymbolCount(ctx)
	check("replica GetPprofSymbolCount", err)
	_, err = rc.LookupPprofSymbols(ctx, &replica.LookupPprofSymbolsRequest{Body: []byte("0x1")})
	check("replica LookupPprofSymbols", err)
	_, err = rc.GetPprofCmdline(ctx)
	check("replica GetPprofCmdline", err)
	_, err = rc.GetPprofGrowth(ctx)
	check("replica GetPprofGrowth", err)
	_, err = rc.GetPprofHeap(ctx, &replica.GetPprofHeapRequest{Seconds: &one})
	check("replica GetPprofHeap", err)
	_, err = rc.GetPprofProfile(ctx, &replica.GetPprofProfileRequest{Seconds: &one})
	check("replica GetPprofProfile", err)
}

// TestUpstreamCollectorReadsOnebox reads the onebox the way the upstream Go
// collector does (wire-behaviour §11): meta nodes' details keys, the primary
// from /meta/cluster, tables from /meta/apps, /metrics?detail=true, and the
// brief value snapshot query with all five filter keys.
func TestUpstreamCollectorReadsOnebox(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	metaAddr := c.MetaAddrs()[1] // a backup: net/http's default client follows the 307
	var nodes struct {
		Details map[string]json.RawMessage `json:"details"`
	}
	if err := json.Unmarshal(httpGet(t, "http://"+metaAddr+"/meta/nodes"), &nodes); err != nil || len(nodes.Details) != 3 {
		t.Fatalf("getReplicaAddrs: %v %v", err, nodes.Details)
	}
	var clusterInfo struct {
		Primary string `json:"primary_meta_server"`
	}
	if err := json.Unmarshal(httpGet(t, "http://"+metaAddr+"/meta/cluster"), &clusterInfo); err != nil || clusterInfo.Primary != c.MetaAddrs()[0] {
		t.Fatalf("getClusterInfo: %v %+v", err, clusterInfo)
	}
	var apps struct {
		GeneralInfo map[string]struct {
			AppID   string `json:"app_id"`
			AppName string `json:"app_name"`
		} `json:"general_info"`
	}
	if err := json.Unmarshal(httpGet(t, "http://"+clusterInfo.Primary+"/meta/apps"), &apps); err != nil || apps.GeneralInfo["2"].AppName != "temp" {
		t.Fatalf("getTableInfo: %v %+v", err, apps)
	}
	for addr := range nodes.Details {
		// initMetrics/processAllServerMetrics on /metrics?detail=true.
		var detail struct {
			Entities []struct {
				Type       string            `json:"type"`
				Attributes map[string]string `json:"attributes"`
				Metrics    []struct {
					Name  string  `json:"name"`
					Type  string  `json:"type"`
					Desc  string  `json:"desc"`
					Value float64 `json:"value"`
					P99   float64 `json:"p99"`
				} `json:"metrics"`
			} `json:"entities"`
		}
		if err := json.Unmarshal(httpGet(t, "http://"+addr+"/metrics?detail=true"), &detail); err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, e := range detail.Entities {
			for _, m := range e.Metrics {
				kinds[m.Type] = true
				if m.Name == "" || m.Desc == "" {
					t.Errorf("%s: metric without name or desc: %+v", addr, m)
				}
			}
			if e.Type == "replica" && e.Attributes["table_id"] == "" {
				t.Errorf("%s: replica entity without table_id", addr)
			}
		}
		for _, k := range []string{"Counter", "Gauge", "Percentile"} {
			if !kinds[k] {
				t.Errorf("%s: no %s metric", addr, k)
			}
		}
		// GetBriefValueSnapshot: url.Values.Encode of all five keys, sorted, commas escaped.
		q := "attributes=&ids=&metrics=get_requests%2Cput_requests&types=replica&with_metric_fields=name%2Cvalue"
		var brief struct {
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
		first := httpGet(t, "http://"+addr+"/metrics?"+q)
		if err := json.Unmarshal(first, &brief); err != nil {
			t.Fatalf("brief snapshot: %v\n%s", err, first)
		}
		if brief.Cluster != "onebox" || brief.Role != "replica" || strconv.Itoa(brief.Port) != addr[strings.LastIndexByte(addr, ':')+1:] || brief.TimestampNS == 0 {
			t.Errorf("brief header: %+v", brief)
		}
		for _, e := range brief.Entities {
			if _, err := strconv.Atoi(e.Attributes["partition_id"]); err != nil {
				t.Errorf("partition_id %q does not Atoi", e.Attributes["partition_id"])
			}
			if len(e.Metrics) != 2 {
				t.Errorf("%s: %d metrics, want get_requests and put_requests", e.ID, len(e.Metrics))
			}
		}
		time.Sleep(20 * time.Millisecond)
		if second := httpGet(t, "http://"+addr+"/metrics?"+q); string(second) == string(first) {
			t.Errorf("%s: /metrics did not move between two reads", addr)
		}
	}
}

// TestUpstreamAdminCLIReadsOnebox reads the onebox the way admin-cli does
// (§11): /configs into name/section/tags/value, /config, /updateConfig's
// update_status, and /replica/data_version on every node.
func TestUpstreamAdminCLIReadsOnebox(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	type response struct{ Name, Section, Tags, Value string }
	for _, addr := range append(c.MetaAddrs(), c.ReplicaAddrs()...) {
		var all map[string]response
		if err := json.Unmarshal(httpGet(t, "http://"+addr+"/configs"), &all); err != nil {
			t.Fatal(err)
		}
		mutable := 0
		for _, r := range all {
			if r.Tags == "flag_tag::FT_MUTABLE" && strings.Contains("pegasus.server,security,replication,block_service,nfs,task", r.Section) {
				mutable++
			}
		}
		if mutable == 0 {
			t.Errorf("%s: server-config list would print nothing", addr)
		}
		var one response
		if err := json.Unmarshal(httpGet(t, "http://"+addr+"/config?name=config_sync_interval_ms"), &one); err != nil || one.Value != "30000" {
			t.Errorf("%s: get: %v %+v", addr, err, one)
		}
		var upd map[string]string
		if err := json.Unmarshal(httpGet(t, "http://"+addr+"/updateConfig?config_sync_interval_ms=25000"), &upd); err != nil || upd["update_status"] != "ERR_OK" {
			t.Errorf("%s: set: %v %v", addr, err, upd)
		}
	}
	versions := map[string]string{}
	for _, addr := range c.ReplicaAddrs() {
		var tv map[string]struct {
			DataVersion string `json:"data_version"`
		}
		if err := json.Unmarshal(httpGet(t, "http://"+addr+"/replica/data_version?app_id=2"), &tv); err != nil {
			t.Fatal(err)
		}
		for _, v := range tv {
			versions[v.DataVersion] = addr
		}
	}
	if len(versions) != 1 {
		t.Errorf("data versions differ across nodes: %v", versions)
	}
}

// TestOneboxFromStateFile: a state file (here the default one with its
// config changed and another primary) is what the onebox serves.
func TestOneboxFromStateFile(t *testing.T) {
	data, err := os.ReadFile("../internal/cluster/default_state.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.yaml")
	writeFile(t, path, append(data, []byte("config:\n  cold_backup_disabled: 'false'\n")...))
	st, err := cluster.LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	c := startOnebox(t, onebox.Options{State: st, Primary: "127.0.0.1:34602"})
	primary := c.MetaAddrs()[1]
	body := httpGet(t, "http://"+c.MetaAddrs()[0]+"/meta/backup_policy") // through the 307
	if !strings.HasPrefix(string(body), `{"daily":{"name":"daily"`) {
		t.Errorf("backup policy: %s", body)
	}
	var info struct {
		Primary string `json:"primary_meta_server"`
	}
	if err := json.Unmarshal(httpGet(t, "http://"+primary+"/meta/cluster"), &info); err != nil || info.Primary != primary {
		t.Errorf("primary %q, want %q (%v)", info.Primary, primary, err)
	}
}
