// Package conformcmd runs the generated conformance suites of both roles
// against one cluster: what cmd/pegasus-conform and the demo share. It
// finds the ReplicaServers through the MetaServers with the generated
// typed client, runs the two suites side by side, and writes their
// reports as a summary, JUnit XML or JSON.
package conformcmd

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/generated/replicaconform"
)

// Options says what to check and how.
type Options struct {
	// Meta are the MetaServers, Replica the ReplicaServers; an empty
	// Replica is filled from the MetaServers' /meta/nodes (alive nodes).
	Meta, Replica []string
	Mutating      bool
	Features      map[string]bool
	Vars          map[string]string
	Timeout       time.Duration
	Parallel      int
	// Operations limits the run to these operations (as the reports, by
	// path or by Go name); each name must belong to at least one role.
	Operations []string
	// RequireComplete fails operations a server does not implement.
	RequireComplete bool
	// DefaultState: the cluster holds the state the spec's examples
	// describe, so each example's status and named body are held exactly.
	DefaultState bool
}

// Result holds the reports of both roles; a role not checked is nil.
type Result struct {
	Meta     *metaconform.Report
	Replica  *replicaconform.Report
	Duration time.Duration
	// NotAlive are the nodes /meta/nodes lists as not alive, with their
	// status: not checked, and said so.
	NotAlive []string
	// Errors are what stopped the run before any check (exit 2): each
	// server that could not be reached, or the usage error. The reports
	// show each as a failed test case, so CI shows a failure rather than
	// a missing report.
	Errors []RunError
}

// RunError is one reason a run could not check anything.
type RunError struct {
	// Kind is "unreachable" or "usage".
	Kind string `json:"kind"`
	// Server is the server that did not answer, for Kind unreachable.
	Server  string `json:"server,omitempty"`
	Message string `json:"message"`
}

// Unchecked is the Result of a run of o that Run refused with err: one
// RunError per server the error names as not answering (the MetaServers
// given, when none of them could list the ReplicaServers), else one for
// the whole error.
func Unchecked(o Options, err error) *Result {
	kind := "usage"
	if errors.Is(err, metaconform.ErrUnreachable) || errors.Is(err, replicaconform.ErrUnreachable) {
		kind = "unreachable"
	}
	res := &Result{}
	if kind == "unreachable" {
		// Each line is "server unreachable: host:port: why", or a line of
		// the servers of the same role joined after the first.
		for _, line := range strings.Split(err.Error(), "\n") {
			rest := strings.TrimPrefix(line, metaconform.ErrUnreachable.Error()+": ")
			addr, msg, ok := strings.Cut(rest, ": ")
			if _, _, perr := net.SplitHostPort(addr); ok && perr == nil {
				res.Errors = append(res.Errors, RunError{Kind: kind, Server: addr, Message: msg})
			}
		}
	}
	if len(res.Errors) == 0 && kind == "unreachable" {
		for _, a := range o.Meta {
			res.Errors = append(res.Errors, RunError{Kind: kind, Server: a, Message: err.Error()})
		}
	}
	if len(res.Errors) == 0 {
		res.Errors = []RunError{{Kind: kind, Message: err.Error()}}
	}
	return res
}

// ErrUsage is an Options that cannot be run.
var ErrUsage = errors.New("usage")

