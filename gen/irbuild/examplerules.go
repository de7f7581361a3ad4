package irbuild

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// exampleRules judges every response example's value by the rules that
// apply to it, with cel-go, as the conformance suite judges a server's
// answer: an example that breaks its spec's own rule is a diagnostic at the
// example, not a suite that fails against the server the example describes.
// Schema rules apply wherever a value of their schema (or property) is;
// operation rules to the 200 body, args being the query of the request
// example that names this one with answer:.
func (b *builder) exampleRules() {
	for _, op := range b.api.Operations {
		for _, r := range op.Responses {
			for _, e := range r.Examples {
				if e.ValueJSON == "" || r.Body == nil || !r.Format.IsJSON() {
					continue
				}
				d := json.NewDecoder(strings.NewReader(e.ValueJSON))
				d.UseNumber()
				var v any
				if d.Decode(&v) != nil || !shaped(r.Body, v) {
					continue // a text answer of a JSON-or-text response, or a value the check stage reports
				}
				v = celValue(r.Body, v)
				j := &exampleJudge{b: b, pos: e.Pos, subj: fmt.Sprintf("%s: response %d: example %s", subject(op.Method, op.Path), r.Status, e.Name)}
				j.walk(r.Body, v)
				if r == op.OK() {
					j.operation(op, e, v)
				}
			}
		}
	}
}

// shaped reports whether v is a JSON value of t's shape (an object for an
// object schema, an array for an array), as rules are judged only there.
func shaped(t *ir.TypeRef, v any) bool {
	switch t.Kind {
	case ir.Struct, ir.Map, ir.OrderedMap:
		_, ok := v.(map[string]any)
		return ok
	case ir.Slice:
		_, ok := v.([]any)
		return ok
	}
	return true
}

// exampleJudge evaluates rules on the values of one example.
type exampleJudge struct {
	b    *builder
	pos  ir.Pos
	subj string
}

// walk applies the rules of t's schema (and its properties') to v and to
// every value within it.
func (j *exampleJudge) walk(t *ir.TypeRef, v any) {
	if t == nil || t.Wire == ir.Stringified {
		return
	}
	switch t.Kind {
	case ir.Struct:
		m, ok := v.(map[string]any)
		if !ok || t.Named == nil {
			return // not an object, or a type refused already
		}
		for _, r := range t.Named.Rules {
			j.judge(r, map[string]any{"self": m})
		}
		for _, f := range t.Named.Fields {
			fv, ok := m[f.JSONName]
			if !ok {
				continue
			}
			for _, r := range f.Rules {
				j.judge(r, map[string]any{"self": fv})
			}
			j.walk(f.Type, fv)
		}
	case ir.Slice:
		s, _ := v.([]any)
		for _, x := range s {
			j.walk(t.Elem, x)
		}
	case ir.Map, ir.OrderedMap:
		elem := t.Elem
		if t.Kind == ir.OrderedMap {
			if t.Named == nil {
				return
			}
			elem = &ir.TypeRef{Kind: ir.Struct, Named: t.Named.Row}
		} else if t.Named != nil {
			elem = t.Named.Elem
		}
		m, _ := v.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			j.walk(elem, m[k])
		}
	}
}

// operation applies op's rules to its 200 body v. A rule that reads args
// is judged only when a request example names e as its answer (with that
// example's query); node and role are never known of an example, so a rule
// whose outcome rests on them (or on args, unknown) is skipped: cel-go's
// partial evaluation leaves its result unknown.
func (j *exampleJudge) operation(op *ir.Operation, e *ir.Example, v any) {
	queries := []*string{nil}
	if res := j.b.answers[e]; len(res) > 0 {
		queries = nil
		for _, re := range res {
			queries = append(queries, &re.Query)
		}
	}
	for _, q := range queries {
		vars := map[string]any{"self": v}
		unknown := []*cel.AttributePatternType{cel.AttributePattern("node"), cel.AttributePattern("role")}
		if q == nil {
			unknown = append(unknown, cel.AttributePattern("args"))
		} else {
			vars["args"] = queryArgs(*q)
		}
		for _, r := range op.Rules {
			j.judgeWith(r, vars, unknown)
		}
	}
}

