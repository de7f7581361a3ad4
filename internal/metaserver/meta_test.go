package metaserver

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/node"
)

// The tests print times in UTC, so that local-time fields are fixed.
func init() { time.Local = time.UTC }

type stubMetrics struct{}

func (stubMetrics) Encode(meta.GetMetricsRequest) []byte { return []byte("{}") }

type primary struct{}

func (primary) IsPrimary() bool        { return true }
func (primary) PrimaryAddress() string { return "127.0.0.1:34601" }

// now is the fixed clock of the tests.
var now = time.Unix(1763970000, 0)

// server is a MetaServer over the default state, through the generated server.
func server(t *testing.T, cfg *config.Registry) *httptest.Server {
	t.Helper()
	m := cluster.NewModel(cluster.DefaultState(), func() time.Time { return now })
	if cfg == nil {
		cfg = config.New()
	}
	h := New(m, primary{}, node.New(), cfg, stubMetrics{})
	srv := httptest.NewServer(meta.NewServer(h, &meta.Options{Leadership: primary{}, Guards: h.Guards(),
		Features: map[meta.Feature]bool{meta.FeatureEnvsList: true}}))
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, srv *httptest.Server, method, target, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("%s %s: Content-Type %q", method, target, ct)
	}
	return resp.StatusCode, string(b)
}

type exchange struct {
	method, target, body string
	status               int
	want                 string
}

func run(t *testing.T, srv *httptest.Server, cases []exchange) {
	t.Helper()
	for _, c := range cases {
		if c.method == "" {
			c.method = "GET"
		}
		status, body := do(t, srv, c.method, c.target, c.body)
		if status != c.status || body != c.want {
			t.Errorf("%s %s %s\n got %d %q\nwant %d %q", c.method, c.target, c.body, status, body, c.status, c.want)
		}
	}
}

const (
	statDetail  = `{"general":{"app_name":"stat","app_id":"3","partition_count":"4","max_replica_count":"3"},"replicas":{"0":{"pidx":"0","ballot":"3","replica_count":"3/3","primary":"127.0.0.1:34803","secondaries":"[127.0.0.1:34801,127.0.0.1:34802]"},"1":{"pidx":"1","ballot":"4","replica_count":"2/3","primary":"127.0.0.1:34801","secondaries":"[127.0.0.1:34802]"},"2":{"pidx":"2","ballot":"3","replica_count":"3/3","primary":"127.0.0.1:34802","secondaries":"[127.0.0.1:34803,127.0.0.1:34801]"},"3":{"pidx":"3","ballot":"4","replica_count":"2/3","primary":"127.0.0.1:34803","secondaries":"[127.0.0.1:34801]"}},"nodes":{"127.0.0.1:34801":{"node":"127.0.0.1:34801","primary":"1","secondary":"3","total":"4"},"127.0.0.1:34802":{"node":"127.0.0.1:34802","primary":"1","secondary":"2","total":"3"},"127.0.0.1:34803":{"node":"127.0.0.1:34803","primary":"2","secondary":"1","total":"3"},"total":{"node":"total","primary":"4","secondary":"6","total":"10"}},"healthy":{"fully_healthy_partition_count":"2","unhealthy_partition_count":"2","write_unhealthy_partition_count":"0","read_unhealthy_partition_count":"0"}}` + "\n"
	appsGeneral = `{"general_info":{"1":{"app_id":"1","status":"AVAILABLE","app_name":"__detect","app_type":"pegasus","partition_count":"4","replica_count":"3","is_stateful":"true","create_time":"2025-11-24 05:30:00.000","drop_time":"-","drop_expire":"-","envs_count":"1"},"2":{"app_id":"2","status":"AVAILABLE","app_name":"temp","app_type":"pegasus","partition_count":"8","replica_count":"3","is_stateful":"true","create_time":"2025-11-24 05:30:15.000","drop_time":"-","drop_expire":"-","envs_count":"1"},"3":{"app_id":"3","status":"AVAILABLE","app_name":"stat","app_type":"pegasus","partition_count":"4","replica_count":"3","is_stateful":"true","create_time":"2025-11-24 05:31:40.000","drop_time":"-","drop_expire":"-","envs_count":"0"}}`
	appsHealthy = `,"healthy_info":{"1":{"app_id":"1","app_name":"__detect","partition_count":"4","fully_healthy":"4","unhealthy":"0","write_unhealthy":"0","read_unhealthy":"0"},"2":{"app_id":"2","app_name":"temp","partition_count":"8","fully_healthy":"8","unhealthy":"0","write_unhealthy":"0","read_unhealthy":"0"},"3":{"app_id":"3","app_name":"stat","partition_count":"4","fully_healthy":"2","unhealthy":"2","write_unhealthy":"0","read_unhealthy":"0"}},"summary":{"total_app_count":"3","fully_healthy_app_count":"2","unhealthy_app_count":"1","write_unhealthy_app_count":"0","read_unhealthy_app_count":"0"}}` + "\n"
	nodesDetail = `{"details":{"127.0.0.1:34801":{"address":"127.0.0.1:34801","status":"ALIVE","replica_count":"16","primary_count":"5","secondary_count":"11"},"127.0.0.1:34802":{"address":"127.0.0.1:34802","status":"ALIVE","replica_count":"15","primary_count":"5","secondary_count":"10"},"127.0.0.1:34803":{"address":"127.0.0.1:34803","status":"ALIVE","replica_count":"15","primary_count":"6","secondary_count":"9"}},"summary":{"total_node_count":"3","alive_node_count":"3","unalive_node_count":"0"}}` + "\n"
	nodes       = `{"details":{"127.0.0.1:34801":{"address":"127.0.0.1:34801","status":"ALIVE"},"127.0.0.1:34802":{"address":"127.0.0.1:34802","status":"ALIVE"},"127.0.0.1:34803":{"address":"127.0.0.1:34803","status":"ALIVE"}},"summary":{"total_node_count":"3","alive_node_count":"3","unalive_node_count":"0"}}` + "\n"
	tempDup     = `{"1":{"create_ts":"2025-11-24 07:30:00","dupid":1763969400,"fail_mode":"FAIL_SLOW","partition_states":{"0":{"confirmed_decree":1000,"last_committed_decree":1011},"1":{"confirmed_decree":1030,"last_committed_decree":1048},"2":{"confirmed_decree":1070,"last_committed_decree":1085},"3":{"confirmed_decree":1100,"last_committed_decree":1122},"4":{"confirmed_decree":1140,"last_committed_decree":1159},"5":{"confirmed_decree":1180,"last_committed_decree":1196},"6":{"confirmed_decree":1210,"last_committed_decree":1233},"7":{"confirmed_decree":1250,"last_committed_decree":1270}},"remote":"target_cluster","remote_app_name":"temp","remote_replica_count":3,"status":"DS_LOG"},"appid":2}`
)

