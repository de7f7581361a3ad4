package pegasusrt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hung is a server that reads a request and never answers it, until the
// test ends: a node alive but not answering, as a SIGSTOPped one is.
func hung(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	hits := &atomic.Int32{}
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); s.Close() })
	return s.URL, hits
}

// answering is a server that answers every request with 200 "ok",
// counting requests by method.
func answering(t *testing.T) (string, map[string]*atomic.Int32) {
	t.Helper()
	hits := map[string]*atomic.Int32{"GET": {}, "POST": {}}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		hits[r.Method].Add(1)
		rtWriteString(w, 200, "ok")
	}))
	t.Cleanup(s.Close)
	return s.URL, hits
}

// newTestClient is a client of addrs with a call budget of timeout.
func newTestClient(t *testing.T, timeout time.Duration, addrs ...string) *rtClient {
	t.Helper()
	c, err := rtNewClient(addrs)
	if err != nil {
		t.Fatal(err)
	}
	c.timeout = timeout
	return c
}

// TestHungNodeListedFirst: a node that takes requests and never answers,
// listed first, costs the first call a share of its budget, not all of it;
// later calls do not go to it at all, reads or writes, and a write goes to
// the primary the reads learnt.
func TestHungNodeListedFirst(t *testing.T) {
	stopped, stoppedHits := hung(t)
	primary, primaryHits := answering(t)
	other, otherHits := hop(t, primary)
	c := newTestClient(t, 3*time.Second, stopped, primary, other)
	var q rtQuery
	for i := 0; i < 3; i++ {
		res, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil)
		if err != nil || res.Node != primary {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if stoppedHits.Load() != 1 || primaryHits["GET"].Load() != 3 || otherHits.Load() != 0 {
		t.Errorf("reads: stopped node got %d requests (want 1: later reads go around it), primary %d, other %d", stoppedHits.Load(), primaryHits["GET"].Load(), otherHits.Load())
	}
	for i := 0; i < 3; i++ {
		if _, err := c.Do(context.Background(), testOp("POST", "meta/app/start_compaction", false), &q, []byte("{}")); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if stoppedHits.Load() != 1 || primaryHits["POST"].Load() != 3 {
		t.Errorf("writes: stopped node got %d requests, primary %d writes", stoppedHits.Load(), primaryHits["POST"].Load())
	}
	// Once its time out is over, the node is tried again, where the
	// others fail.
	c.health.mu.Lock()
	b := c.health.bad[stopped]
	b.until = time.Now().Add(-time.Millisecond)
	c.health.bad[stopped] = b
	c.health.mu.Unlock()
	c.prefer.Store(nil)
	c.timeout = 1500 * time.Millisecond
	if _, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil); err != nil || stoppedHits.Load() != 2 {
		t.Errorf("after the back-off: %v, stopped node got %d requests (want it tried again)", err, stoppedHits.Load())
	}
	if until, bad := c.health.avoided(stopped); !bad || time.Until(until) < 1500*time.Millisecond {
		t.Errorf("a second failure should double the back-off to 2s: avoided %v until %v", bad, until)
	}
}

// TestHungNodeConcurrent: callers at once on a client whose first node
// hangs all get their answer, and once one has found the node hung the
// others go around it.
func TestHungNodeConcurrent(t *testing.T) {
	stopped, stoppedHits := hung(t)
	primary, _ := answering(t)
	c := newTestClient(t, 3*time.Second, stopped, primary)
	errs := make(chan error, 24)
	for i := 0; i < cap(errs); i++ {
		go func() {
			var q rtQuery
			_, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil)
			errs <- err
		}()
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := stoppedHits.Load(); n > int32(cap(errs)) {
		t.Errorf("the hung node got %d requests", n)
	}
	var q rtQuery
	before := stoppedHits.Load()
	if _, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil); err != nil || stoppedHits.Load() != before {
		t.Errorf("after the burst: %v, hung node asked again", err)
	}
}

