package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// bindParam emits the binding of one query parameter into in.<GoName>,
// with the parameter's exact 400 texts.
func bindParam(op *ir.Operation, p *ir.Param) []jen.Code {
	dst := jen.Id("in").Dot(p.GoName)
	get := jen.List(jen.Id("a"), jen.Id("ok")).Op(":=").Id("q").Dot("Get").Call(jen.Lit(p.Name))
	switch p.Kind {
	case ir.FlagParam:
		// if _, ok := q.Get("detail"); ok { in.Detail = true }
		return []jen.Code{jen.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("q").Dot("Get").Call(jen.Lit(p.Name)), jen.Id("ok")).Block(jen.Add(dst).Op("=").True())}
	case ir.ListParam:
		// if a, ok := q.Get("types"); ok { in.Types = rtSplitList(a.Value) }
		return []jen.Code{jen.If(get, jen.Id("ok")).Block(jen.Add(dst).Op("=").Id("rtSplitList").Call(jen.Id("a").Dot("Value")))}
	case ir.PairsParam:
		return []jen.Code{jen.If(get, jen.Id("ok")).Block(
			jen.Id("l").Op(":=").Id("rtSplitList").Call(jen.Id("a").Dot("Value")),
			jen.If(jen.Len(jen.Id("l")).Op("%").Lit(2).Op("!=").Lit(0)).Add(fail(op, 400, invalidText(p))),
			jen.Add(dst).Op("=").Id("l"),
		)}
	case ir.FreeFormParam:
		// in.Config = in.Args: every argument, as decoded.
		return []jen.Code{jen.Add(dst).Op("=").Id("in").Dot("Args")}
	}
	return bindValue(op, p, dst, get)
}

// bindValue binds a k=v parameter:
//
//	if a, ok := q.Get("app_id"); ok {
//		n, ok := rtParseInt(a.Value, 32)
//		if !ok || n < 0 { rtFail(w, 400, rtExpand("invalid app_id={value}", a.Key, a.Value), false); return }
//		in.AppID = int32(n)
//	} else { rtFail(w, 400, "app_id should not be empty", false); return }
func bindValue(op *ir.Operation, p *ir.Param, dst *jen.Statement, get jen.Code) []jen.Code {
	// A parameter with a default is bound into a variable holding the
	// default, which the field then points at: the handler gets the default
	// when the argument is absent, for one allocation either way.
	//
	//	vLimit := int32(100)
	//	if a, ok := q.Get("limit"); ok { …; vLimit = int32(n) }
	//	in.Limit = &vLimit
	store := func(v jen.Code) []jen.Code { return assign(p, dst, v) }
	var pre, post []jen.Code
	if p.DefaultValue != nil {
		v := jen.Id("v" + p.GoName)
		pre = append(pre, jen.Add(v).Op(":=").Add(defaultValue(p)))
		post = append(post, jen.Add(dst).Op("=").Op("&").Add(v))
		store = func(x jen.Code) []jen.Code { return []jen.Code{jen.Add(v).Op("=").Add(x)} }
	}
	// A required parameter whose missing and empty texts agree (most do)
	// checks both at once.
	merged := p.Required && p.Empty != nil && p.Missing != nil && *p.Empty == *p.Missing
	var present []jen.Code
	if p.Empty != nil && !merged {
		present = append(present, jen.If(jen.Id("a").Dot("Value").Op("==").Lit("")).Add(fail(op, 400, jen.Lit(*p.Empty))))
	}
	parsed, conv := parseValue(p)
	if parsed != nil {
		bad := jen.Op("!").Id("ok")
		if p.Min != nil {
			bad = bad.Op("||").Id("n").Op("<").Lit(int(*p.Min))
		}
		present = append(present, parsed)
		if p.IgnoreInvalid {
			// An invalid value counts as absent (the real /pprof/heap falls back to sampling).
			present = append(present, jen.If(jen.Op("!").Parens(bad)).Block(store(conv)...))
		} else {
			present = append(present, jen.If(bad).Add(fail(op, 400, invalidText(p))))
			present = append(present, store(conv)...)
		}
	} else {
		present = append(present, store(jen.Id("a").Dot("Value"))...)
	}
	var stmt jen.Code
	switch {
	case merged:
		// if a, ok := q.Get("name"); !ok || a.Value == "" { rtFail(…); return } else { in.Name = a.Value }
		stmt = jen.If(get, jen.Op("!").Id("ok").Op("||").Id("a").Dot("Value").Op("==").Lit("")).Add(fail(op, 400, lit(p.Missing))).Else().Block(present...)
	case p.Required:
		stmt = jen.If(get, jen.Id("ok")).Block(present...).Else().Add(fail(op, 400, lit(p.Missing)))
	default:
		stmt = jen.If(get, jen.Id("ok")).Block(present...)
	}
	return append(append(pre, stmt), post...)
}

