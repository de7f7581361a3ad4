package metrics

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// FuzzMetricsQuery sends any query string to GET /metrics of the generated
// ReplicaServer over the registry: the answer is a 400 with the server's
// text or a 200 whose JSON is what the generated typed writer
// makes of it (numbers compared by value: see sameJSON), never a 5xx or a panic.
func FuzzMetricsQuery(f *testing.F) {
	for _, c := range encodeCases {
		f.Add(urlQuery(c.q))
	}
	for _, s := range []string{"", "detail", "detail=maybe", "types=replica&types=disk", "attributes=table_id",
		"attributes=table_id,2,partition_id", "with_metric_fields=", "metrics=%20get_requests%20,,", "ids=server%00x", "x=1"} {
		f.Add(s)
	}
	r := smallRegistry()
	// Attribute names in sorted order, the one order the typed writer knows.
	r.AddEntity("replica", "replica@2.0", "partition_id", "0", "table_id", "2")
	r.AddEntity("replica", "replica@2.1", "partition_id", "1", "table_id", "2")
	r.AddEntity("disk", "disk@ssd1", "data_dir", "/data/ssd1", "tag", "ssd1")
	raw := replica.NewServer(rawHandler{r: r}, nil)
	typed := replica.NewServer(typedHandler{rawHandler{r: r}}, nil)
	f.Fuzz(func(t *testing.T, query string) {
		a, b := serveMetrics(raw, query), serveMetrics(typed, query)
		switch {
		case a.Code >= 500:
			t.Fatalf("?%s: %d %q", query, a.Code, a.Body)
		case a.Code != b.Code || !sameJSON(a.Body.Bytes(), b.Body.Bytes()):
			t.Fatalf("?%s: ours %d\n%s\ngenerated writer %d\n%s", query, a.Code, a.Body, b.Code, b.Body)
		case a.Code == 200 && !json.Valid(a.Body.Bytes()):
			t.Fatalf("?%s: invalid JSON %q", query, a.Body)
		}
	})
}

// sameJSON compares two answers token by token, in order, numbers by
// value: the typed model holds metric values as float64, so it writes a
// whole double as 2 where the registry writes 2.0 (both are what the wire
// allows: an integer or a double). Anything else must be the same, and the
// layout too when neither differs in a number.
func sameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	for {
		ta, ea := da.Token()
		tb, eb := db.Token()
		if ea != nil || eb != nil {
			return ea == io.EOF && eb == io.EOF
		}
		na, aNum := ta.(json.Number)
		nb, bNum := tb.(json.Number)
		if aNum && bNum {
			fa, _ := na.Float64()
			fb, _ := nb.Float64()
			if fa != fb {
				return false
			}
			continue
		}
		if ta != tb {
			return false
		}
	}
}

// serveMetrics serves one GET /metrics in process, with the raw query as
// the request-target carries it.
func serveMetrics(h http.Handler, query string) *httptest.ResponseRecorder {
	req := &http.Request{Method: "GET", URL: &url.URL{Path: "/metrics", RawQuery: query}, RequestURI: "/metrics?" + query,
		Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}