// TestAttemptBudget: the time left is shared among the nodes not yet
// tried, the last one has the rest, and WithAttemptTimeout fixes it.
func TestAttemptBudget(t *testing.T) {
	c := newTestClient(t, 0, "a:1")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if b := c.attemptBudget(ctx, 3); b > time.Second || b < 900*time.Millisecond {
		t.Errorf("3 nodes left of 3s: %v, want about 1s", b)
	}
	if b := c.attemptBudget(ctx, 1); b != 0 {
		t.Errorf("the last node: %v, want 0 (the rest of the call)", b)
	}
	c.attempt = 200 * time.Millisecond
	if b := c.attemptBudget(ctx, 1); b != 200*time.Millisecond {
		t.Errorf("WithAttemptTimeout(200ms): %v", b)
	}
	if b := c.attemptBudget(context.Background(), 3); b != 200*time.Millisecond {
		t.Errorf("WithAttemptTimeout(200ms) without a deadline: %v", b)
	}
	c.attempt = time.Minute
	if b := c.attemptBudget(ctx, 3); b != 0 {
		t.Errorf("WithAttemptTimeout longer than the call: %v, want 0", b)
	}
}

// TestNoPrimaryWithoutDeadline: a call without any deadline gives up on
// a cluster without a primary after rtRoundsUnbounded rounds.
func TestNoPrimaryWithoutDeadline(t *testing.T) {
	primary, _ := answering(t)
	never, hits := invalidPrimary(t, 1<<30, primary)
	c := newTestClient(t, 0, never)
	var q rtQuery
	if _, err := c.Do(context.Background(), testOp("GET", "meta/cluster", false), &q, nil); !errors.Is(err, rtErrNoPrimary) || hits.Load() != rtRoundsUnbounded {
		t.Errorf("%v after %d requests, want ErrNoPrimary after %d", err, hits.Load(), rtRoundsUnbounded)
	}
}

// TestHungNodeLearningMembers: learning the cluster's members at the
// first call leaves a hung node after its share too, and the call itself
// does not ask it again.
func TestHungNodeLearningMembers(t *testing.T) {
	stopped, stoppedHits := hung(t)
	primary, hits := answering(t)
	c := newTestClient(t, 2*time.Second, stopped, primary)
	c.members = &rtMembers{path: "meta/cluster", field: "meta_servers"}
	c.trustMembers = true
	var q rtQuery
	if _, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil); err != nil || stoppedHits.Load() != 1 || hits["GET"].Load() != 2 {
		t.Errorf("%v: hung node asked %d times (want 1), the other %d (want 2: members, then the call)", err, stoppedHits.Load(), hits["GET"].Load())
	}
}

// TestHealthRestored: any answer restores a node; failures double its
// time out up to the maximum.
func TestHealthRestored(t *testing.T) {
	var h rtHealth
	if _, bad := h.avoided("a"); bad {
		t.Fatal("a node never failed is avoided")
	}
	for i := 0; i < 10; i++ {
		h.failed("a")
	}
	if until, bad := h.avoided("a"); !bad || time.Until(until) > rtBackoffMax {
		t.Errorf("after 10 failures: %v until %v, want at most %v", bad, until, rtBackoffMax)
	}
	h.answered("a")
	if _, bad := h.avoided("a"); bad {
		t.Error("a node that answered is still avoided")
	}
}

