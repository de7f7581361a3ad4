package pegasusrt

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// servers returns a server that breaks every connection after reading the
// request (the request may have run), a closed address (the connection
// never opens), and a healthy server counting its requests.
func servers(t *testing.T) (broken, closed string, healthy string, hits *atomic.Int32) {
	t.Helper()
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rtDrop(w) }))
	t.Cleanup(b.Close)
	c := httptest.NewServer(http.NotFoundHandler())
	c.Close()
	hits = &atomic.Int32{}
	h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		rtWriteString(w, 200, "ok")
	}))
	t.Cleanup(h.Close)
	return b.URL, c.URL, h.URL, hits
}

func TestClientFailover(t *testing.T) {
	broken, closed, healthy, hits := servers(t)
	ctx := context.Background()
	do := func(method string, addrs ...string) error {
		c, err := rtNewClient(addrs)
		if err != nil {
			t.Fatal(err)
		}
		var q rtQuery
		_, err = c.Do(ctx, method, "x", &q, []byte("{}"))
		return err
	}
	// A connection that never opened: any method moves on.
	if err := do("POST", closed, healthy); err != nil || hits.Load() != 1 {
		t.Errorf("POST after a refused connection: %v, %d hits", err, hits.Load())
	}
	// A request that may have run: a POST is not sent again elsewhere...
	if err := do("POST", broken, healthy); err == nil || hits.Load() != 1 {
		t.Errorf("POST after a broken connection: %v, %d hits (must not be re-sent)", err, hits.Load())
	}
	// ...a GET is.
	if err := do("GET", broken, healthy); err != nil || hits.Load() != 2 {
		t.Errorf("GET after a broken connection: %v, %d hits", err, hits.Load())
	}
}

func TestQueryRefusesSeparators(t *testing.T) {
	var q rtQuery
	q.Add("k", "a&b")
	if q.err == nil {
		t.Error("a value with '&' must be refused")
	}
	q = rtQuery{}
	q.Add("k", "a b%+,")
	q.Flag("detail")
	if got := string(q.b); got != "k=a%20b%25%2B,&detail" {
		t.Errorf("query %q", got)
	}
}
