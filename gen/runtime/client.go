package pegasusrt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// rtQuery builds a query string the real server can read back. The server
// percent-decodes the whole query before splitting it, so a literal '&' or
// '=' cannot be sent inside a key or value at all: rtQuery refuses them
// instead of sending something the server would read differently.
type rtQuery struct {
	b   []byte
	err error
}

// Add appends k=v.
func (q *rtQuery) Add(k, v string) {
	q.item(k)
	q.b = append(q.b, '=')
	q.escape(v, k)
}

// Flag appends a presence flag, "k" with no '='.
func (q *rtQuery) Flag(k string) { q.item(k) }

// item starts a new argument, separated from the previous one.
func (q *rtQuery) item(k string) {
	if len(q.b) > 0 {
		q.b = append(q.b, '&')
	}
	q.escape(k, k)
}

// escape percent-encodes everything but unreserved characters, so that
// spaces, '%', '+' and '#' arrive as they are.
func (q *rtQuery) escape(s, key string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&' || c == '=':
			if q.err == nil {
				q.err = fmt.Errorf("query argument %q: %q cannot be sent, the server splits on it after decoding", key, c)
			}
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~', c == ',', c == ':', c == '@':
			q.b = append(q.b, c)
		default:
			q.b = append(q.b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
}

// rtResult is a raw answer and the node that gave it.
type rtResult struct {
	Status int
	Body   []byte
	Header http.Header
	// Node is the base URL of the server that answered, after redirects.
	Node string
}

// rtMembers says where a role's cluster names its servers: a GET of path
// whose 200 JSON body holds field, the servers' host:port joined by ','.
type rtMembers struct {
	path, field string
}

// rtDefaultTimeout bounds a call, redirects and fail-over included, unless
// WithTimeout says otherwise.
const rtDefaultTimeout = 30 * time.Second

// rtDefaultMaxBody bounds an answer. The largest real answer is GET
// /metrics?detail=true of a ReplicaServer with many replicas, about 290
// bytes a metric: 10,000 entities of 20 metrics is 56 MiB, 3,000 replicas
// with all 132 replica metrics about 110 MiB; 256 MiB leaves room above
// both.
const rtDefaultMaxBody = 256 << 20

// rtClient sends requests to one of several servers of a role. It prefers
// the address that answered last (for a meta cluster: the primary, once a
// redirect has pointed there), moves to the next on a node that cannot be
// reached or does not answer in time (see Do), and follows 307 itself so
// that a POST body is sent again. It sends only to the addresses it was
// given, and to the servers the cluster names itself when trustMembers is
// set: a redirect anywhere else is an error and nothing is sent there.
type rtClient struct {
	addrs   []string // base URLs, "http://host:port"
	hc      *http.Client
	timeout time.Duration
	maxBody int64
	// node marks a client of one named node: no fail-over, no redirect.
	node         bool
	members      *rtMembers
	trustMembers bool
	learned      sync.Map // base URL → struct{}: servers the cluster named
	knowsMembers atomic.Bool
	learnTried   atomic.Int64 // UnixNano of the last eager attempt
	prefer       atomic.Pointer[string]
	// attempt bounds the wait for one node's answer to begin
	// (WithAttemptTimeout); 0 shares the call's time among the nodes.
	attempt time.Duration
	health  *rtHealth
}

// rtLearnEvery spaces the eager attempts to learn the cluster's servers,
// which cost a request to each configured address.
const rtLearnEvery = 10 * time.Second

// rtMaxRedirects bounds redirect chains, which a misconfigured pair of
// backups pointing at each other would make endless.
const rtMaxRedirects = 4

// rtNewClient checks and normalises the addresses.
func rtNewClient(addrs []string) (*rtClient, error) {
	if len(addrs) == 0 {
		return nil, errors.New("no server addresses")
	}
	c := &rtClient{timeout: rtDefaultTimeout, maxBody: rtDefaultMaxBody, health: &rtHealth{}}
	for _, a := range addrs {
		base, err := rtBase(a)
		if err != nil {
			return nil, err
		}
		c.addrs = append(c.addrs, base)
	}
	c.setHTTPClient(&http.Client{})
	return c, nil
}

// rtBase turns "host:port" or "http://host:port/" into "http://host:port".
func rtBase(a string) (string, error) {
	a = strings.TrimSuffix(strings.TrimSpace(a), "/")
	if !strings.Contains(a, "://") {
		a = "http://" + a
	}
	u, err := url.Parse(a)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("server address %q: want host:port or http://host:port", a)
	}
	return u.Scheme + "://" + u.Host, nil
}