// TestOutcomeUnknown: a write sent to a node that does not answer is not
// sent anywhere else; the error says its outcome is unknown and names the
// node and the path. A write marked safe to repeat goes on to the next
// node; one whose connection never opened always does.
func TestOutcomeUnknown(t *testing.T) {
	stopped, stoppedHits := hung(t)
	healthy, hits := answering(t)
	write := testOp("POST", "meta/app/start_bulk_load", false)
	var q rtQuery
	c := newTestClient(t, time.Second, stopped, healthy)
	_, err := c.Do(context.Background(), write, &q, []byte("{}"))
	if !errors.Is(err, rtErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) || hits["POST"].Load() != 0 {
		t.Fatalf("write to a hung node: %v, healthy got %d (want ErrOutcomeUnknown, nothing sent elsewhere)", err, hits["POST"].Load())
	}
	for _, want := range []string{"outcome unknown", strings.TrimPrefix(stopped, "http://"), "POST /meta/app/start_bulk_load"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if errors.Is(err, rtErrRejected) || errors.Is(err, rtErrNoPrimary) {
		t.Errorf("an unknown outcome is neither rejected nor no primary: %v", err)
	}
	// The node is avoided from the end of that wait on, for the back-off
	// of one failure: the next write goes to the other.
	if until, bad := c.health.avoided(stopped); !bad || time.Until(until) < rtBackoffBase*3/4 {
		t.Errorf("after the wait the hung node is avoided %v, until %v (want about %v from now)", bad, until, rtBackoffBase)
	}
	if _, err := c.Do(context.Background(), write, &q, []byte("{}")); err != nil || stoppedHits.Load() != 1 || hits["POST"].Load() != 1 {
		t.Errorf("next write: %v, stopped %d, healthy %d", err, stoppedHits.Load(), hits["POST"].Load())
	}

	repeat := write
	repeat.Repeat = true
	c = newTestClient(t, time.Second, stopped, healthy)
	if _, err := c.Do(context.Background(), repeat, &q, []byte("{}")); err != nil || hits["POST"].Load() != 2 {
		t.Errorf("idempotent write after a hung node: %v, healthy got %d", err, hits["POST"].Load())
	}

	broken, closed, _, _ := servers(t)
	c = newTestClient(t, time.Second, closed, broken, healthy)
	_, err = c.Do(context.Background(), write, &q, []byte("{}"))
	if !errors.Is(err, rtErrOutcomeUnknown) || hits["POST"].Load() != 2 || !strings.Contains(err.Error(), "nothing sent") {
		t.Errorf("refused, then dropped after reading: %v, healthy got %d (want the refused one told apart, unknown for the dropped one)", err, hits["POST"].Load())
	}
	// A read has no outcome to lose.
	if _, err := c.Do(context.Background(), testOp("GET", "x", false), &q, nil); err != nil || hits["GET"].Load() != 1 {
		t.Errorf("read: %v", err)
	}
}

// invalidPrimary is a backup that knows no primary for its first n
// requests, answering as the real MetaServer does then, and redirects to
// primary after.
func invalidPrimary(t *testing.T, n int32, primary string) (string, *atomic.Int32) {
	t.Helper()
	hits := &atomic.Int32{}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= n {
			w.Header()["Location"] = []string{"http://invalid host_port" + r.URL.RequestURI()}
		} else {
			w.Header().Set("Location", primary+r.URL.RequestURI())
		}
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(s.Close)
	return s.URL, hits
}

// TestNoPrimary: a 307 whose Location names no server is "no primary right
// now": asked again within the budget, and reported as such when the
// budget ends, never as a URL that does not parse.
func TestNoPrimary(t *testing.T) {
	primary, hits := answering(t)
	backup, backupHits := invalidPrimary(t, 2, primary)
	c := newTestClient(t, 5*time.Second, backup)
	c.learned.Store(primary, struct{}{}) // as WithClusterMembers would
	var q rtQuery
	res, err := c.Do(context.Background(), testOp("POST", "meta/app/usage_scenario", false), &q, []byte("{}"))
	if err != nil || res.Node != primary || backupHits.Load() != 3 || hits["POST"].Load() != 1 {
		t.Fatalf("after two answers without a primary: %v, backup asked %d times, primary %d", err, backupHits.Load(), hits["POST"].Load())
	}

	never, neverHits := invalidPrimary(t, 1<<30, primary)
	c = newTestClient(t, 800*time.Millisecond, never)
	start := time.Now()
	_, err = c.Do(context.Background(), testOp("GET", "meta/cluster", false), &q, nil)
	// It keeps asking until the budget is all but spent (on a slow
	// machine later still, never sooner).
	if took := time.Since(start); took < 700*time.Millisecond {
		t.Errorf("gave up after %v of an 800ms budget", took)
	}
	if !errors.Is(err, rtErrNoPrimary) || neverHits.Load() < 2 || strings.Contains(err.Error(), "invalid character") {
		t.Errorf("no primary for the whole budget: %v after %d requests (want ErrNoPrimary, asked again)", err, neverHits.Load())
	}
	if !strings.Contains(err.Error(), "invalid host_port") || !strings.Contains(err.Error(), strings.TrimPrefix(never, "http://")) {
		t.Errorf("error %q should name the backup and its Location", err)
	}
}

// TestStoppedPrimary: the primary stops answering and the backups still
// redirect to it. The write it got is reported unknown; later calls do not
// wait on it but hear "no primary" and ask again until a backup takes over.
func TestStoppedPrimary(t *testing.T) {
	stopped, stoppedHits := hung(t)
	elected, electedHits := answering(t)
	var takenOver atomic.Bool
	backup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if takenOver.Load() {
			w.Header().Set("Location", elected+r.URL.RequestURI())
		} else {
			w.Header().Set("Location", stopped+r.URL.RequestURI())
		}
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer backup.Close()
	c := newTestClient(t, time.Second, stopped, backup.URL)
	c.learned.Store(elected, struct{}{})
	c.prefer.Store(&c.addrs[0])
	var q rtQuery
	write := testOp("POST", "meta/app/start_compaction", false)
	if _, err := c.Do(context.Background(), write, &q, []byte("{}")); !errors.Is(err, rtErrOutcomeUnknown) {
		t.Fatalf("write to the stopped primary: %v", err)
	}
	time.AfterFunc(150*time.Millisecond, func() { takenOver.Store(true) })
	res, err := c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil)
	if err != nil || res.Node != elected || stoppedHits.Load() != 1 || electedHits["GET"].Load() == 0 {
		t.Errorf("read during the election: %v, stopped node got %d requests (want 1)", err, stoppedHits.Load())
	}

	// Given the backup alone, a read the backup sends to the stopped
	// primary leaves it after half the call and asks the backup again.
	takenOver.Store(false)
	c = newTestClient(t, 2*time.Second, backup.URL)
	c.learned.Store(stopped, struct{}{})
	c.learned.Store(elected, struct{}{})
	time.AfterFunc(300*time.Millisecond, func() { takenOver.Store(true) })
	res, err = c.Do(context.Background(), testOp("GET", "meta/app", false), &q, nil)
	if err != nil || res.Node != elected || stoppedHits.Load() != 2 {
		t.Errorf("read through the backup alone: %v, stopped node got %d requests (want 2)", err, stoppedHits.Load())
	}
}

