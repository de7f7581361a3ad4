package tests

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/generated/replicaconform"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// fault is one deliberate departure from the spec, put between a onebox
// server and the wire, and the check that must catch it.
type fault struct {
	name  string
	role  string // the servers it applies to
	path  string // the normalized path it applies to, "*" for all
	catch string // the check that must fail
	// backup applies it to the backup MetaServer only.
	backup bool
	// request changes the request before the server sees it; response
	// changes the recorded answer before it is sent.
	request  func(r *http.Request)
	response func(rec *httptest.ResponseRecorder, r *http.Request)
}

func replaceBody(rec *httptest.ResponseRecorder, re string, repl string) {
	b := regexp.MustCompile(re).ReplaceAll(rec.Body.Bytes(), []byte(repl))
	rec.Body = bytes.NewBuffer(b)
}

// faults are the ones issue #4 lists, one per kind, and then a few more.
var faults = []fault{
	{name: "a number sent as a JSON number instead of a string", role: "meta", path: "meta/app", catch: metaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			replaceBody(rec, `"app_id":"(\d+)"`, `"app_id":$1`)
		}},
	{name: "a missing key", role: "meta", path: "meta/cluster", catch: metaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			replaceBody(rec, `,"zookeeper_root":"[^"]*"`, ``)
		}},
	{name: "a wrong status (404 for a missing argument)", role: "meta", path: "meta/app", catch: metaconform.CheckNegative,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			if rec.Code == 400 {
				rec.Code = 404
			}
		}},
	{name: "an unknown table answered 400, where the example says 404", role: "meta", path: "meta/app", catch: metaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			if rec.Code == 404 {
				rec.Code = 400
				rec.Body = bytes.NewBufferString("")
			}
		}},
	{name: "a 404 text that fits the pattern but is not the example's answer", role: "meta", path: "meta/app", catch: metaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			replaceBody(rec, `^table not found: ".*"$`, `table not found: "temp"`)
		}},
	{name: "a wrong Content-Type", role: "replica", path: "recentStartTime", catch: replicaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			rec.Header().Set("Content-Type", "application/json")
		}},
	{name: "a missing help entry", role: "meta", path: "", catch: metaconform.CheckHelpIndex,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) { replaceBody(rec, `"/meta/nodes":"[^"]*",`, ``) }},
	{name: "a changed help text", role: "replica", path: "", catch: replicaconform.CheckHelpIndex,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			replaceBody(rec, `Get the server version\.`, `Get the version.`)
		}},
	{name: "a wrong Location", role: "meta", path: "meta/app_envs", backup: true, catch: metaconform.CheckRedirect,
		response: func(rec *httptest.ResponseRecorder, r *http.Request) {
			if l := rec.Header().Get("Location"); l != "" {
				rec.Header().Set("Location", strings.Replace(l, "/meta/app_envs", "/meta/app", 1))
			}
		}},
	{name: "302 instead of 307", role: "meta", path: "meta/nodes", backup: true, catch: metaconform.CheckRedirect,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			if rec.Code == 307 {
				rec.Code = 302
			}
		}},
	{name: "an unknown parameter accepted", role: "replica", path: "config", catch: replicaconform.CheckNegative,
		request: func(r *http.Request) {
			q := r.URL.Query()
			for k := range q {
				if k != "name" {
					q.Del(k)
				}
			}
			r.URL.RawQuery = q.Encode()
			r.RequestURI = r.URL.RequestURI()
		}},
	{name: "an error text changed", role: "meta", path: "meta/app_envs", catch: metaconform.CheckNegative,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			replaceBody(rec, `^app name shouldn't be empty$`, `app name should not be empty`)
		}},
	{name: "a trailing newline dropped", role: "replica", path: "version", catch: replicaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) { replaceBody(rec, `\n$`, ``) }},
	// Beyond the list: faults a review of the suite found it missed.
	{name: "every redirect names the wrong primary", role: "meta", path: "*", backup: true, catch: metaconform.CheckRedirect,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			if l := rec.Header().Get("Location"); l != "" {
				rec.Header().Set("Location", regexp.MustCompile(`^http://[^/]*`).ReplaceAllString(l, "http://10.9.9.9:1"))
			}
		}},
	{name: "a trailing slash answered with the help index", role: "replica", path: "*", catch: replicaconform.CheckPaths,
		request: func(r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/") && r.URL.Path != "/" {
				r.URL.Path, r.URL.RawQuery, r.RequestURI = "/", "", "/"
			}
		}},
	{name: "a member sent twice", role: "replica", path: "version", catch: replicaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, _ *http.Request) {
			replaceBody(rec, `^\{("[^"]*":"[^"]*"),`, `{$1,$1,`)
		}},
	{name: "a value the spec accepts refused", role: "replica", path: "metrics", catch: replicaconform.CheckPositive,
		response: func(rec *httptest.ResponseRecorder, r *http.Request) {
			if strings.Contains(r.URL.RawQuery, "detail=TRUE") {
				rec.Code = 400
				rec.Body = bytes.NewBufferString("{\n    \"error_message\": \"invalid detail field\"\n}")
			}
		}},
}