// setHTTPClient uses a copy of hc that hands 307s back to rtClient. Its
// own Timeout, if any, applies too; the client's timeout and answer bound
// hold either way.
func (c *rtClient) setHTTPClient(hc *http.Client) {
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	next := cp.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cp.Transport = rtKeepLocation{next}
	c.hc = &cp
}

// rtLocationKey holds a redirect's Location between rtKeepLocation and
// once.
const rtLocationKey = "X-Pegasus-Gen-Location"

// rtKeepLocation hides the Location of a redirect from http.Client, which
// parses it before any CheckRedirect is asked and fails the request when
// it does not parse: the real MetaServer's "http://invalid host_port/…",
// sent while it knows no primary, would be a URL error instead of an
// answer. once puts it back.
type rtKeepLocation struct{ next http.RoundTripper }

// RoundTrip moves a redirect's Location under rtLocationKey.
func (t rtKeepLocation) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil && resp.StatusCode/100 == 3 {
		if loc, ok := resp.Header["Location"]; ok {
			resp.Header[rtLocationKey] = loc
			delete(resp.Header, "Location")
		}
	}
	return resp, err
}

// forNode is a client of the one server addr that shares c's settings and
// never sends anywhere else.
func (c *rtClient) forNode(addr string) (*rtClient, error) {
	base, err := rtBase(addr)
	if err != nil {
		return nil, err
	}
	return &rtClient{addrs: []string{base}, hc: c.hc, timeout: c.timeout, maxBody: c.maxBody, attempt: c.attempt, health: c.health, node: true}, nil
}

// order is the addresses to try: the preferred one first.
func (c *rtClient) order() []string {
	p := c.prefer.Load()
	if p == nil {
		return c.addrs
	}
	out := make([]string, 0, len(c.addrs)+1)
	out = append(out, *p)
	for _, a := range c.addrs {
		if a != *p {
			out = append(out, a)
		}
	}
	return out
}

// Do sends op to the servers until one answers, and returns that answer
// whatever its status. A node-local call is refused unless the client has
// exactly one address: failing over would run it on a node the caller did
// not name.
//
// Faults: a node that does not begin to answer within the attempt budget
// is left for the next (and avoided by later calls for a while); a request
// that may have reached a node is sent to another only when op is safe to
// repeat, else the call ends with an error wrapping rtErrOutcomeUnknown (a
// write) or the node's. When the servers know no primary, they are asked
// again after a pause, within the call's budget.
func (c *rtClient) Do(ctx context.Context, op rtOp, q *rtQuery, body []byte) (*rtResult, error) {
	if q.err != nil {
		return nil, q.err
	}
	if op.NodeLocal && len(c.addrs) > 1 {
		return nil, fmt.Errorf("/%s answers for the node asked and this client has %d addresses: call it on Node(addr), or on every node with FanOut", op.Path, len(c.addrs))
	}
	if c.timeout > 0 {
		// The earlier of the context's deadline and the client's bound.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	if c.trustMembers && c.members != nil && !c.node && !c.knowsMembers.Load() {
		// Retried at a later call when it fails, at most every rtLearnEvery.
		if last := c.learnTried.Load(); time.Since(time.Unix(0, last)) > rtLearnEvery && c.learnTried.CompareAndSwap(last, time.Now().UnixNano()) {
			_, _ = c.learnMembers(ctx)
		}
	}
	target := "/" + op.Path
	if len(q.b) > 0 {
		target += "?" + string(q.b)
	}
	// The first unknown outcome and the last "no primary" are kept across
	// rounds: a last round cut short by the deadline must not hide them.
	var unknown, noPrimary error
	for pause, rounds := rtRoundPause, 1; ; pause, rounds = min(2*pause, rtRoundPauseMax), rounds+1 {
		res, errs, again := c.round(ctx, op, target, body)
		if res != nil {
			rtRecord(ctx, res)
			return res, nil
		}
		for _, e := range errs {
			if unknown == nil && errors.Is(e, rtErrOutcomeUnknown) {
				unknown = e
			}
			if errors.Is(e, rtErrNoPrimary) {
				noPrimary = e
			}
		}
		_, bounded := ctx.Deadline()
		if !again || !bounded && rounds == rtRoundsUnbounded || !rtPause(ctx, pause) {
			return nil, rtCallError(errs, rounds, unknown, noPrimary)
		}
	}
}

