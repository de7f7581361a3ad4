package conformrt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cfRequest is one request as the suite sends it: path and query exactly
// as written, never re-encoded, since how the server parses them is part
// of what is checked.
type cfRequest struct {
	Method      string
	Path        string
	Query       string
	Body        string
	ContentType string
}

// cfAnswer is what came back.
type cfAnswer struct {
	Status int
	Header http.Header
	Body   []byte
	// Unimplemented: an in-process handler left the operation to the
	// embedded Unimplemented type (the wire says only 404).
	Unimplemented bool
	// query and addr are the request's query and the server asked, for
	// the operation's rules.
	query, addr string
}

// cfUnimplementedHeader is how the in-process wrapper marks an answer of an
// operation the handler did not implement. It is set only between the
// suite and a Handler target, never by a server on the wire.
const cfUnimplementedHeader = "X-Pegasus-Conform-Unimplemented"

// cfNoteWriter is the ResponseWriter the suite hands an in-process server:
// the generated server calls PegasusUnimplemented on it (looking through
// Unwrap, like http.ResponseController) when the handler returned the
// Unimplemented type's error.
type cfNoteWriter struct{ http.ResponseWriter }

// PegasusUnimplemented marks the answer about to be written.
func (w cfNoteWriter) PegasusUnimplemented() { w.Header().Set(cfUnimplementedHeader, "1") }

// Unwrap gives http.ResponseController the writer underneath.
func (w cfNoteWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush keeps streaming answers streaming.
func (w cfNoteWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// cfNoting wraps an in-process server so its answers say whether the
// handler implemented the operation.
func cfNoting(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(cfNoteWriter{w}, req)
	})
}

// cfRun is one run of a suite: the client, the settings and the answers
// seen, for the not_a_server_error check.
type cfRun struct {
	api      *cfAPI
	target   Target
	client   *http.Client
	features map[string]bool
	vars     map[string]string
	byName   map[string]*cfOp
	// selected are the operations to check (by opName); nil is all.
	selected map[string]bool
	// inProcess: the target is a Handler on a listener of the run's own.
	inProcess bool
	mu        sync.Mutex
	unimpl    map[string]bool // by opName
}

