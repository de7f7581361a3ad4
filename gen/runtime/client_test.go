package pegasusrt

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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
		_, err = c.Do(ctx, testOp(method, "x", false), &q, []byte("{}"))
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

// testOp is an operation as Raw describes one: a GET is a read, safe to
// repeat; anything else a write that is not.
func testOp(method, path string, nodeLocal bool) rtOp {
	return rtOp{Method: method, Path: path, NodeLocal: nodeLocal, Write: method != "GET", Repeat: method == "GET"}
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

// hop is a server that redirects every request to target, counting them.
func hop(t *testing.T, target string) (string, *atomic.Int32) {
	t.Helper()
	n := &atomic.Int32{}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Location", target+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(s.Close)
	return s.URL, n
}

// TestRedirectToUnconfiguredHost: a 307 to a host the client was not
// given is an error naming it; nothing reaches it, and the next call still
// goes to the configured address.
func TestRedirectToUnconfiguredHost(t *testing.T) {
	_, _, stranger, strangerHits := servers(t)
	backup, backupHits := hop(t, stranger)
	c, err := rtNewClient([]string{backup})
	if err != nil {
		t.Fatal(err)
	}
	var q rtQuery
	for i := 1; i <= 2; i++ {
		_, err = c.Do(context.Background(), testOp("POST", "x", false), &q, []byte(`{"secret":1}`))
		if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(stranger, "http://")) {
			t.Errorf("call %d: %v, want an error naming the stranger", i, err)
		}
		if strangerHits.Load() != 0 || backupHits.Load() != int32(i) {
			t.Errorf("call %d: stranger got %d requests, backup %d", i, strangerHits.Load(), backupHits.Load())
		}
	}
	if p := c.prefer.Load(); p != nil {
		t.Errorf("preference moved to %s", *p)
	}
}

// TestRedirectBetweenConfigured: a 307 to another configured address is
// followed, the POST body sent again, and the primary used directly after.
func TestRedirectBetweenConfigured(t *testing.T) {
	var got atomic.Value
	primaryHits := &atomic.Int32{}
	primary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		primaryHits.Add(1)
		b, _ := io.ReadAll(r.Body)
		got.Store(string(b))
		rtWriteString(w, 200, "ok")
	}))
	defer primary.Close()
	backup, backupHits := hop(t, primary.URL)
	c, _ := rtNewClient([]string{backup, primary.URL})
	var q rtQuery
	for i := 0; i < 2; i++ {
		res, err := c.Do(context.Background(), testOp("POST", "x", false), &q, []byte(`{"a":1}`))
		if err != nil || res.Node != primary.URL || got.Load() != `{"a":1}` {
			t.Fatalf("call %d: %v %+v body %v", i, err, res, got.Load())
		}
	}
	if backupHits.Load() != 1 || primaryHits.Load() != 2 {
		t.Errorf("backup %d, primary %d requests: the second call should go to the primary directly", backupHits.Load(), primaryHits.Load())
	}
}

// TestRedirectToClusterMember: with trustMembers, a host the cluster names
// in its members answer is followed; one it does not name is refused.
func TestRedirectToClusterMember(t *testing.T) {
	_, _, member, memberHits := servers(t)
	_, _, stranger, strangerHits := servers(t)
	var to atomic.Value
	to.Store(member)
	cfg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/meta/cluster" {
			rtWriteString(w, 200, `{"meta_servers":"`+strings.TrimPrefix(member, "http://")+`,127.0.0.1:1"}`)
			return
		}
		w.Header().Set("Location", to.Load().(string)+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer cfg.Close()
	c, _ := rtNewClient([]string{cfg.URL})
	c.members = &rtMembers{path: "meta/cluster", field: "meta_servers"}
	var q rtQuery
	if _, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil); err == nil || memberHits.Load() != 0 {
		t.Errorf("without trustMembers: %v, %d hits", err, memberHits.Load())
	}
	c.trustMembers = true
	if res, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil); err != nil || memberHits.Load() != 1 || res.Node != member {
		t.Errorf("to a named member: %v, %d hits", err, memberHits.Load())
	}
	to.Store(stranger)
	c.prefer.Store(&c.addrs[0])
	if _, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil); err == nil || strangerHits.Load() != 0 {
		t.Errorf("to a host the cluster does not name: %v, %d hits", err, strangerHits.Load())
	}
}