// rtCallError is the error of a call that got no answer: the last round's
// errors, after the unknown outcome and the "no primary" of earlier
// rounds when that round lacks them.
func rtCallError(errs []error, rounds int, unknown, noPrimary error) error {
	if noPrimary != nil && !slices.Contains(errs, noPrimary) {
		errs = append([]error{noPrimary}, errs...)
	}
	if unknown != nil && !slices.Contains(errs, unknown) {
		errs = append([]error{unknown}, errs...)
	}
	if rounds > 1 {
		errs = append(errs, fmt.Errorf("asked %d times over the call's budget", rounds))
	}
	return errors.Join(errs...)
}

// round tries each candidate once. again says that no server knew a
// primary and nothing forbids asking once more.
func (c *rtClient) round(ctx context.Context, op rtOp, target string, body []byte) (res *rtResult, errs []error, again bool) {
	try, skipped := c.candidates()
	errs = skipped
	noPrimary := false
	for i, base := range try {
		res, err := c.follow(ctx, op, base, target, body, c.attemptBudget(ctx, len(try)-i))
		if err == nil {
			return res, nil, false
		}
		errs = append(errs, err)
		noPrimary = noPrimary || errors.Is(err, rtErrNoPrimary)
		// Sending a request that may have run to another server could run
		// it twice. A refused redirect is an answer, not a failure.
		// An answer too large to read is an answer all the same: the
		// request ran there, and any other node would answer as much.
		if ctx.Err() != nil || c.node || errors.Is(err, rtErrRefusedRedirect) || errors.Is(err, rtErrTooLarge) || !op.Repeat && rtSent(err) {
			return nil, errs, false
		}
	}
	return nil, errs, noPrimary
}

// rtSent reports whether a failed request may have reached its server.
func rtSent(err error) bool {
	var a *rtAttemptError
	return errors.As(err, &a) && a.Sent
}

// rtErrRefusedRedirect marks a 307 the client did not follow.
var rtErrRefusedRedirect = errors.New("redirect refused")

// follow sends one request and the redirects it leads to, each only to a
// server the client trusts and each within budget. The preference moves
// only to a server that answered. A 307 that names no server, or one that
// does not answer, is "no primary right now".
func (c *rtClient) follow(ctx context.Context, op rtOp, base, target string, body []byte, budget time.Duration) (*rtResult, error) {
	u := base + target
	for hop := 0; ; hop++ {
		if hop == 1 && budget == 0 {
			// A redirect's target is another node: if it does not
			// answer, half the call is left to ask again.
			budget = c.attemptBudget(ctx, 2)
		}
		res, err := c.once(ctx, op, base, u, body, budget)
		if err != nil {
			if hop > 0 && ctx.Err() == nil && !errors.Is(err, rtErrTooLarge) && (op.Repeat || !rtSent(err)) {
				// Asked again later, when the backups may name another.
				return nil, fmt.Errorf("%w: the primary named by the redirect does not answer: %w", rtErrNoPrimary, err)
			}
			return nil, err
		}
		if err := rtFaultAnswer(op, base, res); err != nil {
			return nil, err
		}
		if res.Status != http.StatusTemporaryRedirect {
			if !c.node {
				c.prefer.Store(&base)
			}
			return res, nil
		}
		if hop == rtMaxRedirects {
			return nil, fmt.Errorf("%s: more than %d redirects", u, rtMaxRedirects)
		}
		from := base
		loc, err := url.Parse(res.Header.Get("Location"))
		if err != nil || loc.Host == "" {
			return nil, fmt.Errorf("%w: %s answered 307 with Location %q, which names no server", rtErrNoPrimary, rtHost(from), res.Header.Get("Location"))
		}
		next := loc.Scheme + "://" + loc.Host
		if err := c.mayFollow(ctx, from, next); err != nil {
			return nil, fmt.Errorf("%s: %w", u, err)
		}
		if _, bad := c.health.avoided(next); bad && !c.node {
			return nil, fmt.Errorf("%w: %s redirects to %s, which did not answer lately", rtErrNoPrimary, rtHost(from), rtHost(next))
		}
		base = next
		u = base + rtReescape(loc.Opaque+loc.Path)
		if loc.RawQuery != "" || loc.ForceQuery {
			u += "?" + rtReescape(loc.RawQuery)
		}
	}
}

