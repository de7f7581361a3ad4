package tests

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// rewriting is a server that answers as h, but with each answer of path
// passed through edit (given the request's query).
func rewriting(h http.Handler, path string, edit func(query string, body []byte) []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := edit(r.URL.RawQuery, rec.Body.Bytes())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// TestConformRulesViolated breaks, one at a time, what the spec's rules and
// answer keywords say of GET /meta/apps, in a server otherwise faithful:
// the suite must fail naming the rule (its message and CEL text), the JSON
// path, the values found and the request, where the shape checks alone
// pass.
func TestConformRulesViolated(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	h := c.Metas[0].Handler
	for _, tc := range []struct {
		name string
		edit func(query string, body []byte) []byte
		want []string
	}{
		{"count", func(_ string, b []byte) []byte {
			return regexp.MustCompile(`"total_app_count":"[0-9]+"`).ReplaceAll(b, []byte(`"total_app_count":"77"`))
		}, []string{"rule of schema MetaAppsInfo broken: total_app_count is the number of tables listed in general_info",
			"int(self.summary.total_app_count) == size(self.general_info)", `total_app_count="77"`, "general_info={", "$: "}},
		{"presence", func(q string, b []byte) []byte {
			if strings.Contains(q, "detail") {
				return b
			}
			return bytes.Replace(b, []byte(`,"summary":`), []byte(`,"healthy_info":{},"summary":`), 1)
		}, []string{"rule of GET /meta/apps broken: healthy_info is present exactly when detail is given",
			`has(self.healthy_info) == ("detail" in args`, "arguments none"}},
		{"format", func(_ string, b []byte) []byte {
			return bytes.Replace(b, []byte(`"create_time":"`), []byte(`"create_time":"T`), 1)
		}, []string{`.create_time: "T`, "is not YYYY-MM-DD HH:MM:SS.mmm (format pegasus-time-ms)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := metaconform.Check(context.Background(), metaconform.Target{
				Handler: rewriting(h, "/meta/apps", tc.edit), Operations: []string{"GET /meta/apps"}})
			if err != nil {
				t.Fatal(err)
			}
			got := failures(rep.Results)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("failures do not say %q:\n%s", w, got)
				}
			}
			// In process there is no server to send a curl line to: the
			// report names the request (a live target gets the curl line).
			for _, r := range rep.Results {
				if r.Outcome == metaconform.Fail && !strings.HasPrefix(r.Request, "GET /meta/apps") {
					t.Errorf("failure without its request: %+v", r)
				}
			}
		})
	}
}