// TestEndlessAnswer: an answer that never ends is cut at the limit, with
// an error naming it, quickly and without buffering more than the limit.
func TestEndlessAnswer(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer s.Close()
	c, _ := rtNewClient([]string{s.URL})
	c.maxBody = 4 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var q rtQuery
	_, err := c.Do(context.Background(), testOp("GET", "metrics", true), &q, nil)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "limit of 4194304 bytes") {
		t.Errorf("endless answer: %v, want an error naming the limit", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// A buffer grown by doubling to the limit, with room for the race
	// detector: far from the gigabytes an unbounded read reaches.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("allocated %d bytes for a 4 MiB limit", alloc)
	}
	// A declared length over the limit is refused before reading.
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000000")
		w.WriteHeader(200)
	}))
	defer big.Close()
	c.addrs = []string{big.URL}
	if _, err := c.Do(context.Background(), testOp("GET", "metrics", true), &q, nil); err == nil || !strings.Contains(err.Error(), "1000000000 bytes") {
		t.Errorf("declared length: %v", err)
	}
}

// TestTimeoutBeforeLaterDeadline: the client's timeout holds even when the
// context has a later deadline, and with a caller's http.Client that has
// no timeout of its own.
func TestTimeoutBeforeLaterDeadline(t *testing.T) {
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(release)
	c, _ := rtNewClient([]string{s.URL})
	c.setHTTPClient(&http.Client{})
	c.timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	var q rtQuery
	_, err := c.Do(ctx, testOp("GET", "x", false), &q, nil)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("slow server under a later deadline: %v after %v, want a timeout after 200ms", err, time.Since(start))
	}
}

// TestNodeClient: a client of one named node neither fails over nor follows
// a redirect, even to an address its parent was given; a node-local call on
// a client of several addresses is refused before anything is sent.
func TestNodeClient(t *testing.T) {
	_, _, healthy, hits := servers(t)
	backup, backupHits := hop(t, healthy)
	parent, _ := rtNewClient([]string{backup, healthy})
	var q rtQuery
	if _, err := parent.Do(context.Background(), testOp("GET", "metrics", true), &q, nil); err == nil || backupHits.Load() != 0 {
		t.Errorf("node-local call on two addresses: %v, %d requests", err, backupHits.Load())
	}
	n, err := parent.forNode(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Do(context.Background(), testOp("GET", "metrics", true), &q, nil); err == nil || hits.Load() != 0 || backupHits.Load() != 1 {
		t.Errorf("node client redirected: %v, %d hits elsewhere", err, hits.Load())
	}
	var rec *rtResult
	ctx := rtWithRecorder(context.Background(), func(r *rtResult) { rec = r })
	n, _ = parent.forNode(healthy)
	if _, err := n.Do(ctx, testOp("GET", "metrics", true), &q, nil); err != nil || rec == nil || rec.Node != healthy || string(rec.Body) != "ok" {
		t.Errorf("node client: %v, recorded %+v", err, rec)
	}
}

// TestFanOutBounded: rtFanOut runs every index once, never more than the
// limit at a time.
func TestFanOutBounded(t *testing.T) {
	var running, most atomic.Int32
	done := make([]bool, 50)
	rtFanOut(context.Background(), len(done), 3, func(ctx context.Context, i int) {
		r := running.Add(1)
		for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
		}
		time.Sleep(time.Millisecond)
		done[i] = true
		running.Add(-1)
	})
	if most.Load() > 3 || slices.Contains(done, false) {
		t.Errorf("at most %d at a time, done %v", most.Load(), done)
	}
}
