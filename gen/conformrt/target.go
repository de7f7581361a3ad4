package conformrt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
}

// The checks, as reports name them.
const (
	CheckHelpIndex   = "help_index"
	CheckPositive    = "positive"
	CheckNegative    = "negative"
	CheckPaths       = "paths"
	CheckRedirect    = "redirect"
	CheckStateful    = "stateful"
	CheckServerError = "not_a_server_error"
)

// Checks lists the checks in the order reports show them.
var Checks = []string{CheckHelpIndex, CheckPositive, CheckNegative, CheckPaths, CheckRedirect, CheckStateful, CheckServerError}

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
	// Curl reproduces the request that failed.
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
}

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
	addrs := append([]string(nil), target.Addrs...)
	if len(addrs) == 0 {
		if target.Handler == nil {
			return nil, errors.New("conform: the target has neither addresses nor a handler")
		}
		srv := httptest.NewServer(target.Handler)
		defer srv.Close()
		addrs = []string{strings.TrimPrefix(srv.URL, "http://")}
	}
	r := newCfRun(api, target)
	if target.Client == nil {
		// Leave no connection behind: a server's graceful shutdown waits
		// seconds for connections that never carried a request.
		defer r.client.CloseIdleConnections()
	}
	for _, a := range addrs {
		if _, err := r.send(ctx, cfRequest{Method: "GET", Path: "/"}, a); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnreachable, a, err)
		}
	}
	rep := &Report{Role: api.Role, Servers: addrs, Mutating: target.Mutating}
	servers, err := r.discover(ctx, addrs)
	if err != nil {
		return nil, err
	}
	for _, s := range servers {
		if rep.Primary == "" && s.leader != "" && api.Primary != nil {
			rep.Primary = s.leader
		}
	}
	if api.Primary != nil && rep.Primary == "" {
		// Without the primary's address no Location can be checked.
		var notes []string
		for _, s := range servers {
			if s.note != "" {
				notes = append(notes, s.addr+": "+s.note)
			}
		}
		rep.Results = append(rep.Results, Result{Check: CheckRedirect, Operation: "GET " + api.Primary.Path, Case: "find the primary", Outcome: Fail,
			Message: "no server names the primary in " + api.Primary.Field + " " + strings.Join(notes, "; ")})
	}
	for _, s := range servers {
		rep.Results = append(rep.Results, r.checkServer(ctx, s)...)
	}
	rep.Duration = time.Since(start)
	return rep, nil
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
		name := res.Check + "/" + res.Server
		if res.Operation != "" {
			name += "/" + res.Operation
		}
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
			skipped := 0
			for _, res := range g.results {
				switch res.Outcome {
				case Fail:
					t.Errorf("%s: %s\n\t%s", res.Case, res.Message, res.Curl)
				case Skip:
					skipped++
					t.Logf("skipped %s: %s", res.Case, res.Message)
				}
			}
			if skipped == len(g.results) {
				t.SkipNow()
			}
		})
	}
	return rep
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