// TestEndlessAnswerMemory: an answer without a length that never ends is
// refused after the limit, having allocated little more than the limit.
func TestEndlessAnswerMemory(t *testing.T) {
	chunk := []byte(strings.Repeat("x", 64<<10))
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer s.Close()
	const limit = 8 << 20
	c := newTestClient(t, 30*time.Second, s.URL)
	c.maxBody = limit
	var q rtQuery
	// Once to open the connection and warm the transport.
	_, _ = c.Do(context.Background(), testOp("GET", "metrics", true), &q, nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.Do(context.Background(), testOp("GET", "metrics", true), &q, nil)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, rtErrTooLarge) {
		t.Fatalf("endless answer: %v", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes, %.3f× the %d-byte limit", alloc, float64(alloc)/limit, limit)
	if alloc > limit*13/10 {
		t.Errorf("allocated %d bytes, %.2f× the limit of %d (want ≤ 1.3×)", alloc, float64(alloc)/limit, limit)
	}
}

// TestReadLimited: rtReadLimited returns exactly what was sent up to the
// limit, and refuses one byte more.
func TestReadLimited(t *testing.T) {
	for _, n := range []int{0, 1, 32 << 10, 32<<10 + 1, 3 << 20, 4 << 20} {
		body := strings.Repeat("y", n)
		got, err := rtReadLimited(strings.NewReader(body), 4<<20)
		if err != nil || string(got) != body {
			t.Errorf("%d bytes: %v, got %d bytes", n, err, len(got))
		}
	}
	if _, err := rtReadLimited(strings.NewReader(strings.Repeat("y", 4<<20+1)), 4<<20); !errors.Is(err, rtErrTooLarge) {
		t.Errorf("limit+1 bytes: %v", err)
	}
}

// BenchmarkEndlessAnswer reports the bytes allocated to refuse an endless
// answer, per byte of the limit.
func BenchmarkEndlessAnswer(b *testing.B) {
	chunk := []byte(strings.Repeat("x", 64<<10))
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer s.Close()
	const limit = 8 << 20
	c, _ := rtNewClient([]string{s.URL})
	c.maxBody = limit
	var q rtQuery
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		_, _ = c.Do(context.Background(), testOp("GET", "metrics", true), &q, nil)
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/limit, "alloc/limit")
}

// TestCallErrorKeepsEarlierRounds: a last round cut short by the deadline
// does not hide an earlier round's unknown outcome or "no primary".
func TestCallErrorKeepsEarlierRounds(t *testing.T) {
	last := []error{context.DeadlineExceeded}
	unknown := &rtAttemptError{Method: "POST", Path: "x", Node: "http://a:1", Sent: true, Unknown: true, Err: io.EOF}
	noPrimary := fmt.Errorf("%w: b:1 answered 307", rtErrNoPrimary)
	err := rtCallError(last, 3, unknown, noPrimary)
	if !errors.Is(err, rtErrOutcomeUnknown) || !errors.Is(err, rtErrNoPrimary) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "asked 3 times") {
		t.Errorf("%v", err)
	}
	if err := rtCallError([]error{noPrimary}, 1, nil, noPrimary); strings.Count(err.Error(), "b:1") != 1 {
		t.Errorf("the same error twice: %v", err)
	}
}

