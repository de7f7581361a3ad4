package irbuild

import (
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// goOperators are the CEL operators that are one Go operator on values of
// one scalar Go type.
var goOperators = map[string]string{
	operators.Equals: "==", operators.NotEquals: "!=",
	operators.Less: "<", operators.LessEquals: "<=", operators.Greater: ">", operators.GreaterEquals: ">=",
}

// intHelpers compute integer arithmetic, which CEL checks for overflow and
// division by zero.
var intHelpers = map[string]string{
	operators.Add: "cfAddInt", operators.Subtract: "cfSubInt", operators.Multiply: "cfMulInt",
	operators.Divide: "cfDivInt", operators.Modulo: "cfModInt",
}

// doubleOperators are Go's, as CEL's doubles are IEEE 754 doubles.
var doubleOperators = map[string]string{
	operators.Add: "+", operators.Subtract: "-", operators.Multiply: "*", operators.Divide: "/",
}

// conversions are int(), double() and string() by argument type.
var conversions = map[string]map[ir.ValType]string{
	"int":    {ir.ValString: "cfIntOfString", ir.ValDouble: "cfIntOfDouble", ir.ValDyn: "cfIntOf"},
	"double": {ir.ValString: "cfDoubleOfString", ir.ValInt: "cfDoubleOfInt", ir.ValDyn: "cfDoubleOf"},
	"string": {ir.ValInt: "cfStringOfInt", ir.ValBool: "cfStringOfBool", ir.ValDyn: "cfStringOf"},
}

// stringFuncs are the string functions, called as s.f(x).
var stringFuncs = map[string]string{
	"startsWith": "cfStartsWith", "endsWith": "cfEndsWith", "contains": "cfContains", "matches": "cfMatchesRE",
}

// call translates operators and functions.
func (t *translator) call(e ast.Expr) *ir.Expr {
	c := e.AsCall()
	fn := c.FunctionName()
	var args []ast.Expr
	if c.IsMemberFunction() {
		args = append(args, c.Target())
	}
	args = append(args, c.Args()...)
	in := make([]*ir.Expr, len(args))
	for i, a := range args {
		in[i] = t.expr(a)
	}
	ty := t.typeOf(e)
	switch fn {
	case operators.LogicalAnd, operators.LogicalOr:
		// CEL's && and || are commutative: false && error is false in
		// either order, which the helpers keep.
		h := map[string]string{operators.LogicalAnd: "cfAnd", operators.LogicalOr: "cfOr"}[fn]
		return call(h, ir.ValBool, thunk(as(in[0], ir.ValBool)), thunk(as(in[1], ir.ValBool)))
	case operators.LogicalNot:
		return &ir.Expr{Op: ir.ExprNot, Type: ir.ValBool, Args: []*ir.Expr{as(in[0], ir.ValBool)}}
	case operators.Conditional:
		return &ir.Expr{Op: ir.ExprCond, Type: ty, Args: []*ir.Expr{as(in[0], ir.ValBool), as(in[1], ty), as(in[2], ty)}}
	case operators.Equals, operators.NotEquals:
		return t.equality(fn, in)
	case operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		return t.ordering(e, fn, in)
	case operators.Add, operators.Subtract, operators.Multiply, operators.Divide, operators.Modulo:
		return t.arithmetic(e, fn, ty, in)
	case operators.Negate:
		switch in[0].Type {
		case ir.ValInt:
			return call("cfNegInt", ir.ValInt, in[0])
		case ir.ValDouble:
			return call("cfNegDouble", ir.ValDouble, in[0])
		}
		return t.refuse(e, "negation of a value of unknown type")
	case operators.Index:
		return t.index(e, ty, in)
	case operators.In:
		return t.in(e, in)
	case "size":
		h := map[ir.ValType]string{ir.ValString: "cfSizeString", ir.ValList: "cfSizeList", ir.ValMap: "cfSizeMap", ir.ValDyn: "cfSize"}[in[0].Type]
		return call(h, ir.ValInt, in[0])
	case "int", "double", "string":
		return t.conversion(e, fn, ty, in[0])
	case "dyn":
		return in[0]
	}
	if h, ok := stringFuncs[fn]; ok && len(in) == 2 {
		if fn == "matches" && args[1].Kind() == ast.LiteralKind {
			if err := validPattern(in[1].Lit.(string)); err != nil {
				t.refuse(args[1], "the pattern %q is no RE2 regular expression: %v", in[1].Lit, err)
				t.bad.whole = true
			}
		}
		return call(h, ir.ValBool, as(in[0], ir.ValString), as(in[1], ir.ValString))
	}
	return t.refuse(e, "the function %s", fn)
}

// scalar reports whether values of ty compare with Go's operators.
func scalar(ty ir.ValType) bool {
	return ty == ir.ValBool || ty == ir.ValInt || ty == ir.ValDouble || ty == ir.ValString
}

// equality is Go's == on scalars of one type, else cfEqual, which
// compares lists, maps and values of unknown type as CEL does.
func (t *translator) equality(fn string, in []*ir.Expr) *ir.Expr {
	if in[0].Type == in[1].Type && scalar(in[0].Type) {
		return &ir.Expr{Op: ir.ExprBinary, Operator: goOperators[fn], Type: ir.ValBool, Args: in}
	}
	eq := call("cfEqual", ir.ValBool, in...)
	if fn == operators.NotEquals {
		return &ir.Expr{Op: ir.ExprNot, Type: ir.ValBool, Args: []*ir.Expr{eq}}
	}
	return eq
}

// ordering is Go's <, <=, >, >= on ints, doubles or strings of one type.
func (t *translator) ordering(e ast.Expr, fn string, in []*ir.Expr) *ir.Expr {
	ty := in[0].Type
	if ty != in[1].Type || ty != ir.ValInt && ty != ir.ValDouble && ty != ir.ValString {
		return t.refuse(e, "an ordering of values that are not both ints, doubles or strings (convert with int(), double() or string())")
	}
	return &ir.Expr{Op: ir.ExprBinary, Operator: goOperators[fn], Type: ir.ValBool, Args: in}
}

func (t *translator) arithmetic(e ast.Expr, fn string, ty ir.ValType, in []*ir.Expr) *ir.Expr {
	switch {
	case ty == ir.ValInt && in[0].Type == ir.ValInt && in[1].Type == ir.ValInt:
		return call(intHelpers[fn], ir.ValInt, in...)
	case ty == ir.ValDouble && in[0].Type == ir.ValDouble && in[1].Type == ir.ValDouble && doubleOperators[fn] != "":
		return &ir.Expr{Op: ir.ExprBinary, Operator: doubleOperators[fn], Type: ir.ValDouble, Args: in}
	case fn == operators.Add && ty == ir.ValString:
		return &ir.Expr{Op: ir.ExprBinary, Operator: "+", Type: ir.ValString, Args: []*ir.Expr{as(in[0], ir.ValString), as(in[1], ir.ValString)}}
	case fn == operators.Add && ty == ir.ValList:
		return call("cfConcat", ir.ValList, as(in[0], ir.ValList), as(in[1], ir.ValList))
	}
	return t.refuse(e, "the operator %s on these types (convert with int() or double())", fn)
}

// index is list[i] or map[k].
func (t *translator) index(e ast.Expr, ty ir.ValType, in []*ir.Expr) *ir.Expr {
	switch {
	case in[0].Type == ir.ValList && in[1].Type == ir.ValInt:
		return as(call("cfIndex", ir.ValDyn, in...), ty)
	case in[0].Type == ir.ValMap && in[1].Type == ir.ValString:
		return as(call("cfMember", ir.ValDyn, in...), ty)
	}
	return t.refuse(e, "an index that is not a list's int or a map's string")
}

// in is x in list, or k in map.
func (t *translator) in(e ast.Expr, in []*ir.Expr) *ir.Expr {
	switch in[1].Type {
	case ir.ValList:
		return call("cfInList", ir.ValBool, in...)
	case ir.ValMap:
		if in[0].Type != ir.ValString {
			return t.refuse(e, "in of a map with a key that is not a string")
		}
		return call("cfHas", ir.ValBool, in[1], in[0])
	}
	return t.refuse(e, "in of a value of unknown type")
}

// conversion is int(), double() or string().
func (t *translator) conversion(e ast.Expr, fn string, ty ir.ValType, x *ir.Expr) *ir.Expr {
	if x.Type == ty {
		return x
	}
	if h := conversions[fn][x.Type]; h != "" {
		return call(h, ty, x)
	}
	return t.refuse(e, "%s() of this type", fn)
}

// thunk defers x to the helper that takes it.
func thunk(x *ir.Expr) *ir.Expr {
	return &ir.Expr{Op: ir.ExprThunk, Type: x.Type, Args: []*ir.Expr{x}}
}