// clusterInfo is the /meta/cluster answer for the default state. Its two
// standard deviations are worked out here from what /meta/nodes?detail
// answers (population deviation of the alive nodes' primary and replica
// counts, two decimals), not copied: a change to the state or to the
// operations beside it moves them.
func clusterInfo(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	_, body := do(t, srv, "GET", "/meta/nodes?detail", "")
	var raw struct {
		Details map[string]map[string]string `json:"details"`
	}
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("/meta/nodes?detail: %v\n%s", err, body)
	}
	var prim, all []float64
	for _, n := range raw.Details {
		if n["status"] != "ALIVE" {
			continue
		}
		p, _ := strconv.ParseFloat(n["primary_count"], 64)
		r, _ := strconv.ParseFloat(n["replica_count"], 64)
		prim, all = append(prim, p), append(all, r)
	}
	if len(prim) == 0 {
		t.Fatalf("/meta/nodes?detail lists no alive node:\n%s", body)
	}
	return `{"meta_servers":"127.0.0.1:34601,127.0.0.1:34602","primary_meta_server":"127.0.0.1:34601","zookeeper_hosts":"127.0.0.1:22181","zookeeper_root":"/pegasus/onebox/127.0.0.1","meta_function_level":"steady","balance_operation_count":"{\n  \"copy_pri\": 0,\n  \"copy_sec\": 0,\n  \"move_pri\": 0,\n  \"total\": 0\n}",` +
		fmt.Sprintf(`"primary_replica_count_stddev":"%.2f","total_replica_count_stddev":"%.2f"}`, popStddev(prim), popStddev(all)) + "\n"
}

// popStddev is the population standard deviation of xs.
func popStddev(xs []float64) float64 {
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	return math.Sqrt(v / float64(len(xs)))
}

