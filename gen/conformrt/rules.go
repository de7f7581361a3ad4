package conformrt

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
)

// cfRuleCtx is what an operation's rules see besides the body: the
// request's arguments (a flag is "") and the server asked.
type cfRuleCtx struct {
	args map[string]any
	node string
	role string
}

// cfQueryArgs are a query's arguments as rules see them: %-decoded (a + is a +, as the servers read it), a bare
// key (a flag) as "", the first of a repeated key.
func cfQueryArgs(q string) map[string]any {
	m := map[string]any{}
	for _, a := range cfDecode(q) {
		k, err := url.PathUnescape(a.k)
		if err != nil {
			k = a.k
		}
		v, err := url.PathUnescape(a.v)
		if err != nil {
			v = a.v
		}
		if _, seen := m[k]; !seen {
			m[k] = v
		}
	}
	return m
}

// evalRule runs rule i with e, and says what is wrong: nothing when the
// rule holds.
func (api *cfAPI) evalRule(i int, e *cfEval, path string, n *cfNode) string {
	if i < 0 || i >= len(api.funcs) {
		return ""
	}
	r := api.Rules[i]
	ok := api.funcs[i](e)
	found := strings.Join(e.seen, ", ")
	if found == "" {
		found = cfShow(n)
	}
	switch {
	case e.err != nil:
		return fmt.Sprintf("%s: rule of %s %q: %s could not be evaluated: %v; found %s", path, r.Where, r.Message, r.Source, e.err, found)
	case !ok:
		return fmt.Sprintf("%s: rule of %s broken: %s (%s); found %s", path, r.Where, r.Message, r.Source, found)
	}
	return ""
}

// cfShow is a value as compact JSON, clipped, for a failure's message.
func cfShow(n *cfNode) string {
	if n == nil {
		return "nothing"
	}
	var b bytes.Buffer
	cfRenderNode(&b, n, "", 0, false)
	s := b.String()
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

// rules checks the rules of a schema or field on the value n at path.
func (v *cfValidator) rules(path string, n *cfNode, rules []int) {
	if len(rules) == 0 || v.api.funcs == nil {
		return
	}
	self := cfValue(n)
	for _, i := range rules {
		e := &cfEval{Self: self}
		if v.ctx != nil {
			e.Args, e.Node, e.Role = v.ctx.args, v.ctx.node, v.ctx.role
		}
		if msg := v.api.evalRule(i, e, path, n); msg != "" {
			v.errs = append(v.errs, msg)
		}
	}
}

// opRules checks an operation's rules on its 200 body.
func (r *cfRun) opRules(resp *cfResponse, n *cfNode, ctx *cfRuleCtx) []string {
	if len(resp.Rules) == 0 || ctx == nil {
		return nil
	}
	v := &cfValidator{api: r.api, ctx: ctx}
	v.rules("$", n, resp.Rules)
	if len(v.errs) > 0 {
		v.errs[0] += fmt.Sprintf(" (arguments %s, node %s)", cfShowArgs(ctx.args), ctx.node)
	}
	return v.errs
}

// cfShowArgs lists arguments for a failure's message.
func cfShowArgs(args map[string]any) string {
	var parts []string
	for _, a := range cfKeys(nil, args) {
		parts = append(parts, fmt.Sprintf("%s=%q", a, args[a.(string)]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// agreements checks the agreements on one server: each reads its
// operations' 200 bodies, asked without arguments (once per operation).
func (r *cfRun) agreements(ctx context.Context, s *cfServer) []Result {
	var results []Result
	// What each operation read answered, asked once per server: its body,
	// or why there is none (a problem, or an operation not implemented),
	// which every agreement reading it then reports too.
	type read struct {
		n              *cfNode
		problem, unimp string
	}
	reads := map[string]read{}
	for _, ag := range r.api.Agreements {
		res := Result{Check: CheckAgreement, Server: s.addr, Operation: "agreement " + ag.Name, Case: strings.Join(ag.Reads, ", "), Outcome: Pass}
		if why := r.agreementSkipped(ag, s); why != "" {
			res.Outcome, res.Message = Skip, why
			results = append(results, res)
			continue
		}
		e := &cfEval{Node: s.addr, Role: r.api.Role, Reads: map[string]any{}}
		var problem, curl, unimpl string
		for i, id := range ag.Reads {
			q := cfRequest{Method: "GET", Path: ag.Paths[i]}
			got, ok := reads[id]
			if !ok {
				a, err := r.send(ctx, q, s.addr)
				switch {
				case err != nil:
					got.problem = fmt.Sprintf("%s: no answer: %v", id, err)
				case a.Unimplemented || cfUnregistered(ag.Paths[i], a):
					got.unimp = id
				case a.Status != 200:
					got.problem = fmt.Sprintf("%s answered %d, not 200: the agreement cannot be checked", id, a.Status)
				default:
					if got.n, err = cfParse(a.Body); err != nil {
						got.problem = fmt.Sprintf("%s: the body is not JSON: %v", id, err)
					}
				}
				reads[id] = got
			}
			curl += cfCurl(q, s.addr) + "\n"
			problem, unimpl = got.problem, got.unimp
			if problem != "" || unimpl != "" {
				break
			}
			e.Reads[id] = cfValue(got.n)
		}
		if unimpl != "" && !r.target.RequireComplete {
			// A server that does not implement what the agreement reads
			// is named by the implemented check; nothing to agree on.
			res.Outcome, res.Message = Skip, "it reads "+unimpl+", which the server does not implement"
			results = append(results, res)
			continue
		}
		if unimpl != "" {
			problem = unimpl + " is not implemented, and the target requires every operation"
		}
		if problem == "" {
			problem = r.api.evalRule(ag.Rule, e, "$", nil)
		}
		if problem != "" {
			res.Outcome, res.Message, res.Curl = Fail, problem, strings.TrimSuffix(curl, "\n")
		}
		results = append(results, res)
	}
	return results
}

// agreementSkipped says why an agreement is not checked on s, or "": a
// backup redirects what it reads, or a read's feature is off.
func (r *cfRun) agreementSkipped(ag *cfAgreement, s *cfServer) string {
	if ag.Redirects && !s.primary {
		return "a backup redirects what the agreement reads: checked on the primary"
	}
	for _, op := range r.api.Ops {
		for _, p := range ag.Paths {
			if op.Path == p && op.Method == "GET" && op.Feature != "" && !r.features[op.Feature] {
				return "it reads " + p + ", whose feature " + op.Feature + " is off"
			}
		}
	}
	return ""
}
