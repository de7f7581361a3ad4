package tests

import (
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// TestNoServerErrorsOnBadInput throws random requests (seeded, bounded) at
// every server of a onebox, in process: whatever a client sends, the answer
// is never a panic and never a 5xx, except the documented 500 of a busy
// profiler, which these requests cannot reach.
func TestNoServerErrorsOnBadInput(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	rng := rand.New(rand.NewSource(1))
	paths := []string{"/", "/meta/app", "/meta/app/duplication", "/meta/apps", "/meta/nodes", "/meta/cluster", "/meta/app_envs",
		"/meta/backup_policy", "/meta/app/start_bulk_load", "/meta/app/query_bulk_load", "/meta/app/start_compaction",
		"/meta/app/usage_scenario", "/config", "/configs", "/updateConfig", "/metrics", "/version", "/recentStartTime",
		"/replica/duplication", "/replica/data_version", "/replica/manual_compaction", "/pprof/symbol", "/pprof/cmdline", "/nope"}
	keys := []string{"name", "detail", "app_id", "appid", "types", "ids", "attributes", "metrics", "with_metric_fields",
		"config_sync_interval_ms", "min_allowed_replica_count", "x", ""}
	values := []string{"", "temp", "stat", "0", "-1", "0x10", "010", "2147483648", "true", "TRUE", "false", "a,b,,c",
		"table_id,2", "%", "%zz", "%2", "%00", "+", " ", "é", strings.Repeat("9", 40)}
	bodies := []string{"", "{", "[]", "null", `{"app_name":1}`, `{"app_name":"temp","type":"once","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""}`,
		`{"app_name":"temp","scenario":"normal"}`, `{"app_name":"temp","cluster_name":"onebox","file_provider_type":"x","remote_root_path":"/"}`, `{"a":` + strings.Repeat("[", 100)}
	servers := append(append([]*onebox.Server(nil), c.Metas...), c.Replicas...)
	for i := 0; i < 3000; i++ {
		var q []string
		for n := rng.Intn(4); n > 0; n-- {
			k, v := keys[rng.Intn(len(keys))], values[rng.Intn(len(values))]
			switch rng.Intn(3) {
			case 0:
				q = append(q, k)
			default:
				q = append(q, k+"="+v)
			}
		}
		target := paths[rng.Intn(len(paths))]
		if rng.Intn(5) == 0 {
			target = strings.ReplaceAll(target, "/", "//") + "/"
		}
		if len(q) > 0 {
			target += "?" + strings.Join(q, "&")
		}
		method := http.MethodGet
		body := ""
		if rng.Intn(2) == 0 {
			method, body = http.MethodPost, bodies[rng.Intn(len(bodies))]
		}
		req := httptest.NewRequest(method, "http://x/", strings.NewReader(body))
		req.RequestURI = target
		req.URL.RawQuery = ""
		rec := httptest.NewRecorder()
		s := servers[rng.Intn(len(servers))]
		s.Handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("%s %s %q on %s %s: %d %q", method, target, body, s.Role, s.Addr, rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/plain" {
			t.Errorf("%s %s: Content-Type %q", method, target, ct)
		}
	}
}