// parseValue returns the statement that parses a.Value into n (and ok), and
// the expression converting n to the field's type; nil for strings.
func parseValue(p *ir.Param) (jen.Code, jen.Code) {
	k := p.Type.Kind
	val := jen.Id("a").Dot("Value")
	switch {
	case isInt(k):
		return jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id("rtParseInt").Call(val, jen.Lit(bits(k))), goType(p.Type).Call(jen.Id("n"))
	case isUint(k):
		return jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id("rtParseUint").Call(val, jen.Lit(bits(k))), goType(p.Type).Call(jen.Id("n"))
	case k == ir.Bool:
		return jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id("rtParseBool").Call(val), jen.Id("n")
	case k == ir.Float64:
		return jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id("rtParseDouble").Call(val), jen.Id("n")
	}
	return nil, nil
}

// assign stores a bound value, through a fresh variable for pointer fields.
func assign(p *ir.Param, dst *jen.Statement, v jen.Code) []jen.Code {
	if p.Optional() {
		return []jen.Code{jen.Id("v").Op(":=").Add(v), jen.Add(dst).Op("=").Op("&").Id("v")}
	}
	return []jen.Code{jen.Add(dst).Op("=").Add(v)}
}

// invalidText is the 400 body for an invalid value, with {value} filled in.
func invalidText(p *ir.Param) jen.Code {
	return jen.Id("rtExpand").Call(lit(p.Invalid), jen.Id("a").Dot("Key"), jen.Id("a").Dot("Value"))
}

// defaultValue is a parameter's default as a Go value of its type:
//
//	uint32(60)
func defaultValue(p *ir.Param) jen.Code {
	switch v := p.DefaultValue.(type) {
	case int64:
		return goType(p.Type).Call(jen.Lit(int(v)))
	case uint64:
		return goType(p.Type).Call(jen.Lit(int(v)))
	default: // string, bool, float64
		return jen.Lit(v)
	}
}

// bindBody reads the request body and, for JSON bodies, decodes it with
// Pegasus' json_helper rules and validates it field by field:
//
//	data, ok := rtReadBody(w, r, s.maxBody)
//	o, ok := rtDecodeObject(data)
//	ok = ok && o.String("app_name", &in.Body.AppName) && ... && o.Complete(2)
//	if !ok { rtFail(w, 400, "invalid request structure", false); return }
//	if len(in.Body.AppName) < 1 { rtFail(w, 400, "app_name should not be empty", false); return }
func bindBody(op *ir.Operation) []jen.Code {
	out := []jen.Code{
		jen.List(jen.Id("data"), jen.Id("ok")).Op(":=").Id("rtReadBody").Call(jen.Id("w"), jen.Id("r"), jen.Id("s").Dot("maxBody")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
	}
	t := op.Body.Type
	if t.Kind != ir.Struct {
		return append(out, jen.Id("in").Dot("Body").Op("=").Id("data"))
	}
	decode := jen.Id("ok")
	for _, fl := range t.Named.Fields {
		m := decodeMethod(fl.Type.Kind)
		decode = decode.Op("&&").Id("o").Dot(m).Call(jen.Lit(fl.JSONName), jen.Op("&").Id("in").Dot("Body").Dot(fl.GoName))
	}
	decode = decode.Op("&&").Id("o").Dot("Complete").Call(jen.Lit(len(t.Named.Fields)))
	out = append(out,
		jen.List(jen.Id("o"), jen.Id("ok")).Op(":=").Id("rtDecodeObject").Call(jen.Id("data")),
		jen.Id("ok").Op("=").Add(decode),
		jen.If(jen.Op("!").Id("ok")).Add(fail(op, 400, jen.Lit(op.Body.Invalid))),
	)
	for _, fl := range t.Named.Fields {
		out = append(out, validateField(op, fl)...)
	}
	return out
}

// decodeMethod is the rtObject method that reads a field of kind k.
func decodeMethod(k ir.Kind) string {
	switch k {
	case ir.Int32:
		return "Int32"
	case ir.Int64:
		return "Int64"
	case ir.Bool:
		return "Bool"
	}
	return "String"
}

// validateField emits a field's rules, each failing with the field's text.
func validateField(op *ir.Operation, fl *ir.Field) []jen.Code {
	x := jen.Id("in").Dot("Body").Dot(fl.GoName)
	bad := fail(op, 400, jen.Lit(fl.Invalid))
	badStmts := failStmts(op, 400, jen.Lit(fl.Invalid))
	var out []jen.Code
	if fl.MinLength > 0 {
		out = append(out, jen.If(jen.Len(x).Op("<").Lit(fl.MinLength)).Add(bad))
	}
	if len(fl.Enum) > 0 {
		vals := make([]jen.Code, 0, len(fl.Enum))
		for _, e := range fl.Enum {
			vals = append(vals, jen.Lit(e))
		}
		out = append(out, jen.Switch(x).Block(jen.Case(vals...), jen.Default().Block(badStmts...)))
	}
	if fl.Min != nil {
		out = append(out, jen.If(jen.Add(x).Op("<").Lit(int(*fl.Min))).Add(bad))
	}
	if c := fl.RequiredWhen; c != nil {
		out = append(out, jen.If(jen.Id("in").Dot("Body").Dot(c.Field.GoName).Op("==").Lit(c.Value).Op("&&").Add(x).Op("==").Lit("")).Add(bad))
	}
	return out
}
