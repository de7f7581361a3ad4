package conformrt

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// cfVarRE is a {name} variable of a scenario text; the braces of JSON are
// not variables.
var cfVarRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// scenarios runs the stateful checks on one server, one after the other,
// before anything else reads the state. A scenario whose operations
// redirect runs on the primary only.
func (r *cfRun) scenarios(ctx context.Context, s *cfServer) []Result {
	var out []Result
	for _, sc := range r.api.Scenarios {
		res := Result{Check: CheckStateful, Server: s.addr, Operation: "scenario " + sc.Name, Case: sc.Description, Outcome: Pass}
		if !s.primary && r.redirects(sc) {
			res.Outcome, res.Message = Skip, "runs on the primary"
			out = append(out, res)
			continue
		}
		if op := r.unselected(sc); op != "" {
			res.Outcome, res.Message = Skip, "needs "+op+", which the run does not check"
			out = append(out, res)
			continue
		}
		vars := map[string]string{}
		for k, v := range r.vars {
			vars[k] = v
		}
		var problems []string
		curl := ""
		wrote := false // a step that may change the server was sent
		for i, st := range sc.Steps {
			if op := r.byName[st.Op]; op != nil && op.Mutates {
				wrote = true
			}
			if p, c := r.step(ctx, s, st, vars); len(p) > 0 {
				problems = append(problems, fmt.Sprintf("step %d (%s): %s", i+1, st.Op, strings.Join(p, "; ")))
				curl = c
				break
			}
		}
		// Put back what the steps changed, even after a failure; but never
		// when nothing was written, nor with a value that was not saved.
		for i, st := range sc.Restore {
			if !wrote {
				break
			}
			if missing := cfUnresolved(st, vars); missing != "" {
				problems = append(problems, fmt.Sprintf("restore %d (%s) not sent: {%s} was never saved", i+1, st.Op, missing))
				continue
			}
			if p, c := r.step(ctx, s, st, vars); len(p) > 0 {
				problems = append(problems, fmt.Sprintf("restore %d (%s): %s", i+1, st.Op, strings.Join(p, "; ")))
				if curl == "" {
					curl = c
				}
			}
		}
		if len(problems) > 0 {
			res.Outcome, res.Message, res.Curl = Fail, strings.Join(problems, "; "), curl
		}
		if op := r.unimplementedStep(s, sc); op != "" && !r.target.RequireComplete {
			res.Outcome, res.Message, res.Curl = Skip, "needs "+op+", which is not implemented", ""
		}
		out = append(out, res)
	}
	return out
}

// cfUnresolved is a variable st uses that has no value, or "".
func cfUnresolved(st *cfStep, vars map[string]string) string {
	for _, t := range []string{st.Query, st.Body} {
		for _, m := range cfVarRE.FindAllStringSubmatch(t, -1) {
			if _, ok := vars[m[1]]; !ok {
				return m[1]
			}
		}
	}
	return ""
}

// unselected is an operation sc needs that the run was told not to check,
// or "".
func (r *cfRun) unselected(sc *cfScenario) string {
	if r.selected == nil {
		return ""
	}
	for _, st := range append(append([]*cfStep(nil), sc.Steps...), sc.Restore...) {
		if op := r.byName[st.Op]; op != nil && !r.selected[opName(op)] {
			return opName(op)
		}
	}
	return ""
}

// unimplementedStep is an operation of sc that answered as not
// implemented, or "".
func (r *cfRun) unimplementedStep(s *cfServer, sc *cfScenario) string {
	for _, st := range append(append([]*cfStep(nil), sc.Steps...), sc.Restore...) {
		if op := r.byName[st.Op]; op != nil && r.isUnimplemented(s.addr, opName(op)) {
			return opName(op)
		}
	}
	return ""
}

// redirects reports whether any step of sc uses a redirecting operation.
func (r *cfRun) redirects(sc *cfScenario) bool {
	for _, st := range append(append([]*cfStep(nil), sc.Steps...), sc.Restore...) {
		if op := r.byName[st.Op]; op != nil && op.Redirect != cfNoRedirect {
			return true
		}
	}
	return false
}

