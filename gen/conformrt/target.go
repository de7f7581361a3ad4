package conformrt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// Target is what a suite checks: the servers of one role, by address or
// in process.
type Target struct {
	// Addrs are host:port of every server of the role to check.
	Addrs []string
	// Handler, when Addrs is empty, is one server run in process (on a
	// loopback listener for the duration of the check).
	Handler http.Handler
	// Mutating allows the checks that change the servers' state: requests
	// to operations that write, and the stateful scenarios. Off, a run
	// never changes a cluster.
	Mutating bool
	// Features overrides which optional operations the servers are
	// expected to have; unset features take the spec's default.
	Features map[string]bool
	// Vars overrides the scenarios' variables (the table they use…).
	Vars map[string]string
	// Client sends the requests; nil uses a client with Timeout. The suite
	// never follows redirects, whatever the client's policy.
	Client *http.Client
	// Timeout bounds each request (0: 10s).
	Timeout time.Duration
	// Parallel is how many requests are in flight at once per server (0: 4).
	Parallel int
	// Operations limits the run to these operations, each named as the
	// reports name it ("GET /meta/app"), by its path ("/meta/app") or by
	// its Go name ("GetMetaApp"); empty checks all. The help index, the
	// unknown-path check and discovery of the primary still run.
	Operations []string
	// RequireComplete makes an operation the server does not implement a
	// failure rather than a skip, for a server that claims to be complete.
	// In process, not implemented is what the handler left to the embedded
	// Unimplemented type; on the wire, a valid request to the operation's
	// path answered with the 404 of a path nobody registered.
	RequireComplete bool
	// DefaultState says the servers hold the state the spec's examples
	// describe (the reference onebox's default: its tables, flags and
	// metrics). Then each request example must get its status, and its
	// body where the spec names the answer, exactly. Otherwise (a live
	// cluster, a server under test with data of its own) only what does
	// not depend on the state is held: an example the spec answers 400
	// gets that 400, and no other example gets a 400 (its arguments are
	// valid whatever the tables), while 200 and 404 may change places
	// with the tables a cluster has.
	DefaultState bool
}

// The checks, as reports name them.
const (
	CheckImplemented = "implemented"
	CheckHelpIndex   = "help_index"
	CheckPositive    = "positive"
	CheckNegative    = "negative"
	CheckPaths       = "paths"
	CheckRedirect    = "redirect"
	CheckStateful    = "stateful"
	CheckServerError = "not_a_server_error"
	CheckAgreement   = "agreement"
)

// Checks lists the checks in the order reports show them.
var Checks = []string{CheckImplemented, CheckHelpIndex, CheckPositive, CheckNegative, CheckPaths, CheckRedirect, CheckStateful, CheckServerError, CheckAgreement}

// Outcome is how one case ended.
type Outcome string

// The outcomes.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Skip Outcome = "skip"
)

// Result is one case of one check against one server.
type Result struct {
	Check     string  `json:"check"`
	Server    string  `json:"server"`
	Operation string  `json:"operation"` // "GET /meta/app"; "" for checks of the whole server
	Case      string  `json:"case"`
	Outcome   Outcome `json:"outcome"`
	Message   string  `json:"message,omitempty"`
	// Request is the request that failed, as method, target and body.
	Request string `json:"request,omitempty"`
	// Curl reproduces the request that failed; only for a server that
	// outlives the run (never for a Handler target).
	Curl string `json:"curl,omitempty"`
}

// Report is the outcome of a whole run against one role.
type Report struct {
	Role     string        `json:"role"`
	Servers  []string      `json:"servers"`
	Primary  string        `json:"primary,omitempty"`
	Mutating bool          `json:"mutating"`
	Duration time.Duration `json:"duration_ns"`
	Results  []Result      `json:"results"`
	// NotImplemented names the operations the handler left to the
	// embedded Unimplemented type ("GET /meta/app"), in spec order.
	NotImplemented []string `json:"not_implemented,omitempty"`
	// Unreachable names the servers that did not answer; the others were
	// still checked.
	Unreachable []string `json:"unreachable,omitempty"`
}

