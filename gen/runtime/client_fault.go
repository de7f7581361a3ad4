package pegasusrt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"
)

// rtOp is what the client must know of an operation to survive faults.
type rtOp struct {
	Method, Path string
	// NodeLocal: answered for the node asked; never sent elsewhere.
	NodeLocal bool
	// Write: the operation changes the server's state, so a request that
	// got no answer leaves its outcome unknown.
	Write bool
	// Repeat: sending it again after an unknown outcome is harmless (every
	// read, and the writes the spec marks idempotent).
	Repeat bool
}

// rtErrOutcomeUnknown marks a write that was sent and got no answer: it
// may or may not have run.
var rtErrOutcomeUnknown = errors.New("outcome unknown")

// rtErrNoPrimary marks a backup's 307 that names no usable primary: the
// real MetaServer answers "Location: http://invalid host_port/…" while it
// knows no primary (meta_http_service.cpp redirect_if_not_primary,
// rpc_host_port.cpp), and a primary that does not answer is no better.
var rtErrNoPrimary = errors.New("no primary right now")

// rtErrRejected marks an answer that is not the documented success: the
// server answered, and did not do what was asked.
var rtErrRejected = errors.New("rejected")

// rtAttemptError is one request that got no (whole) answer from Node.
type rtAttemptError struct {
	Method, Path string
	// Node is the base URL the request went to.
	Node string
	// Sent: a connection was open for it, so it may have reached the
	// server; a refused or unfinished connection sent nothing.
	Sent bool
	// Cut: the attempt's own budget ended it, not the call's.
	Cut    bool
	Budget time.Duration
	// Unknown: the request was a write that may have run.
	Unknown bool
	// Answer is the server's own answer, when it said the outcome is
	// unknown rather than saying nothing.
	Answer string
	Err    error
}

// Error says what became of the request.
func (e *rtAttemptError) Error() string {
	what := e.Err.Error()
	if e.Cut {
		what = fmt.Sprintf("no answer within %v", e.Budget.Round(time.Millisecond))
	}
	switch {
	case e.Unknown && e.Answer != "":
		return fmt.Sprintf("outcome unknown: %s /%s was sent to %s, which answered %s; it may have run", e.Method, e.Path, rtHost(e.Node), e.Answer)
	case e.Unknown:
		return fmt.Sprintf("outcome unknown: %s /%s was sent to %s and no answer came (%s); it may have run", e.Method, e.Path, rtHost(e.Node), what)
	case !e.Sent:
		return fmt.Sprintf("%s: nothing sent: %s", rtHost(e.Node), what)
	}
	return fmt.Sprintf("%s: %s", rtHost(e.Node), what)
}

// Unwrap lets errors.Is find ErrOutcomeUnknown and the transport's error
// (context.DeadlineExceeded, a *net.OpError…).
func (e *rtAttemptError) Unwrap() []error {
	if e.Unknown {
		return []error{rtErrOutcomeUnknown, e.Err}
	}
	return []error{e.Err}
}

// rtBackoffBase and rtBackoffMax space the attempts at a node that did not
// answer: avoided for 1 s after one failure, doubling up to 16 s, and
// restored by any answer.
const (
	rtBackoffBase = time.Second
	rtBackoffMax  = 16 * time.Second
)

// rtRoundPause is the first pause before asking the servers again when
// none knew a primary; it doubles up to rtRoundPauseMax. A MetaServer
// election takes about the ZooKeeper session timeout (seconds).
const (
	rtRoundPause    = 100 * time.Millisecond
	rtRoundPauseMax = time.Second
)

// rtRoundsUnbounded bounds the rounds of a call without a deadline
// (WithTimeout(0) and a context without one): 2.5 s of pauses.
const rtRoundsUnbounded = 6

// rtHealth remembers the nodes that did not answer lately. Shared by a
// client and the node clients made from it; safe for concurrent use.
type rtHealth struct {
	mu  sync.Mutex
	bad map[string]rtBackoff
}

// rtBackoff is a node's run of failures and the time it is avoided until.
type rtBackoff struct {
	fails int
	until time.Time
}

// failed records that base did not answer.
func (h *rtHealth) failed(base string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bad == nil {
		h.bad = map[string]rtBackoff{}
	}
	b := h.bad[base]
	b.fails++
	b.until = time.Now().Add(min(rtBackoffBase<<min(b.fails-1, 8), rtBackoffMax))
	h.bad[base] = b
}

// still records that base, already counted as failing by an attempt that
// went on waiting, ended that attempt without an answer: its back-off runs
// again from now, so that the node is avoided after the wait too.
func (h *rtHealth) still(base string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b, ok := h.bad[base]; ok {
		b.until = time.Now().Add(min(rtBackoffBase<<min(b.fails-1, 8), rtBackoffMax))
		h.bad[base] = b
	}
}

// answered records that base answered: it is no longer avoided.
func (h *rtHealth) answered(base string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.bad, base)
}

// avoided says until when base is avoided, if it is.
func (h *rtHealth) avoided(base string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, ok := h.bad[base]
	if !ok || !time.Now().Before(b.until) {
		return time.Time{}, false
	}
	return b.until, true
}