// faulty answers its first n requests with status and body (then 200
// "ok"), counting every request.
func faulty(t *testing.T, n int32, status int, body string) (string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if hits.Add(1) <= n {
			rtWriteString(w, status, body)
			return
		}
		rtWriteString(w, 200, "ok")
	}))
	t.Cleanup(s.Close)
	return s.URL, &hits
}

// TestStandInFaultAnswers: the stand-in cluster's 503 "no primary
// MetaServer" is asked again elsewhere or later, as a redirect to no one
// is; its 500 "outcome unknown" is ErrOutcomeUnknown and never sent again
// unless the write is safe to repeat; its 503 "rejected" is the caller's
// answer to read.
func TestStandInFaultAnswers(t *testing.T) {
	var q rtQuery
	read, write := testOp("GET", "meta/apps", false), testOp("POST", "meta/app/start_bulk_load", false)

	noPrimary, npHits := faulty(t, 1<<20, 503, "no primary MetaServer: election under way")
	healthy, hits := answering(t)
	res, err := newTestClient(t, 2*time.Second, noPrimary, healthy).Do(context.Background(), read, &q, nil)
	if err != nil || res.Status != 200 || npHits.Load() != 1 || hits["GET"].Load() != 1 {
		t.Fatalf("a read past a MetaServer without primary: %v, %+v (asked it %d times)", err, res, npHits.Load())
	}
	later, laterHits := faulty(t, 2, 503, "no primary MetaServer: no ZooKeeper session")
	if res, err := newTestClient(t, 3*time.Second, later).Do(context.Background(), write, &q, []byte("{}")); err != nil || res.Status != 200 || laterHits.Load() != 3 {
		t.Fatalf("a write asked again until a primary is known: %v, %+v, %d requests", err, res, laterHits.Load())
	}
	never, _ := faulty(t, 1<<20, 503, "no primary MetaServer: cluster identity: the coordinator is empty")
	_, err = newTestClient(t, 500*time.Millisecond, never).Do(context.Background(), read, &q, nil)
	if !errors.Is(err, rtErrNoPrimary) || !strings.Contains(err.Error(), "cluster identity") {
		t.Fatalf("no primary for the whole call: %v (want ErrNoPrimary with the server's cause)", err)
	}

	unknown, unknownHits := faulty(t, 1<<20, 500, "outcome unknown: the commit's answer was lost")
	_, err = newTestClient(t, 2*time.Second, unknown, healthy).Do(context.Background(), write, &q, []byte("{}"))
	if !errors.Is(err, rtErrOutcomeUnknown) || unknownHits.Load() != 1 || hits["POST"].Load() != 0 || !strings.Contains(err.Error(), "commit's answer was lost") {
		t.Fatalf("500 outcome unknown: %v, sent %d times, elsewhere %d (want ErrOutcomeUnknown, sent once)", err, unknownHits.Load(), hits["POST"].Load())
	}
	repeat := write
	repeat.Repeat = true
	if res, err := newTestClient(t, 2*time.Second, unknown, healthy).Do(context.Background(), repeat, &q, []byte("{}")); err != nil || res.Status != 200 || hits["POST"].Load() != 1 {
		t.Fatalf("an idempotent write after an unknown outcome: %v, %+v", err, res)
	}
	// A read's 500 is the server's answer, whatever it says.
	if res, err := newTestClient(t, time.Second, unknown).Do(context.Background(), read, &q, nil); err != nil || res.Status != 500 {
		t.Fatalf("a read's 500: %v, %+v", err, res)
	}

	rejected, rejHits := faulty(t, 1<<20, 503, "rejected: the lock was lost")
	res, err = newTestClient(t, time.Second, rejected, healthy).Do(context.Background(), write, &q, []byte("{}"))
	if err != nil || res.Status != 503 || rejHits.Load() != 1 || hits["POST"].Load() != 1 {
		t.Fatalf("503 rejected: %v, %+v (want the answer itself, not sent elsewhere)", err, res)
	}
}