// mayFollow says whether a redirect from one server to next may be
// followed: next must be a configured address or, when the caller allows
// it, a server the cluster itself names.
func (c *rtClient) mayFollow(ctx context.Context, from, next string) error {
	if c.node {
		return fmt.Errorf("%w: %s redirected to %s, and a call of one named node never goes to another", rtErrRefusedRedirect, from, rtHost(next))
	}
	if slices.Contains(c.addrs, next) {
		return nil
	}
	if _, ok := c.learned.Load(next); ok {
		return nil
	}
	if c.members == nil || !c.trustMembers {
		return fmt.Errorf("%w: %s is not one of the client's addresses; nothing was sent there (WithClusterMembers allows the servers the cluster names)", rtErrRefusedRedirect, rtHost(next))
	}
	// Asked again at most every rtLearnEvery: a redirect to a stranger
	// must not cost every call a round of requests.
	last := c.learnTried.Load()
	if time.Since(time.Unix(0, last)) <= rtLearnEvery || !c.learnTried.CompareAndSwap(last, time.Now().UnixNano()) {
		return fmt.Errorf("%w: %s is neither one of the client's addresses nor named by the cluster when last asked; nothing was sent there", rtErrRefusedRedirect, rtHost(next))
	}
	named, err := c.learnMembers(ctx)
	if err != nil {
		return fmt.Errorf("%w: %s is not one of the client's addresses and the cluster's own list could not be read: %v", rtErrRefusedRedirect, rtHost(next), err)
	}
	if !slices.Contains(named, next) {
		return fmt.Errorf("%w: %s is neither one of the client's addresses nor named by the cluster; nothing was sent there", rtErrRefusedRedirect, rtHost(next))
	}
	return nil
}