// queryArgs is a request example's query as a rule's args: each
// argument's first value.
func queryArgs(q string) map[string]string {
	vals, _ := url.ParseQuery(strings.TrimPrefix(q, "?"))
	args := map[string]string{}
	for k, vs := range vals {
		if len(vs) > 0 {
			args[k] = vs[0]
		}
	}
	return args
}

func (j *exampleJudge) judge(r *ir.Rule, vars map[string]any) {
	j.judgeWith(r, vars, []*cel.AttributePatternType{cel.AttributePattern("args"), cel.AttributePattern("node"), cel.AttributePattern("role")})
}

// judgeWith evaluates one rule and reports it broken, or failing to
// evaluate, at the example.
func (j *exampleJudge) judgeWith(r *ir.Rule, vars map[string]any, unknown []*cel.AttributePatternType) {
	prg := j.b.programs[r]
	if prg == nil {
		return
	}
	act, err := cel.PartialVars(vars, unknown...)
	if err != nil {
		return
	}
	out, _, err := prg.Eval(act)
	saw := ruleFound(r, vars["self"])
	if args, ok := vars["args"]; ok && strings.Contains(r.Source, "args") {
		saw += ", args (the query of the request example answered by it) = " + shown(args)
	}
	switch {
	case err != nil:
		j.b.diags.Add(j.pos, j.subj, "breaks rule %q (%s): it cannot be evaluated: %v; found %s (correct the example, or the rule: a member it reads without has() must be there)", r.Message, r.Source, err, saw)
	case types.IsUnknown(out):
	case out == types.False:
		j.b.diags.Add(j.pos, j.subj, "breaks rule %q (%s): found %s (correct the example, or the rule)", r.Message, r.Source, saw)
	}
}

var selfMember = regexp.MustCompile(`\bself\.([A-Za-z_][A-Za-z0-9_]*)`)

// ruleFound is what a broken rule saw: the members of self it names, or self.
func ruleFound(r *ir.Rule, self any) string {
	m, ok := self.(map[string]any)
	if !ok {
		return "self = " + shown(self)
	}
	var parts []string
	seen := map[string]bool{}
	for _, sm := range selfMember.FindAllStringSubmatch(r.Source, -1) {
		if seen[sm[1]] {
			continue
		}
		seen[sm[1]] = true
		if v, ok := m[sm[1]]; ok {
			parts = append(parts, "self."+sm[1]+" = "+shown(v))
		} else {
			parts = append(parts, "no self."+sm[1])
		}
	}
	if len(parts) == 0 {
		return "self = " + shown(self)
	}
	return strings.Join(parts, ", ")
}

// shown is a value as a diagnostic shows it: JSON, clipped.
func shown(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	s := strings.TrimSpace(buf.String())
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// celValue converts a decoded JSON value's numbers to what cel-go
// compares them as under t: an integer type's to int64, a number's to
// float64 (a stringified scalar stays the string the table format sends).
func celValue(t *ir.TypeRef, v any) any {
	switch x := v.(type) {
	case json.Number:
		if t != nil && t.Kind != ir.Float64 && t.Kind != ir.Number {
			if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return i
			}
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		var elem *ir.TypeRef
		if t != nil {
			elem = t.Elem
		}
		for i := range x {
			x[i] = celValue(elem, x[i])
		}
	case map[string]any:
		for k, fv := range x {
			x[k] = celValue(memberType(t, k), fv)
		}
	}
	return v
}

// memberType is the type of member k of a value of type t (nil: unknown).
func memberType(t *ir.TypeRef, k string) *ir.TypeRef {
	switch {
	case t == nil:
		return nil
	case t.Kind == ir.Struct && t.Named != nil:
		for _, f := range t.Named.Fields {
			if f.JSONName == k {
				return f.Type
			}
		}
	case t.Kind == ir.OrderedMap:
		return &ir.TypeRef{Kind: ir.Struct, Named: t.Named.Row}
	case t.Kind == ir.Map && t.Named != nil:
		return t.Named.Elem
	case t.Kind == ir.Map:
		return t.Elem
	}
	return nil
}
