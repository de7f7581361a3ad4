package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// enumDecls emits each enum as a string type with a constant per value:
//
//	type MetricType string
//	const (
//		MetricTypeGauge MetricType = "Gauge"
//		…
//	)
func enumDecls(f *jen.File, enums []*ir.Enum) {
	for _, e := range enums {
		f.Comment(docText(e.GoName, e.Doc, "is one of the values below."))
		f.Type().Id(e.GoName).String()
		consts := make([]jen.Code, 0, len(e.Values))
		for _, v := range e.Values {
			consts = append(consts, jen.Comment(fmt.Sprintf("%s is %q.", v.ConstName, v.Value)).Line().
				Id(v.ConstName).Id(e.GoName).Op("=").Lit(v.Value))
		}
		f.Comment("The values of " + e.GoName + ".")
		f.Const().Defs(consts...)
	}
}

// decodable reports whether a named type gets a generated decoder: every
// type of an answer. Request bodies keep the server's own rules.
func decodable(t *ir.Type) bool { return !t.Input }

// decoderDecl emits a named type's decoder and the UnmarshalJSON that runs
// it, for clients and for json.Unmarshal alike:
//
//	func (v *Metric) UnmarshalJSON(data []byte) error { return rtUnmarshal(data, v) }
//	func (v *Metric) decode(d *rtDec) { … }
func decoderDecl(f *jen.File, t *ir.Type) {
	var body []jen.Code
	switch t.Kind {
	case ir.Struct:
		body = structDecode(t)
	case ir.OrderedMap:
		body = orderedMapDecode(t)
	case ir.Map:
		body = mapDecode(jen.Parens(jen.Op("*").Id("v")), t.Elem, jen.Id(t.GoName), 0)
	}
	f.Comment("UnmarshalJSON decodes the JSON the server writes, with the generated decoder.")
	f.Func().Params(jen.Id("v").Op("*").Id(t.GoName)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Return(jen.Id("rtUnmarshal").Call(jen.Id("data"), jen.Id("v"))))
	f.Comment("decode reads v from d.")
	f.Func().Params(jen.Id("v").Op("*").Id(t.GoName)).Id("decode").Params(jen.Id("d").Op("*").Id("rtDec")).Block(body...)
}

// structDecode reads the members by name; others go to the extra map or
// are skipped:
//
//	if !d.begin('{') { return }
//	for d.more() {
//		switch k := d.key(); string(k) {
//		case "name": v.Name = d.strPtr(d.str())
//		default: d.skip()
//		}
//	}
func structDecode(t *ir.Type) []jen.Code {
	cases := make([]jen.Code, 0, len(t.Fields)+1)
	for _, fl := range t.Fields {
		x := jen.Id("v").Dot(fl.GoName)
		var stmts []jen.Code
		if t.Pointer(fl) {
			stmts = pointerDecode(x, fl.Type)
		} else {
			stmts = valueDecode(x, fl.Type, 0)
		}
		cases = append(cases, jen.Case(jen.Lit(fl.JSONName)).Block(stmts...))
	}
	def := []jen.Code{jen.Id("d").Dot("skip").Call()}
	if t.Extra != nil {
		// The key is scratch until interned, and the value may reuse it.
		x := jen.Id("v").Dot(t.ExtraGoName)
		def = []jen.Code{
			jen.Id("ks").Op(":=").Id("d").Dot("intern").Call(jen.Id("k")),
			jen.Var().Id("e").Add(goType(t.Extra)),
		}
		def = append(def, valueDecode(jen.Id("e"), t.Extra, 1)...)
		def = append(def,
			jen.If(jen.Add(x).Op("==").Nil()).Block(jen.Add(x).Op("=").Map(jen.String()).Add(goType(t.Extra)).Values()),
			jen.Add(x).Index(jen.Id("ks")).Op("=").Id("e"))
	}
	cases = append(cases, jen.Default().Block(def...))
	return []jen.Code{
		jen.If(jen.Op("!").Id("d").Dot("begin").Call(jen.LitRune('{'))).Block(jen.Return()),
		jen.For(jen.Id("d").Dot("more").Call()).Block(
			jen.Switch(jen.Id("k").Op(":=").Id("d").Dot("key").Call(), jen.String().Call(jen.Id("k"))).Block(cases...)),
	}
}

// orderedMapDecode keeps the rows in the order the server wrote them:
//
//	if !d.begin('{') { return }
//	*v = (*v)[:0]
//	for d.more() { d.key(); *v = append(*v, Row{}); (*v)[len(*v)-1].decode(d) }
func orderedMapDecode(t *ir.Type) []jen.Code {
	v := jen.Op("*").Id("v")
	last := jen.Parens(jen.Op("*").Id("v")).Index(jen.Len(jen.Op("*").Id("v")).Op("-").Lit(1))
	return []jen.Code{
		jen.If(jen.Op("!").Id("d").Dot("begin").Call(jen.LitRune('{'))).Block(jen.Return()),
		jen.Add(v).Op("=").Parens(jen.Op("*").Id("v")).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id("d").Dot("more").Call()).Block(
			jen.Id("d").Dot("key").Call(),
			jen.Op("*").Id("v").Op("=").Append(jen.Op("*").Id("v"), jen.Id(t.Row.GoName).Values()),
			last.Dot("decode").Call(jen.Id("d")),
		),
	}
}

