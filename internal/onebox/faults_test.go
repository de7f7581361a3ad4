package onebox

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/zkcluster"
)

// elector is a MetaServer's view for the fault answers: the primary it
// names and why it has none.
type elector struct{ primary, why string }

func (e elector) Primary() string     { return e.primary }
func (e elector) Unavailable() string { return e.why }

// faultServer is a MetaServer at 127.0.0.1:1 over the default state,
// behind faultAnswers, whose commits fail with commitErr (nil: none).
func faultServer(t *testing.T, el elector, commitErr error) *httptest.Server {
	t.Helper()
	st := cluster.DefaultState()
	m := cluster.NewModel(st, nil)
	if commitErr != nil {
		m.SetCommit(func(*cluster.State) error { return commitErr })
	}
	s := &Server{Role: "meta", Addr: "127.0.0.1:1"}
	if err := s.buildMeta(m, st, el, Options{}, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(faultAnswers(s.Handler, el))
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, srv *httptest.Server, method, target, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestFaultAnswers: a MetaServer without a primary to name answers 503
// naming the cause instead of a 307 to "invalid host_port"; a known
// primary is still a 307; a write whose commit was refused is a 503
// "rejected: …" and one whose outcome is unknown a 500 "outcome unknown:
// …"; what does not redirect is served as before.
func TestFaultAnswers(t *testing.T) {
	why := "this MetaServer has no ZooKeeper session"
	srv := faultServer(t, elector{why: why}, nil)
	status, body, h := do(t, srv, "GET", "/meta/cluster", "")
	if status != 503 || body != "no primary MetaServer: "+why || h.Get("Location") != "" || h.Get("Content-Type") != "text/plain" {
		t.Errorf("no primary: %d %q %v", status, body, h)
	}
	if status, _, _ := do(t, srv, "GET", "/version", ""); status != 200 {
		t.Errorf("/version without a primary: %d", status)
	}
	srv = faultServer(t, elector{primary: "127.0.0.1:2"}, nil)
	if status, _, h := do(t, srv, "GET", "/meta/cluster", ""); status != 307 || h.Get("Location") != "http://127.0.0.1:2/meta/cluster" {
		t.Errorf("backup: %d %v", status, h)
	}
	write := `{"app_name":"temp","scenario":"bulk_load"}`
	for _, tc := range []struct {
		err    error
		status int
		prefix string
	}{
		{fmt.Errorf("%w (zk: node does not exist)", zkcluster.ErrNotPrimary), 503, "rejected: "},
		{fmt.Errorf("%w: the connection was lost", zkcluster.ErrOutcomeUnknown), 500, "outcome unknown: "},
		{errors.New("something else"), 500, ""},
	} {
		srv := faultServer(t, elector{primary: "127.0.0.1:1"}, tc.err)
		status, body, _ := do(t, srv, "POST", "/meta/app/usage_scenario", write)
		if status != tc.status || !strings.HasPrefix(body, tc.prefix) || (tc.prefix == "" && body != "") {
			t.Errorf("commit error %v: %d %q", tc.err, status, body)
		}
	}
}