// Run checks the cluster. The error is for a cluster that cannot be
// checked at all: nothing to check, or a server that does not answer
// (wrapping metaconform.ErrUnreachable or replicaconform.ErrUnreachable).
func Run(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	if len(o.Meta) == 0 && len(o.Replica) == 0 {
		return nil, fmt.Errorf("%w: give -meta (and optionally -replica)", ErrUsage)
	}
	metaOps, replicaOps, err := splitOperations(o.Operations)
	if err != nil {
		return nil, err
	}
	if err := knownNames(o); err != nil {
		return nil, err
	}
	replicas := o.Replica
	res := &Result{}
	if len(replicas) == 0 && replicaOps.check && len(o.Meta) > 0 {
		var err error
		if replicas, res.NotAlive, err = discover(ctx, o.Meta, o.Timeout); err != nil {
			return nil, err
		}
	}
	var wg sync.WaitGroup
	var merr, rerr error
	if len(o.Meta) > 0 && metaOps.check {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.Meta, merr = metaconform.Check(ctx, metaconform.Target{Addrs: o.Meta, Mutating: o.Mutating, Features: o.Features, Vars: o.Vars, Timeout: o.Timeout, Parallel: o.Parallel,
				Operations: metaOps.ops, RequireComplete: o.RequireComplete, DefaultState: o.DefaultState})
		}()
	}
	if len(replicas) > 0 && replicaOps.check {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res.Replica, rerr = replicaconform.Check(ctx, replicaconform.Target{Addrs: replicas, Mutating: o.Mutating, Features: o.Features, Vars: o.Vars, Timeout: o.Timeout, Parallel: o.Parallel,
				Operations: replicaOps.ops, RequireComplete: o.RequireComplete, DefaultState: o.DefaultState})
		}()
	}
	wg.Wait()
	if err := errors.Join(merr, rerr); err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// splitOperations hands each role the names of its own operations. A role
// none of the names belongs to is not checked at all: -ops /meta/app is
// about the MetaServers only.
func splitOperations(names []string) (meta, replica roleOps, err error) {
	if len(names) == 0 {
		return roleOps{check: true}, roleOps{check: true}, nil // every operation of both roles
	}
	var unknown []string
	for _, n := range names {
		m, r := metaconform.HasOperation(n), replicaconform.HasOperation(n)
		if m {
			meta.check, meta.ops = true, append(meta.ops, n)
		}
		if r {
			replica.check, replica.ops = true, append(replica.ops, n)
		}
		if !m && !r {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return meta, replica, fmt.Errorf("%w: -ops: no operation %q; the MetaServer's: %s; the ReplicaServer's: %s", ErrUsage,
			unknown, strings.Join(metaconform.Operations(), ", "), strings.Join(replicaconform.Operations(), ", "))
	}
	return meta, replica, nil
}

// roleOps is what -ops leaves of one role: whether to check it at all,
// and the operations to check (none named: all).
type roleOps struct {
	check bool
	ops   []string
}

// listed says what /meta/nodes listed besides alive nodes: a status the
// spec does not know shows up here rather than nowhere.
func listed(down []string) string {
	if len(down) == 0 {
		return "it lists no node"
	}
	return "it lists " + strings.Join(down, ", ")
}

// knownNames refuses a -features or -var name neither role has: a typo
// there would quietly check the wrong set of operations or values.
func knownNames(o Options) error {
	feats := append(metaconform.Features(), replicaconform.Features()...)
	vars := append(metaconform.Vars(), replicaconform.Vars()...)
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(o.Features)) {
		if !slices.Contains(feats, name) {
			problems = append(problems, fmt.Sprintf("-features: no feature %q (the features: %s)", name, strings.Join(unique(feats), ", ")))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(o.Vars)) {
		if !slices.Contains(vars, name) {
			problems = append(problems, fmt.Sprintf("-var: no variable %q (the variables: %s)", name, strings.Join(unique(vars), ", ")))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrUsage, strings.Join(problems, "; "))
	}
	return nil
}

// unique is a sorted list without repeats.
func unique(in []string) []string {
	out := slices.Clone(in)
	sort.Strings(out)
	return slices.Compact(out)
}

// discover asks the MetaServers (through the generated client, which
// follows a backup's 307) for the alive ReplicaServers, and names the
// nodes /meta/nodes lists as not alive, which the run reports as not
// checked.
func discover(ctx context.Context, metas []string, timeout time.Duration) (alive, down []string, err error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	c, err := meta.NewClient(metas, meta.WithTimeout(timeout))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: -meta: %v", ErrUsage, err)
	}
	nodes, err := c.ListMetaNodes(ctx, &meta.ListMetaNodesRequest{})
	var se *meta.StatusError
	if errors.As(err, &se) {
		// A MetaServer that answers but has no /meta/nodes (a partial
		// server) is reachable: the way on is to name the replicas.
		return nil, nil, fmt.Errorf("%w: the MetaServers cannot list the ReplicaServers (GET /meta/nodes answered %d %q): give them with -replica host:port,…",
			ErrUsage, se.Status, strings.TrimSpace(string(se.Body)))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: finding the ReplicaServers from /meta/nodes: %v", metaconform.ErrUnreachable, err)
	}
	for _, n := range nodes.Details {
		if n.Status == meta.MetaNodeDetailStatusALIVE {
			alive = append(alive, n.Address)
		} else {
			down = append(down, n.Address+" ("+string(n.Status)+")")
		}
	}
	sort.Strings(alive)
	sort.Strings(down)
	if len(alive) == 0 {
		// Checking only the MetaServers and passing would hide that no
		// ReplicaServer was checked at all.
		return nil, nil, fmt.Errorf("%w: /meta/nodes lists no alive ReplicaServer (%s); give -replica", ErrUsage, listed(down))
	}
	return alive, down, nil
}