// TestReadEndpoints: the exact bytes of every read endpoint of §4 for the
// default state, and every error text they can answer.
func TestReadEndpoints(t *testing.T) {
	srv := server(t, nil)
	run(t, srv, []exchange{
		{target: "/meta/app?name=stat&detail", status: 200, want: statDetail},
		{target: "/meta/app?name=stat&detail=false", status: 200, want: statDetail},
		{target: "/meta/app?name=temp", status: 200, want: `{"general":{"app_name":"temp","app_id":"2","partition_count":"8","max_replica_count":"3"}}` + "\n"},
		{method: "POST", target: "/meta/app?name=temp", body: "ignored", status: 200, want: `{"general":{"app_name":"temp","app_id":"2","partition_count":"8","max_replica_count":"3"}}` + "\n"},
		{target: "/meta/app?name=nope", status: 404, want: `table not found: "nope"`},
		{target: "/meta/app?name=", status: 400, want: "app name shouldn't be empty"},
		{target: "/meta/app", status: 400, want: "app name shouldn't be empty"},
		{target: "/meta/app?name=temp&x=1", status: 400, want: ""},
		{target: "/meta/apps?detail", status: 200, want: appsGeneral + appsHealthy},
		{target: "/meta/apps", status: 200, want: appsGeneral + `,"summary":{"total_app_count":"3"}}` + "\n"},
		{target: "/meta/apps?name=x", status: 400, want: ""},
		{target: "/meta/nodes?detail=0", status: 200, want: nodesDetail},
		{target: "/meta/nodes", status: 200, want: nodes},
		{target: "/meta/nodes?x", status: 400, want: ""},
		{target: "/meta/cluster?anything=1", status: 200, want: clusterInfo(t, srv)},
		{target: "/meta/app_envs?name=temp&other=1", status: 200, want: `{"value_version":"1"}` + "\n"},
		{target: "/meta/app_envs?name=nope", status: 200, want: "{}\n"},
		{target: "/meta/app_envs", status: 400, want: "app name shouldn't be empty"},
		{target: "/meta/app/duplication?name=temp", status: 200, want: tempDup},
		{target: "/meta/app/duplication?name=stat", status: 200, want: "null"},
		{target: "/meta/app/duplication?name=nope", status: 404, want: "ERR_APP_NOT_EXIST"},
		{target: "/meta/app/duplication?name=", status: 404, want: "ERR_APP_NOT_EXIST"},
		{target: "/meta/app/duplication", status: 400, want: "name should not be empty"},
		{target: "/meta/app/query_bulk_load?name=temp", status: 200, want: `{"error":"ERR_OK","app_status":"replication::bulk_load_status::BLS_INVALID"}` + "\n"},
		{target: "/meta/app/query_bulk_load?name=nope", status: 200, want: `{"error":"ERR_APP_NOT_EXIST","app_status":"replication::bulk_load_status::BLS_INVALID"}` + "\n"},
		{target: "/meta/app/query_bulk_load", status: 400, want: "name should not be empty"},
		{target: "/meta/backup_policy", status: 404, want: "cold_backup_disabled"},
		{target: "/meta/backup_policy?x=1", status: 404, want: "cold_backup_disabled"},
	})
}

// TestGuardsFromConfig: backup policies appear once cold backup is on, and
// duplication disappears when it is off, before any argument is checked.
func TestGuardsFromConfig(t *testing.T) {
	cfg := config.New()
	if err := cfg.Set("cold_backup_disabled", "false"); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Set("duplication_enabled", "false"); err != nil {
		t.Fatal(err)
	}
	srv := server(t, cfg)
	daily := `{"daily":{"name":"daily","backup_provider_type":"local_service","backup_interval":"86400","app_ids":"[2,3]","start_time":"01:00","status":"enabled","backup_history_count":"3"}}` + "\n"
	run(t, srv, []exchange{
		{target: "/meta/backup_policy", status: 200, want: daily},
		{target: "/meta/backup_policy?name=daily", status: 200, want: daily},
		{target: "/meta/backup_policy?name=weekly", status: 200, want: "{}\n"},
		{target: "/meta/backup_policy?x=1", status: 400, want: "Invalid parameter"},
		{target: "/meta/app/duplication", status: 404, want: "duplication is not enabled [FLAGS_duplication_enabled=false]"},
	})
}

