package irbuild

import (
	"fmt"
	"regexp"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// translator turns a checked CEL expression into the IR's expression tree,
// every Go decision made: which helper of the bundled engine computes each
// node, and the Go type of each value. It covers a deliberate subset of CEL
// (spec/CONVENTIONS.md, "The CEL the generator translates") and refuses the
// rest, naming the construct.
type translator struct {
	ast    *ast.AST
	vars   map[string]bool // the environment's variables
	locals map[string]bool // comprehension variables in scope
	bad    *refusal
}

// refusal is the first construct the translator refused and its column.
type refusal struct {
	col  int
	what string
	// whole: what is the whole message, not a construct to name.
	whole bool
}

func newTranslator(checked *cel.Ast, vars []celVar) *translator {
	t := &translator{ast: checked.NativeRep(), vars: map[string]bool{}, locals: map[string]bool{}}
	for _, v := range vars {
		t.vars[v.name] = true
	}
	return t
}

// translate is the whole rule's tree, or the refusal.
func (t *translator) translate() (*ir.Expr, *refusal) {
	e := t.expr(t.ast.Expr())
	return e, t.bad
}

// refuse records the first construct outside the subset.
func (t *translator) refuse(e ast.Expr, format string, args ...any) *ir.Expr {
	if t.bad == nil {
		loc := t.ast.SourceInfo().GetStartLocation(e.ID())
		t.bad = &refusal{col: loc.Column() + 1, what: fmt.Sprintf(format, args...)}
	}
	return &ir.Expr{Op: ir.ExprLit, Type: ir.ValBool, Lit: false}
}

// valType is the Go type of a CEL type, or false outside the subset.
func valType(ty *types.Type) (ir.ValType, bool) {
	switch ty.Kind() {
	case types.BoolKind:
		return ir.ValBool, true
	case types.IntKind:
		return ir.ValInt, true
	case types.DoubleKind:
		return ir.ValDouble, true
	case types.StringKind:
		return ir.ValString, true
	case types.ListKind:
		return ir.ValList, true
	case types.MapKind, types.StructKind:
		return ir.ValMap, true
	case types.DynKind, types.AnyKind, types.NullTypeKind, types.TypeParamKind:
		return ir.ValDyn, true
	}
	return 0, false
}

// typeOf is the Go type the checker gave e.
func (t *translator) typeOf(e ast.Expr) ir.ValType {
	ty := t.ast.GetType(e.ID())
	v, ok := valType(ty)
	if !ok {
		t.refuse(e, "a value of type %s", ty)
	}
	return v
}

// call is a helper call of the bundled engine.
func call(fn string, ty ir.ValType, args ...*ir.Expr) *ir.Expr {
	return &ir.Expr{Op: ir.ExprCall, Func: fn, Type: ty, Args: args}
}

// asHelpers convert a value of unknown type to a static one, or report
// that it is not.
var asHelpers = map[ir.ValType]string{
	ir.ValBool: "cfAsBool", ir.ValInt: "cfAsInt", ir.ValDouble: "cfAsDouble",
	ir.ValString: "cfAsString", ir.ValList: "cfAsList", ir.ValMap: "cfAsMap",
}

// as converts x (of any type) to ty, when ty is static.
func as(x *ir.Expr, ty ir.ValType) *ir.Expr {
	if ty == ir.ValDyn || x.Type == ty {
		return x
	}
	return call(asHelpers[ty], ty, x)
}

// expr translates one node.
func (t *translator) expr(e ast.Expr) *ir.Expr {
	switch e.Kind() {
	case ast.LiteralKind:
		return t.literal(e)
	case ast.IdentKind:
		return t.ident(e)
	case ast.SelectKind:
		return t.selection(e)
	case ast.CallKind:
		return t.call(e)
	case ast.ListKind:
		l := e.AsList()
		if len(l.OptionalIndices()) > 0 {
			return t.refuse(e, "an optional list element")
		}
		out := &ir.Expr{Op: ir.ExprList, Type: ir.ValList}
		for _, el := range l.Elements() {
			out.Args = append(out.Args, t.expr(el))
		}
		return out
	case ast.MapKind:
		return t.mapLiteral(e)
	case ast.ComprehensionKind:
		return t.comprehension(e)
	}
	return t.refuse(e, "this expression (%v)", e.Kind())
}

func (t *translator) literal(e ast.Expr) *ir.Expr {
	switch v := e.AsLiteral().(type) {
	case types.Bool:
		return &ir.Expr{Op: ir.ExprLit, Type: ir.ValBool, Lit: bool(v)}
	case types.Int:
		return &ir.Expr{Op: ir.ExprLit, Type: ir.ValInt, Lit: int64(v)}
	case types.Double:
		return &ir.Expr{Op: ir.ExprLit, Type: ir.ValDouble, Lit: float64(v)}
	case types.String:
		return &ir.Expr{Op: ir.ExprLit, Type: ir.ValString, Lit: string(v)}
	case types.Null:
		return &ir.Expr{Op: ir.ExprLit, Type: ir.ValDyn, Lit: nil}
	}
	return t.refuse(e, "a %s literal", e.AsLiteral().Type())
}

// envFields are the variables every evaluation carries.
var envFields = map[string]struct {
	field string
	ty    ir.ValType
}{"self": {"Self", ir.ValDyn}, "args": {"Args", ir.ValMap}, "node": {"Node", ir.ValString}, "role": {"Role", ir.ValString}}

func (t *translator) ident(e ast.Expr) *ir.Expr {
	name := e.AsIdent()
	ty := t.typeOf(e)
	if t.locals[name] {
		return as(&ir.Expr{Op: ir.ExprLocal, Type: ir.ValDyn, Name: localName(name)}, ty)
	}
	if f, ok := envFields[name]; ok && t.vars[name] {
		return as(&ir.Expr{Op: ir.ExprEnv, Type: f.ty, Name: f.field}, ty)
	}
	if t.vars[name] {
		// An operation an agreement reads.
		return as(call("cfRead", ir.ValDyn, lit(name)), ty)
	}
	return t.refuse(e, "the name %s", name)
}

// localName is a comprehension variable's Go name.
func localName(cel string) string { return "v_" + cel }

func lit(s string) *ir.Expr { return &ir.Expr{Op: ir.ExprLit, Type: ir.ValString, Lit: s} }

// selection is self.x (a member, an error when absent) or has(self.x).
func (t *translator) selection(e ast.Expr) *ir.Expr {
	s := e.AsSelect()
	obj := as(t.expr(s.Operand()), ir.ValMap)
	if s.IsTestOnly() {
		return call("cfHas", ir.ValBool, obj, lit(s.FieldName()))
	}
	return as(call("cfMember", ir.ValDyn, obj, lit(s.FieldName())), t.typeOf(e))
}

func (t *translator) mapLiteral(e ast.Expr) *ir.Expr {
	out := &ir.Expr{Op: ir.ExprMap, Type: ir.ValMap}
	for _, en := range e.AsMap().Entries() {
		me := en.AsMapEntry()
		if me.IsOptional() {
			return t.refuse(e, "an optional map entry")
		}
		k := t.expr(me.Key())
		if k.Type != ir.ValString {
			return t.refuse(me.Key(), "a map key that is not a string")
		}
		out.Args = append(out.Args, k, t.expr(me.Value()))
	}
	return out
}

// comprehension translates the macros all, exists, exists_one, map and
// filter, told apart by the loop step cel-go expands each into.
func (t *translator) comprehension(e ast.Expr) *ir.Expr {
	c := e.AsComprehension()
	if c.HasIterVar2() {
		return t.refuse(e, "a two-variable comprehension")
	}
	rng := t.expr(c.IterRange())
	switch rng.Type {
	case ir.ValMap:
		rng = call("cfKeys", ir.ValList, rng)
	case ir.ValDyn:
		rng = call("cfItems", ir.ValList, rng)
	}
	v := c.IterVar()
	shadowed := t.locals[v]
	t.locals[v] = true
	defer func() { t.locals[v] = shadowed }()
	lambda := func(body ast.Expr, ty ir.ValType) *ir.Expr {
		return &ir.Expr{Op: ir.ExprLambda, Name: localName(v), Type: ty, Args: []*ir.Expr{as(t.expr(body), ty)}}
	}
	step := c.LoopStep()
	if step.Kind() != ast.CallKind {
		return t.refuse(e, "this comprehension")
	}
	sc := step.AsCall()
	switch sc.FunctionName() {
	case operators.LogicalAnd:
		return call("cfAll", ir.ValBool, rng, lambda(sc.Args()[1], ir.ValBool))
	case operators.LogicalOr:
		return call("cfExists", ir.ValBool, rng, lambda(sc.Args()[1], ir.ValBool))
	case operators.Add: // map(x, f)
		return call("cfMapEach", ir.ValList, rng, lambda(sc.Args()[1].AsList().Elements()[0], ir.ValDyn))
	case operators.Conditional:
		pred, then := sc.Args()[0], sc.Args()[1]
		if then.Kind() == ast.CallKind && then.AsCall().FunctionName() == operators.Add {
			added := then.AsCall().Args()[1]
			if added.Kind() == ast.ListKind { // filter(x, p) or map(x, p, f)
				return call("cfMapFilter", ir.ValList, rng, lambda(pred, ir.ValBool), lambda(added.AsList().Elements()[0], ir.ValDyn))
			}
			return call("cfExistsOne", ir.ValBool, rng, lambda(pred, ir.ValBool)) // exists_one: accu + 1
		}
	}
	return t.refuse(e, "this comprehension")
}

// validPattern is whether a matches() pattern written as a literal is a Go
// (RE2) regular expression, checked when the rule is translated.
func validPattern(p string) error {
	_, err := regexp.Compile(p)
	return err
}