// selectOps limits the run to the named operations; a name that matches
// none is an error, since a typo would otherwise check nothing and pass.
func (r *cfRun) selectOps(names []string) error {
	if len(names) == 0 {
		return nil
	}
	r.selected = map[string]bool{}
	var unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		found := false
		for _, op := range r.api.Ops {
			if cfMatches(op, n) {
				r.selected[opName(op)], found = true, true
			}
		}
		if !found && n != "" {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		var known []string
		for _, op := range r.api.Ops {
			known = append(known, op.Name)
		}
		return fmt.Errorf("conform: no %s operation %q (name one as \"GET /meta/app\", \"/meta/app\" or \"GetMetaApp\"; the operations: %s)",
			r.api.Role, strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return nil
}

// cfOperations names api's operations as reports do.
func cfOperations(api *cfAPI) []string {
	var out []string
	for _, op := range api.Ops {
		out = append(out, opName(op))
	}
	return out
}

// cfFeatureNames names api's optional features.
func cfFeatureNames(api *cfAPI) []string {
	var out []string
	for _, f := range api.Features {
		out = append(out, f.Name)
	}
	return out
}

// cfVarNames names api's scenario variables.
func cfVarNames(api *cfAPI) []string {
	var out []string
	for _, v := range api.Vars {
		out = append(out, v.Name)
	}
	return out
}

// cfHasOperation reports whether name names an operation of api.
func cfHasOperation(api *cfAPI, name string) bool {
	for _, op := range api.Ops {
		if cfMatches(op, name) {
			return true
		}
	}
	return false
}

// cfMatches reports whether name (as Target.Operations takes it) names op.
func cfMatches(op *cfOp, name string) bool {
	return name == opName(op) || name == op.Path || name == op.Name
}

// saysUnimplemented reports whether an answer shows that the server does
// not implement op: in process, the handler said so; on the wire, a valid
// request to the operation's own path got the 404 of a path nobody
// registered (a server built without the service, or an older one).
func (r *cfRun) saysUnimplemented(op *cfOp, c cfCase, a *cfAnswer) bool {
	if a.Unimplemented {
		return true
	}
	return (c.check == CheckPositive || c.check == CheckRedirect) && c.req.Path == op.Path && cfUnregistered(op.Path, a)
}

// cfUnregistered reports whether a is the 404 of a path nobody registered,
// for path.
func cfUnregistered(path string, a *cfAnswer) bool {
	return a.Status == http.StatusNotFound && string(a.Body) == fmt.Sprintf(cfUnknownPath, strings.Trim(path, "/"))
}

// markUnimplemented records that the server at addr does not implement
// op: each server for itself, so one server's gap hides nothing of
// another's.
func (r *cfRun) markUnimplemented(addr, op string) {
	r.mu.Lock()
	r.unimpl[addr+" "+op] = true
	r.mu.Unlock()
}

// isUnimplemented reports whether the server at addr said it does not
// implement op.
func (r *cfRun) isUnimplemented(addr, op string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unimpl[addr+" "+op]
}

// unimplementedAnywhere reports whether any server said it does not
// implement op.
func (r *cfRun) unimplementedAnywhere(op string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.unimpl {
		if strings.HasSuffix(k, " "+op) {
			return true
		}
	}
	return false
}

func newCfRun(api *cfAPI, target Target) *cfRun {
	timeout := target.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	c := &http.Client{Timeout: timeout}
	if target.Client != nil {
		cc := *target.Client
		c = &cc
		if c.Timeout == 0 {
			c.Timeout = timeout
		}
	} else {
		c.Transport = &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second, DisableCompression: true}
	}
	// A 307 is an answer to check, not to follow.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r := &cfRun{api: api, target: target, client: c, features: map[string]bool{}, vars: map[string]string{}, byName: map[string]*cfOp{}, unimpl: map[string]bool{}}
	for _, f := range api.Features {
		r.features[f.Name] = f.Default
	}
	for k, v := range target.Features {
		r.features[k] = v
	}
	for _, v := range api.Vars {
		r.vars[v.Name] = v.Value
	}
	for k, v := range target.Vars {
		r.vars[k] = v
	}
	for _, op := range api.Ops {
		r.byName[op.Name] = op
	}
	return r
}

// send makes one request to addr.
func (r *cfRun) send(ctx context.Context, q cfRequest, addr string) (*cfAnswer, error) {
	u := &url.URL{Scheme: "http", Host: addr, Opaque: q.Path, RawQuery: q.Query}
	if strings.HasPrefix(q.Path, "//") {
		// An origin-form target may not start with "//"; the absolute
		// form carries the path as it is.
		u.Opaque = "//" + addr + q.Path
	}
	var body io.Reader
	if q.Body != "" {
		body = strings.NewReader(q.Body)
	}
	req, err := http.NewRequestWithContext(ctx, q.Method, "http://"+addr+"/", body)
	if err != nil {
		return nil, err
	}
	req.URL = u
	if q.ContentType != "" {
		req.Header.Set("Content-Type", q.ContentType)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	return &cfAnswer{Status: resp.StatusCode, Header: resp.Header, Body: data, Unimplemented: r.inProcess && resp.Header.Get(cfUnimplementedHeader) != "",
		query: q.Query, addr: addr}, nil
}

// cfCurl is a shell command that sends q to addr again.
func cfCurl(q cfRequest, addr string) string {
	target := "http://" + addr + q.Path
	if q.Query != "" {
		target += "?" + q.Query
	}
	var b strings.Builder
	b.WriteString("curl -sS -i")
	if q.Method != "GET" {
		b.WriteString(" -X " + q.Method)
	}
	if q.ContentType != "" {
		b.WriteString(" -H " + cfShellQuote("Content-Type: "+q.ContentType))
	}
	if q.Body != "" {
		b.WriteString(" --data-binary " + cfShellQuote(q.Body))
	}
	b.WriteString(" " + cfShellQuote(target))
	return b.String()
}

// cfRequestLine is q as one line: method, target and body.
func cfRequestLine(q cfRequest) string {
	line := q.Method + " " + q.Path
	if q.Query != "" {
		line += "?" + q.Query
	}
	if q.Body != "" {
		line += " " + strconv.Quote(q.Body)
	}
	return line
}

func cfShellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// cfServer is one server of the role, with what discovery found.
type cfServer struct {
	addr    string
	primary bool   // answers redirecting operations itself
	leader  string // the primary's address as the role reports it
	note    string // why the primary is unknown, if it is
}

// discover finds which servers are the primary: the one that answers the
// spec's primary operation itself, naming itself in its body; the others
// redirect it there. Roles without redirects have only primaries.
func (r *cfRun) discover(ctx context.Context, addrs []string) ([]*cfServer, error) {
	out := make([]*cfServer, len(addrs))
	leader := ""
	for i, a := range addrs {
		s := &cfServer{addr: a, primary: true}
		out[i] = s
		p := r.api.Primary
		if p == nil {
			continue
		}
		ans, err := r.send(ctx, cfRequest{Method: "GET", Path: p.Path}, a)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, a, err)
		}
		if ans.Unimplemented || cfUnregistered(p.Path, ans) {
			r.markUnimplemented(a, "GET "+p.Path)
			s.note = "GET " + p.Path + " is not implemented"
			continue
		}
		switch ans.Status {
		case http.StatusOK:
			n, err := cfParse(ans.Body)
			if f := n.pointerOrNil(p.Field); err == nil && f != nil && f.Kind == '"' {
				s.leader = f.Str
				if f.Str != a && cfIn(f.Str, addrs) {
					// Another server of the target is the primary: this
					// one is a backup answering for itself, which the
					// redirect check must see.
					s.primary = false
				} else {
					leader = f.Str
				}
			}
		case http.StatusTemporaryRedirect:
			s.primary = false
			if u, err := url.Parse(ans.Header.Get("Location")); err == nil {
				s.leader = u.Host
			}
		default:
			s.note = fmt.Sprintf("GET %s answered %d", p.Path, ans.Status)
		}
	}
	// Every server is checked against what the primary says of itself, not
	// against what a backup's own redirect claims.
	for _, s := range out {
		if leader != "" {
			s.leader = leader
		}
	}
	return out, nil
}

