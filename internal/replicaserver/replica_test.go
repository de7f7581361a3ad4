package replicaserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/node"
)

type stubMetrics struct{}

func (stubMetrics) Encode(replica.GetMetricsRequest) []byte { return []byte("{}") }

// server is the ReplicaServer 127.0.0.1:34801 of the default state.
func server(t *testing.T, model *cluster.Model, cfg *config.Registry) *httptest.Server {
	t.Helper()
	if cfg == nil {
		cfg = config.New()
	}
	h := New(model, "127.0.0.1:34801", node.New(), cfg, stubMetrics{})
	srv := httptest.NewServer(replica.NewServer(h, &replica.Options{Guards: h.Guards()}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, target string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("%s: Content-Type %q", target, ct)
	}
	return resp.StatusCode, string(b)
}

func TestReplicaEndpoints(t *testing.T) {
	now := time.Unix(1763970000, 0)
	model := cluster.NewModel(cluster.DefaultState(), func() time.Time { return now })
	srv := server(t, model, nil)
	dv := func(n int) string {
		s := "{"
		for i := 0; i < n; i++ {
			if i > 0 {
				s += ","
			}
			s += `"` + string(rune('0'+i)) + `":{"data_version":"1"}`
		}
		return s + "}"
	}
	for _, c := range []struct {
		target string
		status int
		want   string
	}{
		{"/replica/duplication?appid=2", 200, `{"1763969400":{"2.2":{"duplicating":true,"fail_mode":"FAIL_SLOW","not_confirmed_mutations_num":15,"not_duplicated_mutations_num":0,"remote_app_name":"temp"},"2.5":{"duplicating":true,"fail_mode":"FAIL_SLOW","not_confirmed_mutations_num":16,"not_duplicated_mutations_num":0,"remote_app_name":"temp"}}}`},
		{"/replica/duplication?appid=0x2", 200, `{"1763969400":{"2.2":{"duplicating":true,"fail_mode":"FAIL_SLOW","not_confirmed_mutations_num":15,"not_duplicated_mutations_num":0,"remote_app_name":"temp"},"2.5":{"duplicating":true,"fail_mode":"FAIL_SLOW","not_confirmed_mutations_num":16,"not_duplicated_mutations_num":0,"remote_app_name":"temp"}}}`},
		{"/replica/duplication?appid=3", 404, "no duplication assigned for app [appid=3]"},
		{"/replica/duplication?appid=99", 404, "no primary for app [appid=99]"},
		{"/replica/duplication?appid=-1", 400, "invalid appid=-1"},
		{"/replica/duplication?appid=", 400, "invalid appid="},
		{"/replica/duplication?appid=2147483648", 400, "invalid appid=2147483648"},
		{"/replica/duplication", 400, "appid should not be empty"},
		{"/replica/duplication?app_id=2", 400, "appid should not be empty"},
		{"/replica/data_version?app_id=2", 200, dv(8)},
		{"/replica/data_version?app_id=3&x=1", 200, dv(4)},
		{"/replica/data_version?app_id=4", 404, "app_id=4 not found"},
		{"/replica/data_version?app_id=0x4", 404, "app_id=0x4 not found"},
		{"/replica/data_version?app_id=wrong", 400, "invalid app_id=wrong"},
		{"/replica/data_version", 400, "app_id should not be empty"},
		{"/replica/manual_compaction?app_id=2", 200, `{"status":{"finished":0,"idle":8,"queuing":0,"running":0}}`},
		{"/replica/manual_compaction?app_id=42", 200, `{"status":{"finished":0,"idle":0,"queuing":0,"running":0}}`},
		{"/replica/manual_compaction?app_id=010", 200, `{"status":{"finished":0,"idle":0,"queuing":0,"running":0}}`},
		{"/replica/manual_compaction?app_id=-5", 400, "invalid app_id=-5"},
		{"/replica/manual_compaction", 400, "app_id should not be empty"},
		{"/meta/cluster", 404, `service not found for "meta/cluster"`},
	} {
		if status, body := get(t, srv, c.target); status != c.status || body != c.want {
			t.Errorf("GET %s\n got %d %q\nwant %d %q", c.target, status, body, c.status, c.want)
		}
	}
	// A once-compaction started on the MetaServer moves the replicas on.
	model.Write(func(s *cluster.State) { s.TableByName("temp").CompactionStarted = now.Add(-2 * time.Second) })
	if _, body := get(t, srv, "/replica/manual_compaction?app_id=2"); body != `{"status":{"finished":0,"idle":0,"queuing":0,"running":8}}` {
		t.Errorf("running compaction: %s", body)
	}
	// Duplication off: the guard answers before the argument is looked at.
	cfg := config.New()
	_ = cfg.Set("duplication_enabled", "false")
	off := server(t, model, cfg)
	if status, body := get(t, off, "/replica/duplication"); status != 404 || body != "duplication is not enabled [FLAGS_duplication_enabled=false]" {
		t.Errorf("disabled: %d %q", status, body)
	}
}