// Failed reports whether any case of either role failed.
func (r *Result) Failed() bool {
	return len(r.Errors) > 0 || r.Meta != nil && r.Meta.Failed() || r.Replica != nil && r.Replica.Failed()
}

// WriteSummary writes each role's table and failures, then one line of
// totals.
func (r *Result) WriteSummary(w io.Writer) error {
	pass, fail, skip := 0, 0, 0
	if r.Meta != nil {
		if err := r.Meta.WriteSummary(w); err != nil {
			return err
		}
		fmt.Fprintln(w)
		pass, fail, skip = pass+r.Meta.Count(metaconform.Pass), fail+r.Meta.Count(metaconform.Fail), skip+r.Meta.Count(metaconform.Skip)
	}
	if r.Replica != nil {
		if err := r.Replica.WriteSummary(w); err != nil {
			return err
		}
		fmt.Fprintln(w)
		pass, fail, skip = pass+r.Replica.Count(replicaconform.Pass), fail+r.Replica.Count(replicaconform.Fail), skip+r.Replica.Count(replicaconform.Skip)
	}
	if len(r.NotAlive) > 0 {
		fmt.Fprintf(w, "not checked: ReplicaServers /meta/nodes lists as not alive: %s\n\n", strings.Join(r.NotAlive, ", "))
	}
	verdict := "PASS"
	if fail > 0 {
		verdict = "FAIL"
	}
	_, err := fmt.Fprintf(w, "%s: %d cases, %d passed, %d failed, %d skipped in %s\n", verdict, pass+fail+skip, pass, fail, skip, r.Duration.Round(time.Millisecond))
	return err
}

// WriteJUnit writes both roles' checks as one JUnit XML document. The two
// roles' suite types are distinct Go types, so they are collected as values
// for encoding/xml rather than passed to one role's writer.
func (r *Result) WriteJUnit(w io.Writer) error {
	var suites []any
	if r.Meta != nil {
		for _, s := range r.Meta.JUnitSuites() {
			suites = append(suites, s)
		}
	}
	if r.Replica != nil {
		for _, s := range r.Replica.JUnitSuites() {
			suites = append(suites, s)
		}
	}
	if len(r.Errors) > 0 {
		suites = append(suites, r.errorSuite())
	}
	doc := struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []any
	}{Suites: suites}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// errorSuite is the run's Errors as a JUnit suite of failed cases, one per
// server not reached (named by its address) or one for a usage error.
func (r *Result) errorSuite() metaconform.JUnitSuite {
	s := metaconform.JUnitSuite{Name: "pegasus-conform"}
	for _, e := range r.Errors {
		name := e.Kind
		if e.Server != "" {
			name += " " + e.Server
		}
		s.Cases = append(s.Cases, metaconform.JUnitCase{Name: name, ClassName: "pegasus-conform." + e.Kind,
			Failure: &metaconform.JUnitFailure{Message: e.Message, Text: e.Message}})
		s.Tests++
		s.Failures++
	}
	return s
}

// WriteJSON writes both reports as one JSON object keyed by role.
func (r *Result) WriteJSON(w io.Writer) error {
	out := map[string]any{"duration_ns": r.Duration, "failed": r.Failed()}
	if len(r.NotAlive) > 0 {
		out["not_alive"] = r.NotAlive
	}
	if len(r.Errors) > 0 {
		out["errors"] = r.Errors
	}
	if r.Meta != nil {
		out["meta"] = r.Meta
	}
	if r.Replica != nil {
		out["replica"] = r.Replica
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