// TestChangesAreVisible: what the POST endpoints change, the GET endpoints
// show afterwards, with the real texts of every failure.
func TestChangesAreVisible(t *testing.T) {
	srv := server(t, nil)
	ok := `{"error":"ERR_OK","hint_message":""}` + "\n"
	run(t, srv, []exchange{
		// start_compaction: the validation chain, in order.
		{method: "POST", target: "/meta/app/start_compaction", body: "", status: 400, want: "invalid request structure"},
		// Decoding counts fields: a subset of the known ones decodes (zero values), an
		// unknown key is only tolerated when every known field is present (§4.8).
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp"}`, status: 400, want: "type should ony be 'once' or 'periodic'"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app":"temp","type":"once"}`, status: 400, want: "invalid request structure"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"once","target_level":"1","bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`, status: 400, want: "invalid request structure"},
		{method: "GET", target: "/meta/app/start_compaction", body: "", status: 400, want: "invalid request structure"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"","type":"once","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`, status: 400, want: "app_name should not be empty"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"twice","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`, status: 400, want: "type should ony be 'once' or 'periodic'"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"once","target_level":-2,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`, status: 400, want: "target_level should be >= -1"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"once","target_level":-1,"bottommost_level_compaction":"all","max_concurrent_running_count":0,"trigger_time":""}`, status: 400, want: "bottommost_level_compaction should ony be 'skip' or 'force'"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"once","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":-1,"trigger_time":""}`, status: 400, want: "max_running_count should be >= 0"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"periodic","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`, status: 400, want: "trigger_time should not be empty when type is periodic"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"once","target_level":0,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`, status: 200, want: `{"error":"ERR_INVALID_PARAMETERS","hint_message":"invalid value '0', should be '-1 or >= 1'"}` + "\n"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"nope","type":"once","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`, status: 200, want: `{"error":"ERR_APP_NOT_EXIST","hint_message":"app cannot be found"}` + "\n"},
		{method: "POST", target: "/meta/app/start_compaction", body: `{"app_name":"temp","type":"once","target_level":-1,"bottommost_level_compaction":"force","max_concurrent_running_count":2,"trigger_time":"ignored"}`, status: 200, want: ok},
		{target: "/meta/app_envs?name=temp", status: 200, want: `{"manual_compact.max_concurrent_running_count":"2","manual_compact.once.bottommost_level_compaction":"force","manual_compact.once.target_level":"-1","manual_compact.once.trigger_time":"1763970000","value_version":"1"}` + "\n"},
		// usage_scenario.
		{method: "POST", target: "/meta/app/usage_scenario", body: `{"app_name":"stat","scenario":"prefer_write"}`, status: 400, want: "scenario should ony be 'normal' or 'bulk_load'"},
		{method: "POST", target: "/meta/app/usage_scenario", body: `{"app_name":"","scenario":"normal"}`, status: 400, want: "app_name should not be empty"},
		{method: "POST", target: "/meta/app/usage_scenario", body: `{"app_name":"stat","scenario":"bulk_load"}`, status: 200, want: ok},
		{target: "/meta/app_envs?name=stat", status: 200, want: `{"rocksdb.usage_scenario":"bulk_load"}` + "\n"},
		// start_bulk_load, then query it.
		{method: "POST", target: "/meta/app/start_bulk_load", body: `{"app_name":"temp","cluster_name":"onebox","file_provider_type":"","remote_root_path":"/b"}`, status: 400, want: "file_provider_type should not be empty"},
		{method: "POST", target: "/meta/app/start_bulk_load", body: `{"app_name":"nope","cluster_name":"onebox","file_provider_type":"local_service","remote_root_path":"/b"}`, status: 200, want: `{"error":"ERR_APP_NOT_EXIST","hint_msg":"app not existed is "}` + "\n"},
		{method: "POST", target: "/meta/app/start_bulk_load", body: `{"app_name":"temp","cluster_name":"onebox","file_provider_type":"local_service","remote_root_path":"/b"}`, status: 200, want: `{"error":"ERR_OK","hint_msg":""}` + "\n"},
		{method: "POST", target: "/meta/app/start_bulk_load", body: `{"app_name":"temp","cluster_name":"onebox","file_provider_type":"local_service","remote_root_path":"/b"}`, status: 200, want: `{"error":"ERR_BUSY","hint_msg":"app(temp) is already executing bulk load"}` + "\n"},
		{target: "/meta/app/query_bulk_load?name=temp", status: 200, want: `{"error":"ERR_OK","app_status":"replication::bulk_load_status::BLS_DOWNLOADING"}` + "\n"},
	})
}

// TestEnvsList: the feature's pretty2 body.
func TestEnvsList(t *testing.T) {
	status, body := do(t, server(t, nil), "GET", "/envs/list", "")
	if status != 200 || !strings.HasPrefix(body, "{\n  \"business.info\": {\n    \"limitation\": \"\",\n") || strings.HasSuffix(body, "\n") {
		t.Errorf("%d %q", status, body[:min(len(body), 200)])
	}
}

// TestConfigEndpoints: /config, /configs and /updateConfig with every outcome.
func TestConfigEndpoints(t *testing.T) {
	srv := server(t, nil)
	flag := func(v string) string {
		return `{"name":"config_sync_interval_ms","section":"replication","type":"FV_UINT32","tags":"flag_tag::FT_MUTABLE","description":"The interval milliseconds of replica server to send replica config-sync requests to meta server","value":"` + v + `"}` + "\n"
	}
	st := func(s string) string { return `{"update_status":"` + s + `"}` + "\n" }
	run(t, srv, []exchange{
		{target: "/config?name=config_sync_interval_ms", status: 200, want: flag("30000")},
		{target: "/config?name=nope", status: 200, want: "ERR_OBJECT_NOT_FOUND: 'nope' is not found"},
		{target: "/config", status: 400, want: "name shouldn't be empty"},
		{target: "/config?name", status: 400, want: "name shouldn't be empty"},
		{target: "/config?name=config_sync_interval_ms&section=replication", status: 400, want: ""},
		{target: "/configs?name=x", status: 400, want: ""},
		{target: "/updateConfig?config_sync_interval_ms=0x4E20", status: 200, want: st("ERR_OK")},
		{target: "/config?name=config_sync_interval_ms", status: 200, want: flag("20000")},
		{target: "/updateConfig?config_sync_interval_ms=-1", status: 200, want: st("ERR_INVALID_PARAMETERS: -1 is invalid")},
		{target: "/updateConfig?config_sync_interval_ms", status: 200, want: st("ERR_INVALID_PARAMETERS:  is invalid")},
		{target: "/updateConfig", status: 200, want: st("ERR_INVALID_PARAMETERS: there should be exactly one config to be updated once")},
		{target: "/updateConfig?a=1&b=2", status: 200, want: st("ERR_INVALID_PARAMETERS: there should be exactly one config to be updated once")},
		{target: "/updateConfig?nope=1", status: 200, want: st("ERR_OBJECT_NOT_FOUND: nope is not found")},
		{target: "/updateConfig?cold_backup_disabled=false", status: 200, want: st("ERR_INVALID_PARAMETERS: cold_backup_disabled is not mutable")},
		{target: "/updateConfig?min_allowed_replica_count=10", status: 200, want: st(`ERR_INVALID_PARAMETERS: group validator \"min_max_allowed_replica_count\" failed: \"meta_server.min_allowed_replica_count(10) should be <= meta_server.max_allowed_replica_count(5)\"`)},
		{target: "/config?name=min_allowed_replica_count", status: 200, want: `{"name":"min_allowed_replica_count","section":"meta_server","type":"FV_INT32","tags":"flag_tag::FT_MUTABLE","description":` + mustDesc(t, "min_allowed_replica_count") + `,"value":"1"}` + "\n"},
		{target: "/version", status: 200, want: `{"Version":"2.6.0-SNAPSHOT","GitCommit":"db756dcdf24e2af6169659a67548501ed61f106c"}` + "\n"},
	})
	status, body := do(t, srv, "GET", "/configs", "")
	if status != 200 || !strings.HasPrefix(body, `{"`) || !strings.HasSuffix(body, "}}\n") || strings.Count(body, `"section":`) != 288 {
		t.Errorf("/configs: %d, %d flags", status, strings.Count(body, `"section":`))
	}
	status, body = do(t, srv, "GET", "/recentStartTime", "")
	if status != 200 || len(body) != len(`{"RecentStartTime":"2025-11-24 07:30:00"}`+"\n") {
		t.Errorf("/recentStartTime: %d %q", status, body)
	}
}

// mustDesc is a flag's description as a JSON string.
func mustDesc(t *testing.T, name string) string {
	f, ok := config.New().Get(name)
	if !ok {
		t.Fatalf("no flag %s", name)
	}
	return `"` + f.Description + `"`
}