// InProcess is the name reports give the server of a Handler target: its
// loopback address changes every run and is gone when the run ends.
const InProcess = "in-process"

// Failed reports whether any case failed.
func (r *Report) Failed() bool {
	for _, res := range r.Results {
		if res.Outcome == Fail {
			return true
		}
	}
	return false
}

// Count is how many cases ended with o.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// ErrUnreachable wraps a failure to get any answer from a server: the
// command exits 2 on it rather than reporting every check failed.
var ErrUnreachable = errors.New("server unreachable")

// cfCheck runs every check of api against target.
func cfCheck(ctx context.Context, api *cfAPI, target Target) (*Report, error) {
	start := time.Now()
	addrs, err := cfCleanAddrs(target.Addrs)
	if err != nil {
		return nil, err
	}
	r := newCfRun(api, target)
	if err := r.selectOps(target.Operations); err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		if target.Handler == nil {
			return nil, errors.New("conform: the target has neither addresses nor a handler")
		}
		srv := httptest.NewServer(cfNoting(target.Handler))
		defer srv.Close()
		addrs = []string{strings.TrimPrefix(srv.URL, "http://")}
		r.inProcess = true
	}
	if target.Client == nil {
		// Leave no connection behind: a server's graceful shutdown waits
		// seconds for connections that never carried a request.
		defer r.client.CloseIdleConnections()
	}
	rep := &Report{Role: api.Role, Mutating: target.Mutating}
	var live []string
	var down []cfDown
	var errs []error
	for _, a := range addrs {
		if _, err := r.send(ctx, cfRequest{Method: "GET", Path: "/"}, a); err != nil {
			down = append(down, cfDown{a, err})
			errs = append(errs, fmt.Errorf("%s: %s", a, cfErrText(err)))
			rep.Unreachable = append(rep.Unreachable, a)
			continue
		}
		live = append(live, a)
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, errors.Join(errs...))
	}
	rep.Servers = live
	servers, err := r.discover(ctx, live)
	if err != nil {
		return nil, err
	}
	for _, s := range servers {
		if rep.Primary == "" && s.leader != "" && api.Primary != nil {
			rep.Primary = s.leader
		}
	}
	rep.Results = append(rep.Results, cfUnreachableResults(down)...)
	if api.Primary != nil && rep.Primary == "" {
		rep.Results = append(rep.Results, r.noPrimary(servers))
	}
	for _, s := range servers {
		rep.Results = append(rep.Results, r.checkServer(ctx, s)...)
	}
	r.finish(rep)
	rep.Duration = time.Since(start)
	return rep, nil
}

// cfCleanAddrs accepts host:port or an http:// URL of a server (as a
// browser or curl line shows it), and drops blanks; any other scheme is
// refused, since the admin API is plain HTTP.
func cfCleanAddrs(in []string) ([]string, error) {
	var out []string
	for _, a := range in {
		a = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(a), "http://"), "/")
		if strings.Contains(a, "://") {
			return nil, fmt.Errorf("conform: %q: the admin API is plain HTTP; give host:port or http://host:port", a)
		}
		if a != "" {
			out = append(out, a)
		}
	}
	return out, nil
}

// cfUnreachableResults reports each server that did not answer as a failed
// case of its own, naming it, so that the others' results still count.
func cfUnreachableResults(down []cfDown) []Result {
	var out []Result
	for _, d := range down {
		out = append(out, Result{Check: CheckServerError, Server: d.addr, Operation: "GET /", Case: "the server answers", Outcome: Fail,
			Message: "no answer: " + cfErrText(d.err)})
	}
	return out
}

// cfErrText is a transport error without the URL the suite built (its
// opaque form prints oddly): what the network said.
func cfErrText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// cfDown is a server that did not answer GET /.
type cfDown struct {
	addr string
	err  error
}