// step sends one step and checks and saves what it says.
func (r *cfRun) step(ctx context.Context, s *cfServer, st *cfStep, vars map[string]string) ([]string, string) {
	op := r.byName[st.Op]
	if op == nil {
		return []string{"the role has no operation " + st.Op}, ""
	}
	fill := func(t string) string {
		return cfVarRE.ReplaceAllStringFunc(t, func(m string) string {
			if v, ok := vars[m[1:len(m)-1]]; ok {
				return v
			}
			return m
		})
	}
	q := request(op, cfDecode(fill(st.Query)), fill(st.Body))
	curl := cfCurl(q, s.addr)
	a, err := r.send(ctx, q, s.addr)
	if err != nil {
		return []string{"no answer: " + err.Error()}, curl
	}
	if r.saysUnimplemented(op, cfCase{check: CheckPositive, req: q}, a) {
		r.markUnimplemented(s.addr, opName(op))
		return []string{opName(op) + " is not implemented"}, curl
	}
	if a.Status != st.Status {
		return []string{fmt.Sprintf("status %d, want %d; body %q", a.Status, st.Status, cfClip(a.Body))}, curl
	}
	p := append(r.validate(op, a), cfTextChecks(st, a.Body, fill)...)
	if len(st.Expect)+len(st.Differs)+len(st.Present)+len(st.Save) == 0 {
		return p, curl // a text answer, or only its status and validity
	}
	n, err := cfParse(a.Body)
	if err != nil {
		return append(p, "the body is not JSON: "+err.Error()), curl
	}
	for _, e := range st.Expect {
		want := fill(e[1])
		if f := n.pointer(e[0]); f == nil {
			p = append(p, fmt.Sprintf("%s is missing, want %q", e[0], want))
		} else if f.text() != want {
			p = append(p, fmt.Sprintf("%s is %q, want %q", e[0], f.text(), want))
		}
	}
	for _, d := range st.Differs {
		if f := n.pointer(d[0]); f == nil {
			p = append(p, fmt.Sprintf("%s is missing", d[0]))
		} else if f.text() == fill(d[1]) {
			p = append(p, fmt.Sprintf("%s is still %q", d[0], f.text()))
		}
	}
	for _, f := range st.Present {
		if n.pointer(f) == nil {
			p = append(p, fmt.Sprintf("%s is missing", f))
		}
	}
	for _, sv := range st.Save {
		switch f := n.pointer(sv.Field); {
		case f != nil:
			vars[sv.Var] = f.text()
		case sv.HasDefault:
			vars[sv.Var] = sv.Default
		default:
			p = append(p, fmt.Sprintf("%s is missing (saving it as {%s})", sv.Field, sv.Var))
		}
	}
	return p, curl
}

// cfTextChecks checks a step's text answer: the whole body (text), texts it
// holds (contains) and a pattern it matches (matches), each after its
// {var} are filled; a variable's value is matched literally.
func cfTextChecks(st *cfStep, body []byte, fill func(string) string) []string {
	var p []string
	if st.Text != nil {
		if want := fill(*st.Text); string(body) != want {
			p = append(p, fmt.Sprintf("body %q, want %q", cfClip(body), want))
		}
	}
	for _, c := range st.Contains {
		if want := fill(c); !strings.Contains(string(body), want) {
			p = append(p, fmt.Sprintf("body %q does not contain %q", cfClip(body), want))
		}
	}
	if st.Matches == "" {
		return p
	}
	pattern := cfVarRE.ReplaceAllStringFunc(st.Matches, func(m string) string {
		if v := fill(m); v != m {
			return regexp.QuoteMeta(v)
		}
		return m
	})
	re, err := regexp.Compile(pattern)
	switch {
	case err != nil:
		p = append(p, fmt.Sprintf("matches %q is not a regular expression: %v", pattern, err))
	case !re.Match(body):
		p = append(p, fmt.Sprintf("body %q does not match %s", cfClip(body), pattern))
	}
	return p
}
