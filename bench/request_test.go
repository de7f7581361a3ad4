package bench

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/bench/oapi"
	"github.com/pegasus-kv/pegasus-gen/generated/meta"
)

// requestCase is one request of the request benchmarks.
type requestCase struct {
	// name is the sub-benchmark name.
	name string
	// target is the request-target sent to pegasus-gen and Handwritten.
	target string
	// oapiTarget is the request-target sent to the oapi-codegen server.
	oapiTarget string
	// body is the answer pegasus-gen and Handwritten must send.
	body string
}

// requestCases are the benchmarked requests. The oapi-codegen server gets
// the same request except for /meta/app: oapi-codegen binds `detail` as a
// boolean, so a bare `?detail` (the presence flag of the real server) is a
// 400 "Invalid format for parameter detail"; it gets `detail=true`, the
// nearest request it answers with a 200, so that all three do the same
// work.
var requestCases = []requestCase{
	{
		name:       "meta_app",
		target:     "/meta/app?name=x&detail",
		oapiTarget: "/meta/app?name=x&detail=true",
		body:       "{\"general\":{\"app_name\":\"x\",\"app_id\":\"2\",\"partition_count\":\"8\",\"max_replica_count\":\"3\"}}\n",
	},
	{
		name:       "metrics",
		target:     "/metrics?types=replica&metrics=a,b&detail=true",
		oapiTarget: "/metrics?types=replica&metrics=a,b&detail=true",
		body: "{\n" +
			"    \"cluster\": \"onebox\",\n" +
			"    \"role\": \"meta\",\n" +
			"    \"host\": \"pegasus-onebox\",\n" +
			"    \"port\": 34601,\n" +
			"    \"timestamp_ns\": 1763964315000000000,\n" +
			"    \"entities\": []\n" +
			"}",
	},
	{
		name:       "update_config",
		target:     "/updateConfig?k=v",
		oapiTarget: "/updateConfig?k=v",
		body:       "{\"update_status\":\"ERR_OK\"}\n",
	},
}

// newRequest builds a GET as net/http's server hands it to a handler,
// RequestURI included.
func newRequest(method, target string) *http.Request {
	return httptest.NewRequest(method, target, nil)
}

// BenchmarkRequest serves one request through each server: the generated
// MetaServer (meta.NewServer with MetaHandler), Handwritten, and the
// oapi-codegen std-http server with OapiServer. The request and the
// ResponseWriter are built once; each iteration is ServeHTTP alone.
func BenchmarkRequest(b *testing.B) {
	servers := []struct {
		name string
		h    http.Handler
		oapi bool
	}{
		{"pegasus-gen", meta.NewServer(MetaHandler{}, nil), false},
		{"handwritten", Handwritten{}, false},
		{"oapi-codegen", oapi.Handler(OapiServer{}), true},
	}
	for _, c := range requestCases {
		for _, s := range servers {
			target := c.target
			if s.oapi {
				target = c.oapiTarget
			}
			b.Run(c.name+"/"+s.name, func(b *testing.B) {
				r := newRequest(http.MethodGet, target)
				w := NewRecorder()
				b.ReportAllocs()
				for b.Loop() {
					w.Reset()
					s.h.ServeHTTP(w, r)
				}
				if w.Status != http.StatusOK {
					b.Fatalf("%s %s: status %d, body %q", s.name, target, w.Status, w.Body)
				}
			})
		}
	}
}

// serve runs one request through h.
func serve(h http.Handler, method, target string) *Recorder {
	w := NewRecorder()
	h.ServeHTTP(w, newRequest(method, target))
	return w
}

// TestHandwrittenMatchesPegasusGen checks that the generated server and
// Handwritten send identical status, headers and body bytes for the
// benchmarked requests, so that BenchmarkRequest compares equal work, and
// for a few malformed ones, so that Handwritten checks what the generated
// server checks.
func TestHandwrittenMatchesPegasusGen(t *testing.T) {
	gen := meta.NewServer(MetaHandler{}, nil)
	for _, c := range requestCases {
		g := serve(gen, http.MethodGet, c.target)
		h := serve(Handwritten{}, http.MethodGet, c.target)
		if g.Status != http.StatusOK || string(g.Body) != c.body {
			t.Errorf("pegasus-gen %s: %d %q, want 200 %q", c.target, g.Status, g.Body, c.body)
		}
		compareAnswers(t, http.MethodGet, c.target, g, h)
	}
	for _, c := range []struct{ method, target string }{
		{"GET", "//meta///app/?name=x"},
		{"GET", "/meta%2Fapp?name=x"},
		{"GET", "/meta/app?name=x%26detail"},
		{"GET", "/meta/app?name=x&detail=false"},
		{"GET", "/meta/app?%20name=x%09&&detail"},
		{"GET", "/meta/app?name=x&name=y"},
		{"GET", "/meta/app?name=x&name"},
		{"GET", "/meta/app?name=x&foo=1"},
		{"GET", "/meta/app?detail"},
		{"GET", "/meta/app?name="},
		{"GET", "/meta/app?name=%zz"},
		{"GET", "/meta/app?name=x%"},
		{"GET", "/meta/app?name=a%22b%5Cc%01"},
		{"POST", "/meta/app?name=x"},
		{"GET", "/metrics"},
		{"GET", "/metrics?types=&detail=FALSE&with_metric_fields=name,,value"},
		{"GET", "/metrics?detail"},
		{"GET", "/metrics?detail=yes"},
		{"GET", "/metrics?attributes=table_id"},
		{"GET", "/metrics?attributes=table_id,2&ids=replica@2.0"},
		{"GET", "/metrics?foo=bar"},
		{"GET", "/metrics?types=a&types=b"},
		{"POST", "/metrics"},
		{"GET", "/updateConfig?k="},
		{"GET", "/updateConfig?k"},
		{"GET", "/nope/"},
	} {
		g := serve(gen, c.method, c.target)
		h := serve(Handwritten{}, c.method, c.target)
		compareAnswers(t, c.method, c.target, g, h)
	}
}

// compareAnswers reports any difference between two answers.
func compareAnswers(t *testing.T, method, target string, gen, hand *Recorder) {
	t.Helper()
	if gen.Status != hand.Status || !reflect.DeepEqual(gen.Header(), hand.Header()) || string(gen.Body) != string(hand.Body) {
		t.Errorf("%s %s:\npegasus-gen: %d %v %q\nhandwritten: %d %v %q", method, target,
			gen.Status, gen.Header(), gen.Body, hand.Status, hand.Header(), hand.Body)
	}
}

// TestOapiServerAnswers checks that the oapi-codegen server answers each
// benchmarked request with a 200 and a body of the same length as the
// others (its members are in alphabetical order), so that it does the same
// work in BenchmarkRequest.
func TestOapiServerAnswers(t *testing.T) {
	h := oapi.Handler(OapiServer{})
	for _, c := range requestCases {
		w := serve(h, http.MethodGet, c.oapiTarget)
		if w.Status != http.StatusOK || len(w.Body) != len(c.body) || w.Header().Get("Content-Type") != "text/plain" {
			t.Errorf("oapi-codegen %s: %d %v %q; want 200 text/plain with %d bytes", c.oapiTarget, w.Status, w.Header(), w.Body, len(c.body))
		}
	}
}