// learnMembers asks the configured addresses for the servers the cluster
// names, following a redirect only to another configured address, and
// trusts them from then on. A client allowed to trust them learns them at
// its first call too, while a configured server may still be the primary:
// after a fail-over to one it was not given, no configured server answers
// the list itself any more.
func (c *rtClient) learnMembers(ctx context.Context) ([]string, error) {
	var errs []error
	for _, base := range c.order() {
		if ctx.Err() != nil {
			break
		}
		res, err := c.askMembers(ctx, base)
		if err == nil && res.Status == http.StatusTemporaryRedirect {
			if loc, e := url.Parse(res.Header.Get("Location")); e == nil && slices.Contains(c.addrs, loc.Scheme+"://"+loc.Host) {
				base = loc.Scheme + "://" + loc.Host
				res, err = c.askMembers(ctx, base)
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if res.Status != http.StatusOK {
			errs = append(errs, fmt.Errorf("%s/%s: status %d", base, c.members.path, res.Status))
			continue
		}
		var doc map[string]json.RawMessage
		var list string
		if err := json.Unmarshal(res.Body, &doc); err != nil || json.Unmarshal(doc[c.members.field], &list) != nil {
			errs = append(errs, fmt.Errorf("%s/%s: no %q in the answer", base, c.members.path, c.members.field))
			continue
		}
		var named []string
		for _, a := range strings.Split(list, ",") {
			if b, err := rtBase(a); err == nil && strings.TrimSpace(a) != "" {
				named = append(named, b)
				c.learned.Store(b, struct{}{})
			}
		}
		c.knowsMembers.Store(true)
		return named, nil
	}
	return nil, errors.Join(errs...)
}

// askMembers asks one server for the member list, within a quarter of the
// client's timeout (5 s at most): a server that does not answer must leave
// the call it comes before most of its time, and is avoided by it after.
func (c *rtClient) askMembers(ctx context.Context, base string) (*rtResult, error) {
	var budget time.Duration
	if c.timeout > 0 {
		budget = min(c.timeout/4, 5*time.Second)
	}
	return c.once(ctx, rtOp{Method: http.MethodGet, Path: c.members.path, Repeat: true}, base, base+"/"+c.members.path, nil, budget)
}

// rtHost is the host:port of a base URL, for messages.
func rtHost(base string) string {
	if i := strings.Index(base, "://"); i >= 0 {
		return base[i+3:]
	}
	return base
}

// once sends one request to base and reads the answer, at most maxBody
// bytes of it. The wait for the answer to begin is bounded by budget (see
// rtAttempt.arm); a node that answers is restored, one that does not is
// avoided for a while.
func (c *rtClient) once(ctx context.Context, op rtOp, base, u string, body []byte, budget time.Duration) (*rtResult, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var at rtAttempt
	req, err := http.NewRequestWithContext(at.trace(actx), op.Method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	stop := at.arm(budget, op.Repeat, cancel, func() { c.health.failed(base) })
	resp, err := c.hc.Do(req)
	stop()
	if err == nil {
		defer resp.Body.Close()
		if loc, ok := resp.Header[rtLocationKey]; ok {
			resp.Header["Location"] = loc
			delete(resp.Header, rtLocationKey)
		}
		var data []byte
		data, err = rtReadBounded(resp, c.maxBody)
		if errors.Is(err, rtErrTooLarge) {
			c.health.answered(base)
			return nil, fmt.Errorf("%s: %w", u, err)
		}
		if err == nil {
			c.health.answered(base)
			return &rtResult{Status: resp.StatusCode, Body: data, Header: resp.Header, Node: base}, nil
		}
		err = fmt.Errorf("reading the answer: %w", err)
	}
	sent, late, cut := at.state()
	switch {
	case late && !cut:
		c.health.still(base) // counted when late, avoided from the end of the wait
	case !late && ctx.Err() == nil:
		c.health.failed(base) // the node's failure, not the caller's deadline
	}
	return nil, &rtAttemptError{Method: op.Method, Path: op.Path, Node: base, Sent: sent, Cut: cut, Budget: budget, Unknown: sent && op.Write, Err: err}
}

// rtErrTooLarge marks an answer longer than the client reads.
var rtErrTooLarge = errors.New("answer too large")

// rtReadBounded reads a body of at most limit bytes (no bound when limit
// is not positive), and stops reading at limit+1.
func rtReadBounded(resp *http.Response, limit int64) ([]byte, error) {
	if limit <= 0 {
		return io.ReadAll(resp.Body)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes, more than the client's limit of %d bytes (WithMaxAnswer)", rtErrTooLarge, resp.ContentLength, limit)
	}
	if resp.ContentLength > 0 {
		// Memory follows the bytes that arrive, not what the header
		// claims: net/http stops the body at its declared length.
		return rtReadLength(resp.Body, resp.ContentLength)
	}
	return rtReadLimited(resp.Body, limit)
}

// rtChunkMax bounds one chunk of rtReadLimited.
const rtChunkMax = 1 << 20

// rtReadLimited reads r to its end, refusing more than limit bytes. It
// reads into chunks growing from 32 KiB to rtChunkMax, never more than
// limit+1 bytes together, and joins them once at the end: an answer that
// does not end costs limit+1 bytes before it is refused, where a slice
// grown by append (io.ReadAll) holds its old and new arrays at once, up
// to 2.25× the limit; a whole answer of n bytes costs 2n at the join.
func rtReadLimited(r io.Reader, limit int64) ([]byte, error) {
	var chunks [][]byte
	var total int64
	for size := int64(32 << 10); ; size = min(2*size, rtChunkMax) {
		n := min(size, limit+1-total)
		if n <= 0 {
			return nil, fmt.Errorf("%w: more than the client's limit of %d bytes (WithMaxAnswer)", rtErrTooLarge, limit)
		}
		buf := make([]byte, n)
		m, err := io.ReadFull(r, buf)
		total += int64(m)
		chunks = append(chunks, buf[:m])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if total > limit {
		return nil, fmt.Errorf("%w: more than the client's limit of %d bytes (WithMaxAnswer)", rtErrTooLarge, limit)
	}
	if len(chunks) == 1 && int64(cap(chunks[0])) == total {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, b := range chunks {
		out = append(out, b...)
	}
	return out, nil
}

// rtReescape makes a Location written by the real server sendable again.
// The server builds it from the decoded arguments without re-encoding them
// (wire-behaviour §5), so it may hold spaces or a literal '%'. Every byte
// that is not safe in a request-target is escaped, '%' included since each
// one in decoded text is literal; '&' and '=' stay, as they are separators
// by now.
func rtReescape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-_.~,:@/&=!$'()*+;", c) >= 0:
			b = append(b, c)
		default:
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	return string(b)
}

// rtShortBody is a body for an error message: at most one line of 200 bytes.
func rtShortBody(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

// rtLooksJSON reports whether a body is a JSON object or array rather than a
// line of text.
func rtLooksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// rtIsNull reports whether a body is the JSON literal null.
func rtIsNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }
