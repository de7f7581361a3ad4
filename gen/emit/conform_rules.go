package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// conformRuleFuncs emits the role's rules as Go, in the order of the
// tables' rules, each a function of the evaluation:
//
//	// cfRuleFuncs are the spec's rules, translated from CEL ...
//	var cfRuleFuncs = []cfRuleFunc{
//		// schema MetaAppsInfo: size(self.general_info) == int(self.summary.total_app_count)
//		func(e *cfEval) bool {
//			return cfSizeMap(e, cfAsMap(e, cfMember(e, cfAsMap(e, e.Self), "general_info"))) == cfIntOfString(e, ...)
//		},
//	}
func conformRuleFuncs(f *jen.File, role *ir.Role) {
	f.Comment("cfRuleFuncs are the spec's rules, translated from CEL by pegasus-gen: each says whether its rule holds,")
	f.Comment("and records in e why it could not be evaluated.")
	funcs := make([]jen.Code, len(role.Rules))
	for i, r := range role.Rules {
		funcs[i] = jen.Line().Comment(fmt.Sprintf("%s: %s", r.Where, oneLine(r.Source))).Line().
			Func().Params(jen.Id("e").Op("*").Id("cfEval")).Bool().Block(jen.Return(ruleExpr(r.Expr)))
	}
	if len(funcs) > 0 {
		funcs = append(funcs, jen.Line())
	}
	f.Var().Id("cfRuleFuncs").Op("=").Index().Id("cfRuleFunc").Values(funcs...)
}

// oneLine keeps a rule's text on one comment line.
func oneLine(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\n' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}

// goValType is the Go type of a rule's value.
func goValType(t ir.ValType) jen.Code {
	switch t {
	case ir.ValBool:
		return jen.Bool()
	case ir.ValInt:
		return jen.Int64()
	case ir.ValDouble:
		return jen.Float64()
	case ir.ValString:
		return jen.String()
	case ir.ValList:
		return jen.Index().Any()
	case ir.ValMap:
		return jen.Map(jen.String()).Any()
	}
	return jen.Any()
}

// ruleExpr renders one node of a translated rule as a Go expression.
func ruleExpr(e *ir.Expr) jen.Code {
	args := func() []jen.Code {
		out := make([]jen.Code, len(e.Args))
		for i, a := range e.Args {
			out[i] = ruleExpr(a)
		}
		return out
	}
	switch e.Op {
	case ir.ExprLit:
		if e.Lit == nil {
			return jen.Nil()
		}
		return jen.Lit(e.Lit)
	case ir.ExprEnv:
		return jen.Id("e").Dot(e.Name)
	case ir.ExprLocal:
		return jen.Id(e.Name)
	case ir.ExprCall:
		return jen.Id(e.Func).Call(append([]jen.Code{jen.Id("e")}, args()...)...)
	case ir.ExprBinary:
		a := args()
		return jen.Parens(jen.Add(a[0]).Op(e.Operator).Add(a[1]))
	case ir.ExprNot:
		return jen.Op("!").Add(ruleExpr(e.Args[0]))
	case ir.ExprCond:
		// func() T { if c { return a }; return b }()
		a := args()
		return jen.Func().Params().Add(goValType(e.Type)).Block(
			jen.If(a[0]).Block(jen.Return(a[1])),
			jen.Return(a[2]),
		).Call()
	case ir.ExprList:
		return jen.Index().Any().Values(args()...)
	case ir.ExprMap:
		a := args()
		var kv []jen.Code
		for i := 0; i+1 < len(a); i += 2 {
			kv = append(kv, jen.Add(a[i]).Op(":").Add(a[i+1]))
		}
		return jen.Map(jen.String()).Any().Values(kv...)
	case ir.ExprThunk:
		return jen.Func().Params().Add(goValType(e.Type)).Block(jen.Return(ruleExpr(e.Args[0])))
	case ir.ExprLambda:
		return jen.Func().Params(jen.Id(e.Name).Any()).Add(goValType(e.Type)).Block(jen.Return(ruleExpr(e.Args[0])))
	}
	panic(fmt.Sprintf("emit: rule expression op %d", e.Op))
}
