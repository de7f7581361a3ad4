package tests

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/helpref"
)

// echo records what the generated server bound, so that the tests can see
// the result of its request parsing.
type echo struct {
	meta.UnimplementedHandler
	mu      sync.Mutex
	config  map[string]string
	app     *meta.GetMetaAppRequest
	metrics *meta.GetMetricsRequest
}

func (e *echo) UpdateConfig(_ context.Context, req meta.UpdateConfigRequest) (meta.UpdateConfigResponse, error) {
	e.mu.Lock()
	e.config = req.Config.Map()
	e.mu.Unlock()
	return meta.UpdateConfig200(meta.UpdateConfigResult{UpdateStatus: "ERR_OK"}), nil
}

func (e *echo) GetMetaApp(_ context.Context, req meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	e.mu.Lock()
	e.app = &req
	e.mu.Unlock()
	return meta.GetMetaApp200(meta.MetaAppInfo{General: meta.MetaAppGeneral{AppName: req.Name}}), nil
}

func (e *echo) GetMetrics(_ context.Context, req meta.GetMetricsRequest) (meta.GetMetricsResponse, error) {
	e.mu.Lock()
	e.metrics = &req
	e.mu.Unlock()
	return meta.GetMetrics200(meta.MetricsSnapshot{Cluster: "c", Role: "meta", Host: "h", Entities: []meta.MetricEntity{}}), nil
}

// rawGet sends a request-target exactly as written, over a plain TCP
// connection, so that nothing cleans the path or re-encodes the query on
// the way (curl --path-as-is does the same).
func rawGet(t *testing.T, srv *httptest.Server, method, target, body string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", method, target, srv.Listener.Addr(), len(body), body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("%s %s: Content-Type %q", method, target, ct)
	}
	if resp.Header.Get("Date") != "" {
		t.Errorf("%s %s: a Date header, which the real server never sends", method, target)
	}
	return resp.StatusCode, string(b)
}

// TestQueryParsing is wire-behaviour §1.2 as a table: the whole query is
// decoded before it is split, '+' stays, items are trimmed, flags have
// empty values, a repeated k=v is an error but a repeated flag is not.
// /updateConfig takes every argument, so it shows what the parser produced.
func TestQueryParsing(t *testing.T) {
	h := &echo{}
	srv := httptest.NewServer(meta.NewServer(h, nil))
	defer srv.Close()
	const perr = "failed to parse request: ERR_INVALID_PARAMETERS: "
	for _, tc := range []struct {
		query string
		want  map[string]string // nil: expect error
		err   string
	}{
		{"", map[string]string{}, ""},
		{"?", map[string]string{}, ""},
		{"?detail", map[string]string{"detail": ""}, ""},
		{"?k=", map[string]string{"k": ""}, ""},
		{"?=", map[string]string{"": ""}, ""},
		{"?a=1+2", map[string]string{"a": "1+2"}, ""},
		{"?a=x%26b%3Dc", map[string]string{"a": "x", "b": "c"}, ""},
		{"?a=x%2Cy%20z", map[string]string{"a": "x,y z"}, ""},
		{"?%20a=b%20&&", map[string]string{"a": "b"}, ""},
		{"?&&a=1&&b", map[string]string{"a": "1", "b": ""}, ""},
		{"?a=b=c", map[string]string{"a": "b=c"}, ""},
		{"?a=1&a", map[string]string{"a": "1"}, ""},
		{"?a&a", map[string]string{"a": ""}, ""},
		{"?a=1&a=2", nil, perr + "duplicate parameter: a"},
		{"?a&a=1", nil, perr + "duplicate parameter: a"},
		{"?a=%4", nil, perr + "Encountered partial escape sequence at end of string"},
		{"?a=%", nil, perr + "Encountered partial escape sequence at end of string"},
		{"?a=%G0", nil, perr + "The characters G0 do not form a hex value. Please escape it or pass a valid hex value"},
		{"?a=%%%", nil, perr + "The characters %% do not form a hex value. Please escape it or pass a valid hex value"},
	} {
		h.config = nil
		status, body := rawGet(t, srv, "GET", "/updateConfig"+tc.query, "")
		if tc.want == nil {
			if status != 400 || body != tc.err {
				t.Errorf("%q: %d %q, want 400 %q", tc.query, status, body, tc.err)
			}
			continue
		}
		if status != 200 || body != `{"update_status":"ERR_OK"}`+"\n" {
			t.Errorf("%q: %d %q", tc.query, status, body)
			continue
		}
		if !reflect.DeepEqual(h.config, tc.want) {
			t.Errorf("%q: parsed %q, want %q", tc.query, h.config, tc.want)
		}
	}
}

