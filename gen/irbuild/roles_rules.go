package irbuild

import (
	"fmt"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// roleRules lists, for each role, every rule its conformance suite
// checks: of the named types it reaches (the type's own, then its
// fields'), of its operations, and the agreements whose reads it all
// serves. A rule's place in Role.Rules is its number in the suite.
func (b *builder) roleRules() {
	checked := map[*ir.Rule]bool{}
	for _, r := range b.api.Roles {
		for _, t := range r.Types {
			r.Rules = append(r.Rules, t.Rules...)
			for _, f := range t.Fields {
				r.Rules = append(r.Rules, f.Rules...)
			}
		}
		serves := map[*ir.Operation]bool{}
		for _, op := range r.Operations {
			serves[op] = true
			r.Rules = append(r.Rules, op.Rules...)
		}
		for _, a := range b.api.Agreements {
			all := true
			for _, op := range a.Reads {
				all = all && serves[op]
			}
			if all {
				r.Rules = append(r.Rules, a)
				r.Agreements = append(r.Agreements, a)
				checked[a] = true
			}
		}
	}
	for _, a := range b.api.Agreements {
		if !checked[a] {
			b.diags.Add(a.Pos, a.Where, "reads operations no one role serves all of: an agreement is checked on each server of a role, so read operations of one role")
		}
	}
}

// presence documents the members whose presence an operation rule ties
// to a flag, has(self.x) == ('flag' in args [&& …]), on the field of the
// 200 body, for the typed client's doc comment.
func (b *builder) presence(op *ir.Operation, r *ir.Rule) {
	e := r.Expr
	if e.Op != ir.ExprBinary || e.Operator != "==" {
		return
	}
	member, ok := hasOf(e.Args[0], "Self")
	if !ok {
		return
	}
	cond, more := e.Args[1], false
	if cond.Op == ir.ExprCall && cond.Func == "cfAnd" {
		cond, more = cond.Args[0].Args[0], true // the first operand's thunk
	}
	arg, ok := hasOf(cond, "Args")
	if !ok {
		return
	}
	body := op.OK()
	if body == nil || body.Body.Named == nil {
		return
	}
	var param *ir.Param
	for _, p := range op.Params {
		if p.Name == arg {
			param = p
		}
	}
	if param == nil {
		return
	}
	for _, f := range body.Body.Named.Fields {
		if f.JSONName == member {
			f.PresentWhen = fmt.Sprintf("Present only when %s is set", param.GoName)
			if more {
				f.PresentWhen += ", as the spec's rule says: " + r.Source
			}
			f.PresentWhen += "."
		}
	}
}

// hasOf matches has(<env>.x) or 'x' in <env>, as translated, giving x.
func hasOf(e *ir.Expr, env string) (string, bool) {
	if e.Op != ir.ExprCall || e.Func != "cfHas" || len(e.Args) != 2 {
		return "", false
	}
	obj, key := e.Args[0], e.Args[1]
	if obj.Op == ir.ExprCall && obj.Func == "cfAsMap" {
		obj = obj.Args[0]
	}
	name, ok := key.Lit.(string)
	return name, ok && key.Op == ir.ExprLit && obj.Op == ir.ExprEnv && obj.Name == env
}