// rtAttempt watches one request: whether a connection was ever open for it
// (then it may have been sent), and its budget.
type rtAttempt struct {
	mu         sync.Mutex
	conn, late bool
	cut        bool
}

// trace is the hook that sees the connection. GotConn runs before the
// first byte of the request is written, and before the transport returns.
func (a *rtAttempt) trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) {
		a.mu.Lock()
		a.conn = true
		a.mu.Unlock()
	}})
}

// arm starts the budget of the wait for the answer to begin (not for its
// body, which the call's budget bounds). When it ends, the node counts as
// not answering (late), and the request is cut unless it may have been
// sent and is not safe to repeat: then the call waits for its answer
// until its own budget ends, since no other node can be asked. The
// returned func stops the budget once the answer has begun.
func (a *rtAttempt) arm(budget time.Duration, cutSent bool, cancel func(), late func()) func() {
	if budget <= 0 {
		return func() {}
	}
	t := time.AfterFunc(budget, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.late = true
		late()
		if !a.conn || cutSent {
			a.cut = true
			cancel()
		}
	})
	return func() { t.Stop() }
}

// state reads what the attempt saw.
func (a *rtAttempt) state() (sent, late, cut bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.conn, a.late, a.cut
}

// attemptBudget is how long one request may wait for its answer to begin
// before the next node is tried: WithAttemptTimeout's, or the time left
// in the call shared among the candidates not tried yet (left), so that a
// node that does not answer costs at most 1/n of the call. The last
// candidate has the rest of the call (0: no bound of its own).
func (c *rtClient) attemptBudget(ctx context.Context, left int) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return c.attempt
	}
	rest := time.Until(dl)
	if c.attempt > 0 {
		if c.attempt < rest {
			return c.attempt
		}
		return 0
	}
	if left <= 1 {
		return 0
	}
	return rest / time.Duration(left)
}

// candidates is the order of a round: the preferred node first, then the
// others as given, leaving out those that did not answer lately unless
// every one did. skipped names the ones left out.
func (c *rtClient) candidates() (try []string, skipped []error) {
	all := c.order()
	if len(all) == 1 {
		return all, nil
	}
	for _, a := range all {
		if until, bad := c.health.avoided(a); bad {
			skipped = append(skipped, fmt.Errorf("%s: not tried: it did not answer lately (avoided for %v more)", rtHost(a), time.Until(until).Round(time.Millisecond)))
			continue
		}
		try = append(try, a)
	}
	if len(try) == 0 {
		return all, nil
	}
	return try, skipped
}

// rtPause waits d, or half the time left in ctx when that is shorter, so
// that the last round still has time; it reports whether ctx is still
// live with time for a round (50 ms at least) after the wait.
func rtPause(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left < 100*time.Millisecond {
			return false
		}
		d = min(d, left/2)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// The stand-in cluster on ZooKeeper (pegasus-gen's own; the real servers
// answer only 200, 307, 400, 404 and 500) says three things no real
// Pegasus state has words for, each a status and the body's first words
// (the README's cluster section, the spec's "Stand-in cluster on
// ZooKeeper"): 503 "no primary MetaServer: …" in place of a redirect to
// no one, 503 "rejected: …" for a write not applied, and 500 "outcome
// unknown: …" for a write whose commit could not be read back.
var (
	rtNoPrimaryAnswer      = []byte("no primary MetaServer")
	rtOutcomeUnknownAnswer = []byte("outcome unknown")
)

// rtFaultAnswer is the error a fault answer stands for: "no primary" is
// asked again, on another server or later, as a redirect to no one is; an
// unknown outcome is ErrOutcomeUnknown, which a write not safe to repeat
// is never sent again after. Every other answer, "rejected" included, is
// the caller's to read.
func rtFaultAnswer(op rtOp, base string, res *rtResult) error {
	switch {
	case res.Status == http.StatusServiceUnavailable && bytes.HasPrefix(res.Body, rtNoPrimaryAnswer):
		return fmt.Errorf("%w: %s answered 503 %q", rtErrNoPrimary, rtHost(base), rtShortBody(res.Body))
	case res.Status == http.StatusInternalServerError && op.Write && bytes.HasPrefix(res.Body, rtOutcomeUnknownAnswer):
		answer := fmt.Sprintf("500 %q", rtShortBody(res.Body))
		return &rtAttemptError{Method: op.Method, Path: op.Path, Node: base, Sent: true, Unknown: true, Answer: answer, Err: errors.New(answer)}
	}
	return nil
}

// rtRejectedAnswer is the stand-in cluster's 503 for a write it did not
// apply.
var rtRejectedAnswer = []byte("rejected:")

// rtUnknownAnswer reports an answer that does not tell whether a write
// ran: a 5xx (a server failing part way, a proxy before it), except the
// stand-in cluster's 503 "rejected: …". A read has no outcome to lose.
func rtUnknownAnswer(op rtOp, res *rtResult) bool {
	if !op.Write || res.Status < 500 {
		return false
	}
	return res.Status != http.StatusServiceUnavailable || !bytes.HasPrefix(res.Body, rtRejectedAnswer)
}