// mapDecode reads an object into the map x of Go type goT, at nesting k:
//
//	if d.begin('{') {
//		if x == nil { x = goT{} }
//		for d.more() { k0 := d.intern(d.key()); var e0 Elem; …; x[k0] = e0 }
//	}
func mapDecode(x jen.Code, elem *ir.TypeRef, goT jen.Code, k int) []jen.Code {
	key, e := fmt.Sprintf("k%d", k), fmt.Sprintf("e%d", k)
	loop := []jen.Code{
		jen.Id(key).Op(":=").Id("d").Dot("intern").Call(jen.Id("d").Dot("key").Call()),
		jen.Var().Id(e).Add(goType(elem)),
	}
	loop = append(loop, valueDecode(jen.Id(e), elem, k+1)...)
	loop = append(loop, jen.Add(x).Index(jen.Id(key)).Op("=").Id(e))
	return []jen.Code{jen.If(jen.Id("d").Dot("begin").Call(jen.LitRune('{'))).Block(
		jen.If(jen.Add(x).Op("==").Nil()).Block(jen.Add(x).Op("=").Add(goT).Values()),
		jen.For(jen.Id("d").Dot("more").Call()).Block(loop...),
	)}
}

// sliceDecode reads an array into the slice x, allocated once at its
// length, each element decoded in place:
//
//	if n0 := d.count(); d.begin('[') {
//		x = make([]E, 0, n0)
//		for d.more() { x = append(x, zero); <decode x[len(x)-1]> }
//	}
func sliceDecode(x jen.Code, t *ir.TypeRef, k int) []jen.Code {
	last := jen.Add(x).Index(jen.Len(x).Op("-").Lit(1))
	loop := []jen.Code{jen.Add(x).Op("=").Append(x, jen.Op("*").New(goType(t.Elem)))}
	loop = append(loop, valueDecode(last, t.Elem, k+1)...)
	n := fmt.Sprintf("n%d", k)
	return []jen.Code{jen.If(jen.Id(n).Op(":=").Id("d").Dot("count").Call(), jen.Id("d").Dot("begin").Call(jen.LitRune('['))).Block(
		jen.Add(x).Op("=").Make(goType(t), jen.Lit(0), jen.Id(n)),
		jen.For(jen.Id("d").Dot("more").Call()).Block(loop...),
	)}
}

// pointerDecode reads an optional field: null leaves it nil; strings and
// numbers point into the decoder's shared blocks.
func pointerDecode(x jen.Code, t *ir.TypeRef) []jen.Code {
	var set jen.Code
	switch {
	case t.Kind == ir.String && t.Enum != nil:
		set = jen.Add(x).Op("=").Parens(jen.Op("*").Id(t.Enum.GoName)).Call(jen.Id("d").Dot("strPtr").Call(jen.Id("d").Dot("str").Call()))
	case t.Kind == ir.String:
		set = jen.Add(x).Op("=").Id("d").Dot("strPtr").Call(jen.Id("d").Dot("str").Call())
	case t.Kind == ir.Float64 || t.Kind == ir.Number:
		set = jen.Add(x).Op("=").Id("d").Dot("f64Ptr").Call(jen.Id("d").Dot("float").Call(jen.Lit(t.Wire == ir.Stringified)))
	default:
		stmts := append([]jen.Code{jen.Add(x).Op("=").New(goType(t))}, valueDecode(jen.Parens(jen.Op("*").Add(x)), t, 0)...)
		return []jen.Code{jen.If(jen.Op("!").Id("d").Dot("null").Call()).Block(stmts...)}
	}
	return []jen.Code{jen.If(jen.Op("!").Id("d").Dot("null").Call()).Block(set)}
}

// valueDecode reads a value of type t into the addressable x, at nesting k.
func valueDecode(x jen.Code, t *ir.TypeRef, k int) []jen.Code {
	q := jen.Lit(t.Wire == ir.Stringified)
	set := func(v jen.Code) []jen.Code { return []jen.Code{jen.Add(x).Op("=").Add(v)} }
	d := func(m string, args ...jen.Code) *jen.Statement { return jen.Id("d").Dot(m).Call(args...) }
	switch t.Kind {
	case ir.String:
		if t.Enum != nil {
			return set(jen.Id(t.Enum.GoName).Call(d("str")))
		}
		return set(d("str"))
	case ir.Int32, ir.Int64:
		if t.ZeroText != "" {
			return set(goType(t).Call(d("integerOr", jen.Lit(bits(t.Kind)), jen.Lit(t.ZeroText))))
		}
		return set(goType(t).Call(d("integer", jen.Lit(bits(t.Kind)), q)))
	case ir.Uint32, ir.Uint64:
		return set(goType(t).Call(d("unsigned", jen.Lit(bits(t.Kind)), q)))
	case ir.Float64, ir.Number:
		return set(d("float", q))
	case ir.Bool:
		return set(d("boolean", q))
	case ir.Bytes:
		return set(d("bytes"))
	case ir.Any:
		return set(d("raw"))
	case ir.Struct, ir.OrderedMap:
		return []jen.Code{jen.Add(x).Dot("decode").Call(jen.Id("d"))}
	case ir.Map:
		if t.Named != nil {
			return []jen.Code{jen.Add(x).Dot("decode").Call(jen.Id("d"))}
		}
		return mapDecode(x, t.Elem, goType(t), k)
	case ir.Slice:
		return sliceDecode(x, t, k)
	}
	panic(fmt.Sprintf("emit: no decoder for kind %d", t.Kind)) // unreachable: build rejects other kinds
}