// wrap puts f in front of h when it applies to this server.
func (f fault) wrap(role string, backup bool, h http.Handler) http.Handler {
	if role != f.role || f.backup && !backup {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.path != "*" && strings.Trim(r.URL.Path, "/") != f.path {
			h.ServeHTTP(w, r)
			return
		}
		if f.request != nil {
			f.request(r)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if f.response != nil {
			f.response(rec, r)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// conformBoth runs both suites, read-only, against a onebox and returns
// the failing results as "check operation: case: message" lines.
func conformBoth(t *testing.T, opts onebox.Options) []string {
	t.Helper()
	c := startOnebox(t, opts)
	ctx := context.Background()
	var failed []string
	mr, err := metaconform.Check(ctx, metaconform.Target{DefaultState: true, Addrs: c.MetaAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range mr.Results {
		if r.Outcome == metaconform.Fail {
			failed = append(failed, fmt.Sprintf("%s %s: %s: %s", r.Check, r.Operation, r.Case, r.Message))
		}
	}
	rr, err := replicaconform.Check(ctx, replicaconform.Target{DefaultState: true, Addrs: c.ReplicaAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rr.Results {
		if r.Outcome == replicaconform.Fail {
			failed = append(failed, fmt.Sprintf("%s %s: %s: %s", r.Check, r.Operation, r.Case, r.Message))
		}
	}
	return failed
}

// TestConformCatchesFaults wraps the reference servers with each fault in
// turn: the suite must fail on every one, in the check meant to catch it,
// and pass on the faithful servers.
func TestConformCatchesFaults(t *testing.T) {
	if failed := conformBoth(t, onebox.Options{}); len(failed) > 0 {
		t.Fatalf("the faithful onebox fails the suite:\n%s", strings.Join(failed, "\n"))
	}
	caught := 0
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			// Wrap is called once the state has the listening addresses.
			st := cluster.DefaultState()
			opts := onebox.Options{State: st, Wrap: func(role, addr string, h http.Handler) http.Handler {
				return f.wrap(role, role == "meta" && addr != st.Primary, h)
			}}
			failed := conformBoth(t, opts)
			hit := false
			for _, line := range failed {
				hit = hit || strings.HasPrefix(line, f.catch+" ")
			}
			if !hit {
				t.Fatalf("not caught by %s; failures: %q", f.catch, failed)
			}
			caught++
			t.Logf("caught: %s", failed[0])
		})
	}
	t.Logf("detection rate: %d of %d faults", caught, len(faults))
}

// TestConformStatefulCatchesLostUpdate: a ReplicaServer whose
// /updateConfig says ERR_OK but changes nothing passes every read-only
// check and fails the stateful one.
func TestConformStatefulCatchesLostUpdate(t *testing.T) {
	c := startOnebox(t, onebox.Options{Wrap: func(role, addr string, h http.Handler) http.Handler {
		if role != "replica" {
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Trim(r.URL.Path, "/") == "updateConfig" && strings.Count(r.URL.RawQuery, "=") == 1 && !strings.Contains(r.URL.RawQuery, "&") {
				w.Header().Set("Content-Type", "text/plain")
				w.Write([]byte(`{"update_status":"ERR_OK"}` + "\n"))
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	addrs := c.ReplicaAddrs()[:1]
	ro, err := replicaconform.Check(context.Background(), replicaconform.Target{Addrs: addrs})
	if err != nil {
		t.Fatal(err)
	}
	if ro.Failed() {
		t.Fatalf("the read-only run fails already")
	}
	rep, err := replicaconform.Check(context.Background(), replicaconform.Target{Addrs: addrs, Mutating: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Check == replicaconform.CheckStateful && r.Operation == "scenario update_config" {
			if r.Outcome != replicaconform.Fail || !strings.Contains(r.Message, `/value is "30000", want "31000"`) {
				t.Fatalf("update_config: %s %s", r.Outcome, r.Message)
			}
			return
		}
	}
	t.Fatal("no update_config scenario in the report")
}

// TestConformCatchesBackupAnsweringItself: a backup that serves /meta/*
// itself (here, with the primary's own handler) instead of redirecting is
// told from the primary by what /meta/cluster names, and fails the
// redirect check.
func TestConformCatchesBackupAnsweringItself(t *testing.T) {
	st := cluster.DefaultState()
	var primary http.Handler
	c := startOnebox(t, onebox.Options{State: st, Wrap: func(role, addr string, h http.Handler) http.Handler {
		if role != "meta" {
			return h
		}
		if addr == st.Primary {
			primary = h
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(strings.TrimLeft(r.URL.Path, "/"), "meta/") {
				primary.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	rep, err := metaconform.Check(context.Background(), metaconform.Target{DefaultState: true, Addrs: c.MetaAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(failures(rep.Results), "redirect GET /meta/app: 307 to the primary ?name=temp&detail: status 200, want 307") {
		t.Fatalf("not caught:\n%s", failures(rep.Results))
	}
}