// TestPathsAndMethods covers path normalisation, unknown paths, methods and
// the two kinds of detail parameter.
func TestPathsAndMethods(t *testing.T) {
	h := &echo{}
	srv := httptest.NewServer(meta.NewServer(h, nil))
	defer srv.Close()
	appOK := `{"general":{"app_name":"x","app_id":"0","partition_count":"0","max_replica_count":"0"}}` + "\n"
	for _, tc := range []struct {
		method, target string
		status         int
		body           string
	}{
		{"GET", "/meta/app?name=x", 200, appOK},
		{"GET", "/meta/app/?name=x", 200, appOK},
		{"GET", "//meta///app//?name=x", 200, appOK},
		{"GET", "/meta%2Fapp?name=x", 200, appOK},
		{"GET", "/%6Deta/app?name=x", 200, appOK},
		{"POST", "/meta/app?name=x", 200, appOK},
		{"GET", "/Meta/App?name=x", 404, `service not found for "Meta/App"`},
		{"GET", "/meta/foo", 404, `service not found for "meta/foo"`},
		{"GET", "/meta/app?name=x&foo=1", 400, ""},
		{"GET", "/meta/app?detail", 400, "app name shouldn't be empty"},
		{"GET", "/meta/app?name", 400, "app name shouldn't be empty"},
		{"GET", "/metrics?detail", 400, "{\n    \"error_message\": \"the value of detail should be a boolean value, i.e. true or false\"\n}"},
		{"GET", "/metrics?detail=maybe", 400, "{\n    \"error_message\": \"the value of detail should be a boolean value, i.e. true or false\"\n}"},
		{"GET", "/metrics?attributes=table_id", 400, "{\n    \"error_message\": \"the number of arguments for attributes should be even, since each attribute name always pairs with a value\"\n}"},
		{"GET", "/metrics?foo=bar", 400, "{\n    \"error_message\": \"unknown field foo=bar\"\n}"},
		{"POST", "/metrics", 400, "{\n    \"error_message\": \"please use 'GET' method while querying for metrics\"\n}"},
		{"GET", "/metrics?types=a&types=b", 400, "failed to parse request: ERR_INVALID_PARAMETERS: duplicate parameter: types"},
		{"GET", "/meta/app/start_compaction", 400, "invalid request structure"},
		{"GET", "/configs?x", 400, ""},
		{"GET", "/envs/list", 404, `service not found for "envs/list"`},
		{"GET", "/pprof/heap", 404, `service not found for "pprof/heap"`}, // on by default, but not implemented here
	} {
		status, body := rawGet(t, srv, tc.method, tc.target, "")
		if status != tc.status || body != tc.body {
			t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.target, status, body, tc.status, tc.body)
		}
	}
	// A malformed escape in the path: net/http refuses the request line
	// itself, before any handler runs, with its own 400 (the real server's
	// body names the characters; see README, known differences).
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.URL.Opaque = "/%zz"
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("GET /%%zz: %v %v, want a 400", resp, err)
	} else {
		resp.Body.Close()
	}
	// Presence flag: any value, even false, means detail.
	rawGet(t, srv, "GET", "/meta/app?name=x&detail=false", "")
	if !h.app.Detail {
		t.Error("/meta/app?detail=false must mean detailed")
	}
	// Value boolean, case-insensitive, and comma lists trimmed.
	rawGet(t, srv, "GET", "/metrics?detail=TRUE&types=%20replica%20,,partition&with_metric_fields=", "")
	if m := h.metrics; m.Detail == nil || !*m.Detail || strings.Join(m.Types, "|") != "replica|partition" || m.WithMetricFields == nil || len(m.WithMetricFields) != 0 {
		t.Errorf("metrics bound %+v", h.metrics)
	}
	// Methods other than GET and POST: the connection is closed without a response.
	for _, m := range []string{"PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"} {
		req, _ := http.NewRequest(m, srv.URL+"/version", nil)
		if resp, err := srv.Client().Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("%s answered %d, want a dropped connection", m, resp.StatusCode)
		}
	}
}

// referenceListings returns the two help listings of the reference page,
// compacted, in order (MetaServer, ReplicaServer).
func referenceListings(t *testing.T) []string {
	t.Helper()
	out, err := helpref.Listings("../../shared/pegasus/http-api-reference.md")
	if errors.Is(err, fs.ErrNotExist) {
		// CI always has ../shared beside the clone: its absence there is
		// a failure, never a skip.
		if os.Getenv("CI") != "" {
			t.Fatalf("reference page not beside the repository: %v", err)
		}
		t.Skipf("reference page not beside the repository: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHelpIndexEqualsReferencePage: GET / of both generated servers, the
// HelpIndex function and the committed help_index.json files list every
// path of the reference page's listings with its text byte for byte, in
// the page's order, compact, ending in "\n"; a path the page lacks is an
// extension of this spec (logged), and a difference is named entry by
// entry (internal/helpref).
func TestHelpIndexEqualsReferencePage(t *testing.T) {
	ref := referenceListings(t)
	metaSrv := httptest.NewServer(meta.NewServer(&echo{}, nil))
	defer metaSrv.Close()
	replicaSrv := httptest.NewServer(replica.NewServer(replica.UnimplementedHandler{}, nil))
	defer replicaSrv.Close()
	for i, c := range []struct {
		srv  *httptest.Server
		fn   []byte
		file string
	}{
		{metaSrv, meta.HelpIndex(nil), "../generated/meta/help_index.json"},
		{replicaSrv, replica.HelpIndex(nil), "../generated/replica/help_index.json"},
	} {
		file, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		_, got := rawGet(t, c.srv, "GET", "/", "")
		_, post := rawGet(t, c.srv, "POST", "/?anything&x=1", "")
		for what, b := range map[string]string{"GET /": got, "POST /?anything": post, "HelpIndex": string(c.fn), c.file: string(file)} {
			ext, err := helpref.Compare(b, ref[i])
			if err != nil {
				t.Errorf("%s: %v", what, err)
			}
			if len(ext) > 0 && what == "GET /" {
				t.Logf("%s: paths this spec adds to the reference page (extensions): %s", c.file, strings.Join(ext, ", "))
			}
		}
	}
	// Features change the listing: /envs/list on, pprof off.
	idx := string(meta.HelpIndex(map[meta.Feature]bool{meta.FeatureEnvsList: true, meta.FeaturePprof: false}))
	if !strings.Contains(idx, `"/configs":"List all configs. Only the configs which are registered by DSN_DEFINE_xxx macro can be queried.","/envs/list":"List all available table environments.","/meta/app":`) || strings.Contains(idx, "/pprof/") {
		t.Errorf("features not reflected: %s", idx)
	}
}