// pointerOrNil is pointer on a node that may be nil.
func (n *cfNode) pointerOrNil(ptr string) *cfNode {
	if n == nil {
		return nil
	}
	return n.pointer(ptr)
}

// cfCase is one request of a check and what its answer must be.
type cfCase struct {
	check string
	name  string
	req   cfRequest
	// verify returns what is wrong with the answer, nothing when it
	// conforms.
	verify func(a *cfAnswer) []string
}

// checkServer runs every check against one server.
func (r *cfRun) checkServer(ctx context.Context, s *cfServer) []Result {
	var results []Result
	results = append(results, r.helpIndex(ctx, s)...)
	results = append(results, r.unknownPath(ctx, s)...)
	if r.target.Mutating {
		results = append(results, r.scenarios(ctx, s)...)
	}
	if r.selected == nil {
		results = append(results, r.agreements(ctx, s)...)
	}
	// Operations of one single-flight group run one after the other in
	// one task; the others each in a task of their own.
	var tasks [][]int
	groups := map[string]int{}
	for i, op := range r.api.Ops {
		if r.selected != nil && !r.selected[opName(op)] {
			continue
		}
		if g := op.SingleFlight; g != "" {
			if t, ok := groups[g]; ok {
				tasks[t] = append(tasks[t], i)
				continue
			}
			groups[g] = len(tasks)
		}
		tasks = append(tasks, []int{i})
	}
	perOp := make([][]Result, len(r.api.Ops))
	parallel := r.target.Parallel
	if parallel <= 0 {
		parallel = 4
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for _, i := range t {
				perOp[i] = r.checkOp(ctx, s, r.api.Ops[i])
			}
		}()
	}
	wg.Wait()
	for _, res := range perOp {
		results = append(results, res...)
	}
	return results
}

