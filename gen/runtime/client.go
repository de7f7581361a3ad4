package pegasusrt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
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

// rtResult is a raw answer.
type rtResult struct {
	Status int
	Body   []byte
	Header http.Header
}

// rtClient sends requests to one of several servers of a role. It prefers
// the address that answered last (for a meta cluster: the primary, once a
// redirect has pointed there), fails over on connection errors, and
// follows 307 itself so that a POST body is sent again, which not every
// http.Client redirect policy does.
type rtClient struct {
	addrs   []string // base URLs, "http://host:port"
	hc      *http.Client
	timeout time.Duration
	prefer  atomic.Pointer[string]
}

// rtMaxRedirects bounds redirect chains, which a misconfigured pair of
// backups pointing at each other would make endless.
const rtMaxRedirects = 4

// rtNewClient checks and normalises the addresses.
func rtNewClient(addrs []string) (*rtClient, error) {
	if len(addrs) == 0 {
		return nil, errors.New("no server addresses")
	}
	c := &rtClient{}
	for _, a := range addrs {
		a = strings.TrimSuffix(strings.TrimSpace(a), "/")
		if !strings.Contains(a, "://") {
			a = "http://" + a
		}
		u, err := url.Parse(a)
		if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("server address %q: want host:port or http://host:port", a)
		}
		c.addrs = append(c.addrs, u.Scheme+"://"+u.Host)
	}
	c.setHTTPClient(&http.Client{Timeout: 30 * time.Second})
	return c, nil
}

// setHTTPClient uses a copy of hc that hands 307s back to rtClient.
func (c *rtClient) setHTTPClient(hc *http.Client) {
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &cp
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

// Do sends method path?query to the servers until one answers.
func (c *rtClient) Do(ctx context.Context, method, path string, q *rtQuery, body []byte) (*rtResult, error) {
	if q.err != nil {
		return nil, q.err
	}
	if _, ok := ctx.Deadline(); !ok && c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	target := "/" + path
	if len(q.b) > 0 {
		target += "?" + string(q.b)
	}
	var errs []error
	for _, base := range c.order() {
		res, err := c.follow(ctx, method, base, base+target, body)
		if err == nil {
			return res, nil
		}
		errs = append(errs, err)
		// A POST may have run already unless its connection never opened:
		// sending it to another server could run it twice.
		if ctx.Err() != nil || method != http.MethodGet && !rtDialError(err) {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// rtDialError reports whether err is a failure to connect, after which
// the request surely did not reach the server.
func rtDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// follow sends one request and the redirects it leads to.
func (c *rtClient) follow(ctx context.Context, method, base, u string, body []byte) (*rtResult, error) {
	for hop := 0; ; hop++ {
		res, err := c.once(ctx, method, u, body)
		if err != nil {
			return nil, err
		}
		if res.Status != http.StatusTemporaryRedirect {
			c.prefer.Store(&base)
			return res, nil
		}
		if hop == rtMaxRedirects {
			return nil, fmt.Errorf("%s: more than %d redirects", u, rtMaxRedirects)
		}
		loc, err := url.Parse(res.Header.Get("Location"))
		if err != nil || loc.Host == "" {
			return nil, fmt.Errorf("%s: redirect to an unusable Location %q", u, res.Header.Get("Location"))
		}
		base = loc.Scheme + "://" + loc.Host
		u = base + rtReescape(loc.Opaque+loc.Path)
		if loc.RawQuery != "" || loc.ForceQuery {
			u += "?" + rtReescape(loc.RawQuery)
		}
	}
}

// once sends one request and reads the whole answer.
func (c *rtClient) once(ctx context.Context, method, u string, body []byte) (*rtResult, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", u, err)
	}
	return &rtResult{Status: resp.StatusCode, Body: data, Header: resp.Header}, nil
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