// noPrimary is the redirect check's result when no server named the
// primary: a skip when the operation that names it is not implemented or
// not selected, else a failure.
func (r *cfRun) noPrimary(servers []*cfServer) Result {
	p := r.api.Primary
	res := Result{Check: CheckRedirect, Operation: "GET " + p.Path, Case: "find the primary", Outcome: Fail}
	if r.unimplementedAnywhere("GET " + p.Path) {
		res.Outcome = Skip
		res.Message = "the redirect check needs GET " + p.Path + " to find the primary, and it is not implemented"
		return res
	}
	var notes []string
	for _, s := range servers {
		if s.note != "" {
			notes = append(notes, s.addr+": "+s.note)
		}
	}
	res.Message = "no server names the primary in " + p.Field + " " + strings.Join(notes, "; ")
	return res
}

// finish names what the run could not check: operations not implemented
// (one result each, a skip or, when the target requires completeness, a
// failure) and, for a Handler target, the server by a stable name rather
// than a port that is gone when the run ends.
func (r *cfRun) finish(rep *Report) {
	for _, op := range r.api.Ops {
		if r.unimplementedAnywhere(opName(op)) {
			rep.NotImplemented = append(rep.NotImplemented, opName(op))
		}
	}
	if !r.inProcess {
		return
	}
	rep.Servers = []string{InProcess}
	if rep.Primary != "" {
		rep.Primary = InProcess
	}
	for i := range rep.Results {
		rep.Results[i].Server = InProcess
		rep.Results[i].Curl = ""
	}
}

// cfRunT runs the suite as subtests of t: one per check and operation, each
// failing with the cases that failed and a curl line for each.
func cfRunT(t *testing.T, api *cfAPI, target Target) *Report {
	t.Helper()
	rep, err := cfCheck(context.Background(), api, target)
	if err != nil {
		t.Fatalf("conformance of the %s role: %v", api.Role, err)
		return nil
	}
	type group struct {
		name    string
		results []Result
	}
	var groups []*group
	byName := map[string]*group{}
	for _, res := range rep.Results {
		name := cfSubtestName(rep, res)
		g := byName[name]
		if g == nil {
			g = &group{name: name}
			byName[name] = g
			groups = append(groups, g)
		}
		g.results = append(g.results, res)
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			// A helper all the way up: a failure is reported at the
			// caller's call of Run (the user's test), not in this file.
			t.Helper()
			skipped := 0
			for _, res := range g.results {
				switch res.Outcome {
				case Fail:
					t.Errorf("%s: %s%s", res.Case, res.Message, cfHowToRepeat(res))
				case Skip:
					skipped++
					t.Logf("skipped %s: %s", strings.TrimSuffix(res.Case, "."), res.Message)
				}
			}
			if skipped == len(g.results) {
				t.SkipNow()
			}
		})
	}
	return rep
}

// cfSubtestName is the subtest a result belongs to. Names stay the same
// from run to run: the server is named only when there are several, and
// those are addresses the caller gave.
func cfSubtestName(rep *Report, res Result) string {
	name := res.Check
	if len(rep.Servers) > 1 || len(rep.Unreachable) > 0 {
		name += "/" + res.Server
	}
	if res.Operation != "" {
		name += "/" + res.Operation
	}
	return name
}

// cfHowToRepeat is the line that repeats a failed request: a curl line
// for a server that outlives the run, else the request itself.
func cfHowToRepeat(res Result) string {
	switch {
	case res.Curl != "":
		return "\n\t" + res.Curl
	case res.Request != "":
		return "\n\trequest: " + res.Request
	}
	return ""
}

// cfTargetFromEnv reads a target from the environment, for running the
// suite under go test against a live cluster:
//
//	<env>=host:port,host:port    the servers (required), env as the generator named it
//	PEGASUS_CONFORM_MUTATING=1   allow changes
func cfTargetFromEnv(env string) (Target, bool) {
	v := os.Getenv(env)
	if v == "" {
		return Target{}, false
	}
	var t Target
	for _, a := range strings.Split(v, ",") {
		if a = strings.TrimSpace(a); a != "" {
			t.Addrs = append(t.Addrs, a)
		}
	}
	switch os.Getenv("PEGASUS_CONFORM_MUTATING") {
	case "1", "true", "yes":
		t.Mutating = true
	}
	return t, len(t.Addrs) > 0
}