// opName is how reports name an operation.
func opName(op *cfOp) string { return op.Method + " " + op.Path }

// execute sends each case and turns the answers into results; it also
// returns the not_a_server_error result over them.
func (r *cfRun) execute(ctx context.Context, s *cfServer, op *cfOp, cases []cfCase) []Result {
	var out []Result
	sent, bad := 0, []string{}
	for _, c := range cases {
		res := Result{Check: c.check, Server: s.addr, Operation: opName(op), Case: c.name, Outcome: Pass}
		ans, err := r.send(ctx, c.req, s.addr)
		sent++
		if err == nil && r.saysUnimplemented(op, c, ans) {
			r.markUnimplemented(s.addr, opName(op))
		}
		if err != nil {
			res.Outcome, res.Message = Fail, "no answer: "+err.Error()
			bad = append(bad, fmt.Sprintf("%s: no answer: %v", c.name, err))
		} else {
			if ans.Status >= 500 && r.response(op, ans.Status) == nil {
				bad = append(bad, fmt.Sprintf("%s: undocumented %d", c.name, ans.Status))
			}
			if problems := c.verify(ans); len(problems) > 0 {
				res.Outcome, res.Message = Fail, strings.Join(problems, "; ")
			}
		}
		if res.Outcome == Fail {
			res.Request, res.Curl = cfRequestLine(c.req), cfCurl(c.req, s.addr)
		}
		out = append(out, res)
	}
	if sent > 0 {
		res := Result{Check: CheckServerError, Server: s.addr, Operation: opName(op), Case: fmt.Sprintf("%d requests", sent), Outcome: Pass}
		if len(bad) > 0 {
			res.Outcome, res.Message = Fail, strings.Join(bad, "; ")
		}
		out = append(out, res)
	}
	return out
}

// response is the documented response of a status, or nil.
func (r *cfRun) response(op *cfOp, status int) *cfResponse {
	for _, resp := range op.Responses {
		if resp.Status == status {
			return resp
		}
	}
	return nil
}

// guarded reports whether a's answer is a guard of op that is off on this
// server: the operation is then checked no further.
func (r *cfRun) guarded(op *cfOp, a *cfAnswer) (string, bool) {
	for _, g := range r.api.Guards {
		if g.Name == op.Guard && a.Status == g.Status && string(a.Body) == g.Body {
			return g.Name, true
		}
	}
	return "", false
}

// expectError is a verify function for an error answer of op: the status
// and the exact body in the operation's error format.
func (r *cfRun) expectError(op *cfOp, status int, msg string, asText bool) func(*cfAnswer) []string {
	want := msg
	if op.JSONErrors && !asText {
		want = "{\n    \"error_message\": " + cfQuote(msg) + "\n}"
	}
	return func(a *cfAnswer) []string {
		var p []string
		if a.Status != status {
			p = append(p, fmt.Sprintf("status %d, want %d", a.Status, status))
		}
		if string(a.Body) != want {
			p = append(p, fmt.Sprintf("body %q, want %q", cfClip(a.Body), want))
		}
		// Answers of the transport (not documented per operation) are
		// text/plain like every other.
		ct := "text/plain"
		if resp := r.response(op, status); resp != nil {
			ct = resp.ContentType
		}
		p = append(p, cfContentType(a, ct)...)
		return p
	}
}

// cfQuote quotes s as rapidjson does. It repeats gen/runtime's quoting on
// purpose: each bundle is copied into its own package and cannot import
// the other, and the suite must not trust the code it checks.
func cfQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04X`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// cfClip shortens a body for a message.
func cfClip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
