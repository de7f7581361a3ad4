package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

func start(t *testing.T, opts onebox.Options) *onebox.Cluster {
	t.Helper()
	opts.Listen = func(string) string { return "127.0.0.1:0" }
	opts.MaxProfileSeconds = 1
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

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestPassingCluster: exit 0, the replicas found from /meta/nodes, a
// summary, a JUnit file and JSON that parse.
func TestPassingCluster(t *testing.T) {
	c := start(t, onebox.Options{})
	junit := filepath.Join(t.TempDir(), "out.xml")
	code, out, errs := runCmd("-meta", strings.Join(c.MetaAddrs(), ","), "-junit", junit)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, a := range c.ReplicaAddrs() {
		if !strings.Contains(out, a) {
			t.Errorf("replica %s not discovered:\n%s", a, out)
		}
	}
	if !strings.Contains(out, "PASS: ") || !strings.Contains(out, "GET /meta/app ") {
		t.Errorf("summary:\n%s", out)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || len(doc.Suites) < 8 {
		t.Fatalf("junit: %v, %d suites\n%s", err, len(doc.Suites), data[:min(len(data), 500)])
	}
	code, out, _ = runCmd("-meta", c.MetaAddrs()[0], "-replica", c.ReplicaAddrs()[0], "-json")
	var rep map[string]json.RawMessage
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep["meta"] == nil || rep["replica"] == nil {
		t.Fatalf("-json: exit %d\n%.500s", code, out)
	}
}

// TestFailingCluster: a fault gives exit 1 and a curl line that reproduces
// it.
func TestFailingCluster(t *testing.T) {
	c := start(t, onebox.Options{Wrap: func(role, addr string, h http.Handler) http.Handler {
		if role != "replica" {
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/version" {
				w = htmlWriter{w}
			}
			h.ServeHTTP(w, r)
		})
	}})
	code, out, errs := runCmd("-meta", strings.Join(c.MetaAddrs(), ","))
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "FAIL") || !strings.Contains(out, "curl -sS -i 'http://"+c.ReplicaAddrs()[0]+"/version") {
		t.Errorf("no failure with a curl line:\n%s", out)
	}
}

// TestUsageAndUnreachable: exit 2 without servers, with a bad flag, and
// when nothing answers.
func TestUsageAndUnreachable(t *testing.T) {
	if code, _, _ := runCmd(); code != 2 {
		t.Errorf("no -meta: exit %d, want 2", code)
	}
	if code, _, _ := runCmd("-meta", "127.0.0.1:1", "-features", "pprof"); code != 2 {
		t.Errorf("bad -features: exit %d, want 2", code)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, _, errs := runCmd("-meta", addr, "-replica", addr, "-timeout", "2s")
	if code != 2 || !strings.Contains(errs, "unreachable") {
		t.Errorf("unreachable: exit %d, want 2: %s", code, errs)
	}
}

// htmlWriter sends every answer as text/html, whatever the handler set.
type htmlWriter struct{ http.ResponseWriter }

func (w htmlWriter) WriteHeader(code int) {
	w.Header().Set("Content-Type", "text/html")
	w.ResponseWriter.WriteHeader(code)
}

func (w htmlWriter) Write(b []byte) (int, error) {
	if w.Header().Get("Content-Type") != "text/html" {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// TestOneMetaServerDown: with one of the MetaServers given not answering,
// the others and the replicas are still checked, the one down is named,
// and the run fails (exit 1). Addresses may be written as URLs.
func TestOneMetaServerDown(t *testing.T) {
	c := start(t, onebox.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	metas := []string{"http://" + c.MetaAddrs()[0] + "/", c.MetaAddrs()[1], down}
	code, out, errs := runCmd("-meta", strings.Join(metas, ","), "-timeout", "2s")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "unreachable (not checked): "+down) || !strings.Contains(out, c.MetaAddrs()[1]) {
		t.Errorf("the server down is not named, or the others not checked:\n%s", out)
	}
	if !strings.Contains(out, c.ReplicaAddrs()[0]) {
		t.Errorf("the replicas were not checked:\n%s", out)
	}
}

// TestOpsAndSkipsAndJUnitPath: -ops limits the run to the operations
// named, an unknown one is a usage error listing the operations, every
// skip is listed with its reason, and an unwritable -junit is refused
// before anything is checked.
func TestOpsAndSkipsAndJUnitPath(t *testing.T) {
	c := start(t, onebox.Options{})
	code, out, errs := runCmd("-meta", strings.Join(c.MetaAddrs(), ","), "-ops", "GET /meta/app,/version,GetMetaCluster")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out, "GET /meta/apps ") || !strings.Contains(out, "GET /meta/app ") || !strings.Contains(out, "GET /version ") {
		t.Errorf("-ops did not limit the run:\n%s", out)
	}
	if code, _, errs := runCmd("-meta", c.MetaAddrs()[0], "-ops", "GetMetaApps"); code != 2 || !strings.Contains(errs, "ListMetaApps") && !strings.Contains(errs, "GET /meta/apps") {
		t.Errorf("unknown -ops: exit %d, want 2 and the list\n%s", code, errs)
	}
	code, out, _ = runCmd("-meta", strings.Join(c.MetaAddrs(), ","))
	if code != 0 || !strings.Contains(out, "skipped (") || !strings.Contains(out, "run with -mutating") {
		t.Errorf("skips are not listed with their reasons (exit %d):\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "out.xml")
	start := time.Now()
	if code, _, errs := runCmd("-meta", "127.0.0.1:1", "-junit", bad); code != 2 || !strings.Contains(errs, "-junit") || time.Since(start) > 5*time.Second {
		t.Errorf("unwritable -junit: exit %d, want 2 at once: %s", code, errs)
	}
	if code, _, errs := runCmd("-meta", "https://127.0.0.1:1"); code != 2 || !strings.Contains(errs, "plain HTTP") {
		t.Errorf("https: exit %d: %s", code, errs)
	}
}

// TestPartialMetaAndNotAlive: a MetaServer without /meta/nodes is a usage
// error that says to give -replica (not "unreachable"); a node /meta/nodes
// lists as not alive is named as not checked; -ops of one role checks
// that role only; -h exits 0.
func TestPartialMetaAndNotAlive(t *testing.T) {
	srv := httptest.NewServer(meta.NewServer(versionOnly{}, nil))
	defer srv.Close()
	code, _, errs := runCmd("-meta", srv.URL)
	if code != 2 || !strings.Contains(errs, "-replica") || strings.Contains(errs, "unreachable") {
		t.Errorf("no /meta/nodes: exit %d: %s", code, errs)
	}
	st := cluster.DefaultState()
	st.Nodes[2].Alive = false
	c := start(t, onebox.Options{State: st})
	code, out, errs := runCmd("-meta", strings.Join(c.MetaAddrs(), ","), "-ops", "/version")
	if !strings.Contains(out, "not alive: "+c.ReplicaAddrs()[2]) {
		t.Errorf("the node not alive is not named (exit %d):\n%s\n%s", code, out, errs)
	}
	if code, out, _ := runCmd("-meta", strings.Join(c.MetaAddrs(), ","), "-ops", "/replica/duplication"); code != 0 || strings.Contains(out, "meta: ") {
		t.Errorf("-ops of the replica role checked the MetaServers (exit %d):\n%s", code, out)
	}
	if code, out, _ := runCmd("-h"); code != 0 || !strings.Contains(out, "-meta") {
		t.Errorf("-h: exit %d\n%s", code, out)
	}
}

// versionOnly is a MetaServer with /version and nothing else.
type versionOnly struct{ meta.UnimplementedHandler }

func (versionOnly) GetVersion(context.Context, meta.GetVersionRequest) (meta.GetVersionResponse, error) {
	return meta.GetVersion200(meta.VersionInfo{Version: "2.6.0", GitCommit: strings.Repeat("0", 40)}), nil
}

// TestReportsOnExit2: with -junit and -json-report, a run that ends with
// exit 2 still writes both: a failed case per server not reached, or one
// for the usage error, so CI shows a failed test rather than a missing
// report.
func TestReportsOnExit2(t *testing.T) {
	var down []string
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		down = append(down, ln.Addr().String())
		ln.Close()
	}
	dir := t.TempDir()
	junit, js := filepath.Join(dir, "out.xml"), filepath.Join(dir, "out.json")
	code, _, errs := runCmd("-meta", down[0], "-replica", down[1], "-timeout", "2s", "-junit", junit, "-json-report", js)
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, errs)
	}
	cases := junitFailures(t, junit)
	for _, a := range down {
		if !slices.Contains(cases, "unreachable "+a) {
			t.Errorf("no failed case for %s: %q", a, cases)
		}
	}
	var rep struct {
		Failed bool `json:"failed"`
		Errors []struct{ Kind, Server, Message string }
	}
	if data, err := os.ReadFile(js); err != nil || json.Unmarshal(data, &rep) != nil || !rep.Failed || len(rep.Errors) != 2 || rep.Errors[0].Server != down[0] {
		t.Errorf("-json-report: %v %+v", err, rep)
	}
	for _, args := range [][]string{{"-junit", junit, "-meta", down[0], "-ops", "NoSuchOperation"}, {"-junit", junit, "-bogus"}} {
		os.Remove(junit)
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if cases := junitFailures(t, junit); !slices.Equal(cases, []string{"usage"}) {
			t.Errorf("%q: failed cases %q, want [usage]", args, cases)
		}
	}
}

// junitFailures reads a JUnit file and returns the names of its failed
// cases.
func junitFailures(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no report: %v", err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("report: %v\n%s", err, data)
	}
	var out []string
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				out = append(out, c.Name)
			}
		}
	}
	return out
}