// TestTooLargeAnswerIsAnAnswer: an answer over the client's limit means the
// request ran on that node: a write is not sent to another node (where it
// would run again), and the error names the limit.
func TestTooLargeAnswerIsAnAnswer(t *testing.T) {
	big, bigHits := faulty(t, 1<<20, 200, strings.Repeat("x", 4096))
	healthy, hits := answering(t)
	var q rtQuery
	c := newTestClient(t, 2*time.Second, big, healthy)
	c.maxBody = 1024
	_, err := c.Do(context.Background(), testOp("POST", "meta/app/start_bulk_load", false), &q, []byte("{}"))
	if !errors.Is(err, rtErrTooLarge) || bigHits.Load() != 1 || hits["POST"].Load() != 0 {
		t.Fatalf("a write answered too large: %v; sent %d times there, %d elsewhere (want the limit named, sent once)", err, bigHits.Load(), hits["POST"].Load())
	}
	// After a redirect too: the primary's answer is no "no primary".
	backup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", big+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(backup.Close)
	c = newTestClient(t, 2*time.Second, backup.URL, big)
	c.maxBody = 1024
	_, err = c.Do(context.Background(), testOp("POST", "meta/app/start_bulk_load", false), &q, []byte("{}"))
	if !errors.Is(err, rtErrTooLarge) || errors.Is(err, rtErrNoPrimary) || bigHits.Load() != 2 {
		t.Fatalf("a write redirected and answered too large: %v; the primary got %d requests (want 2 in all)", err, bigHits.Load())
	}
}
