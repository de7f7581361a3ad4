package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// typesFile emits the named types a role uses, each with the encoder of its
// wire format and, where encoding/json cannot keep order, a decoder.
func typesFile(role *ir.Role) *jen.File {
	f := newFile(role.Package)
	for _, t := range role.Types {
		switch t.Kind {
		case ir.Struct:
			structDecl(f, t)
		case ir.OrderedMap:
			orderedMapDecl(f, t)
		case ir.Map:
			mapDecl(f, t)
		}
	}
	return f
}

// structDecl emits a struct, its encoder, and a decoder when it has extra
// members besides its properties:
//
//	type MetaAppGeneral struct {
//		AppName string `json:"app_name"`
//		AppID   int32  `json:"app_id,string"`
//	}
func structDecl(f *jen.File, t *ir.Type) {
	fields := make([]jen.Code, 0, len(t.Fields)+1)
	for _, fl := range t.Fields {
		tag := fl.JSONName
		if fl.Type.Wire == ir.Stringified {
			tag += ",string"
		}
		if !fl.Required && !t.Input {
			tag += ",omitempty"
		}
		fields = append(fields, docLine(fl.GoName, fl.Doc, fl.JSONName).Line().Id(fl.GoName).Add(fieldType(t, fl)).Tag(map[string]string{"json": tag}))
	}
	if t.Extra != nil {
		fields = append(fields, jen.Comment(t.ExtraGoName+" holds the members that are not named properties, by key.").Line().
			Id(t.ExtraGoName).Map(jen.String()).Add(goType(t.Extra)).Tag(map[string]string{"json": "-"}))
	}
	f.Add(typeDoc(t))
	f.Type().Id(t.GoName).Struct(fields...)
	if t.Format != ir.FormatEmpty {
		structEncoder(f, t)
	}
	if t.Extra != nil {
		structDecoder(f, t)
	}
}

// structEncoder emits the body writer of a struct:
//
//	func (v MetaAppGeneral) writeJSON(j *rtJSON) {
//		j.BeginObject()
//		j.Key("app_name")
//		j.String(v.AppName)
//		j.EndObject()
//	}
func structEncoder(f *jen.File, t *ir.Type) {
	var body []jen.Code
	if t.Extra != nil {
		body = append(body, nullWhenEmpty(t, jen.Id("v").Dot(t.ExtraGoName)))
	}
	body = append(body, jen.Id("j").Dot("BeginObject").Call())
	if t.Extra != nil && t.Format.SortsKeys() {
		body = append(body, mergedMembers(t)...)
	} else {
		for _, fl := range t.Fields {
			body = append(body, fieldWrite(t, fl)...)
		}
		if t.Extra != nil {
			body = append(body, mapMembers(jen.Id("v").Dot(t.ExtraGoName), t.Extra, t.Format))
		}
	}
	body = append(body, jen.Id("j").Dot("EndObject").Call())
	f.Comment("writeJSON writes v in the " + t.Format.String() + " format.")
	// A pointer receiver: bodies are written in place, not copied per call.
	f.Func().Params(jen.Id("v").Op("*").Id(t.GoName)).Id("writeJSON").Params(jen.Id("j").Op("*").Id("rtJSON")).Block(body...)
}

// nullWhenEmpty writes null for an object the nlohmann formats build
// member by member (a map, or a struct's extra members) when it got no
// member: an nlohmann::json never assigned dumps as null, so the real
// duplication body is "null" with no duplications and an empty
// partition_states is null too (§4.2). Other formats write {}.
//
//	if len(v) == 0 { j.Null(); return }
func nullWhenEmpty(t *ir.Type, x jen.Code) jen.Code {
	if !t.Format.SortsKeys() {
		return jen.Null()
	}
	return jen.If(jen.Len(x).Op("==").Lit(0)).Block(jen.Id("j").Dot("Null").Call(), jen.Return())
}

// mergedMembers writes named fields and extra members in one sorted run, as
// nlohmann's std::map does:
//
//	for _, k := range rtMergeKeys(rtSortedKeys(v.Extra), "appid") {
//		switch k {
//		case "appid":
//			j.Key(k); j.Int(int64(v.Appid))
//		default:
//			j.Key(k); v.Extra[k].writeJSON(j)
//		}
//	}
func mergedMembers(t *ir.Type) []jen.Code {
	names := make([]jen.Code, 0, len(t.Fields))
	cases := make([]jen.Code, 0, len(t.Fields)+1)
	for _, fl := range t.Fields {
		names = append(names, jen.Lit(fl.JSONName))
		cases = append(cases, jen.Case(jen.Lit(fl.JSONName)).Block(fieldWrite(t, fl)...))
	}
	// Map elements are not addressable: copy one out before writing it.
	def := []jen.Code{jen.Id("j").Dot("Key").Call(jen.Id("k")), jen.Id("e").Op(":=").Id("v").Dot(t.ExtraGoName).Index(jen.Id("k"))}
	cases = append(cases, jen.Default().Block(append(def, valueWrite(t.Extra, t.Format, jen.Id("e"))...)...))
	return []jen.Code{
		jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Id("rtMergeKeys").Call(
			append([]jen.Code{jen.Id("rtSortedKeys").Call(jen.Id("v").Dot(t.ExtraGoName))}, names...)...)).Block(
			jen.Switch(jen.Id("k")).Block(cases...)),
	}
}

// fieldWrite writes one field, leaving out absent optional ones.
func fieldWrite(t *ir.Type, fl *ir.Field) []jen.Code {
	x := jen.Id("v").Dot(fl.GoName)
	key := memberKey(t.Format, fl.JSONName)
	switch {
	case t.Pointer(fl):
		return []jen.Code{jen.If(jen.Add(x).Op("!=").Nil()).Block(append([]jen.Code{key}, valueWrite(fl.Type, t.Format, deref(fl.Type, x))...)...)}
	case !fl.Required && nilable(fl.Type):
		// Optional: nil leaves the member out.
		return []jen.Code{jen.If(jen.Add(x).Op("!=").Nil()).Block(append([]jen.Code{key}, valueWrite(fl.Type, t.Format, x)...)...)}
	case fl.Type.Nullable && nilable(fl.Type):
		// Always present, and nil is JSON null.
		return []jen.Code{key, jen.If(jen.Add(x).Op("==").Nil()).Block(jen.Id("j").Dot("Null").Call()).Else().Block(valueWrite(fl.Type, t.Format, x)...)}
	}
	return append([]jen.Code{key}, valueWrite(fl.Type, t.Format, x)...)
}

// memberKey writes a constant member name: in the compact formats with its
// separator and colon in one literal, in the pretty ones through the
// writer, which knows the indentation.
//
//	j.Member("\"app_id\":", ",\"app_id\":")   or   j.KeyQuoted("\"app_id\"")
func memberKey(f ir.Format, name string) jen.Code {
	q := quotedKey(f, name)
	if f == ir.FormatTable || f == ir.FormatSorted {
		return jen.Id("j").Dot("Member").Call(jen.Lit(q+":"), jen.Lit(","+q+":"))
	}
	return jen.Id("j").Dot("KeyQuoted").Call(jen.Lit(q))
}

// quotedKey is a constant member name as the format's encoder quotes it,
// so that the generated encoder writes it without scanning it.
func quotedKey(f ir.Format, name string) string {
	rf := pegasusrt.Table
	switch f {
	case ir.FormatSorted:
		rf = pegasusrt.Sorted
	case ir.FormatPretty4:
		rf = pegasusrt.Pretty4
	case ir.FormatPretty2:
		rf = pegasusrt.Pretty2
	}
	return pegasusrt.Quote(rf, name)
}

// deref is the value behind pointer x for writing: method calls on structs
// dereference by themselves, scalars need the explicit *.
func deref(t *ir.TypeRef, x jen.Code) jen.Code {
	if t.Kind == ir.Struct {
		return x
	}
	return jen.Op("*").Add(x)
}

// nilable reports whether a Go value of t can be nil.
func nilable(t *ir.TypeRef) bool {
	return t.Kind == ir.Map || t.Kind == ir.Slice || t.Kind == ir.OrderedMap || t.Kind == ir.Bytes || t.Kind == ir.Any
}

// valueWrite returns the statements that write x, of type t. It is the one
// place that knows how each scalar looks in each wire form.
func valueWrite(t *ir.TypeRef, f ir.Format, x jen.Code) []jen.Code {
	j := func(m string, args ...jen.Code) []jen.Code { return []jen.Code{jen.Id("j").Dot(m).Call(args...)} }
	str := t.Wire == ir.Stringified
	switch t.Kind {
	case ir.String:
		return j("String", x)
	case ir.Bytes:
		return j("String", jen.String().Call(x))
	case ir.Int32, ir.Int64:
		if str {
			return j("IntString", jen.Int64().Call(x))
		}
		return j("Int", jen.Int64().Call(x))
	case ir.Uint32, ir.Uint64:
		if str {
			return j("UintString", jen.Uint64().Call(x))
		}
		return j("Uint", jen.Uint64().Call(x))
	case ir.Float64:
		if str {
			return j("FloatString", x, jen.Lit(t.Decimals))
		}
		return j("Float", x)
	case ir.Bool:
		if str {
			return j("BoolString", x)
		}
		return j("Bool", x)
	case ir.Any:
		return j("Raw", x)
	case ir.Number:
		return j("Number", jen.String().Call(x))
	case ir.Struct, ir.OrderedMap:
		return []jen.Code{jen.Add(x).Dot("writeJSON").Call(jen.Id("j"))}
	case ir.Map:
		if t.Named != nil {
			return []jen.Code{jen.Add(x).Dot("writeJSON").Call(jen.Id("j"))}
		}
		obj := []jen.Code{jen.Id("j").Dot("BeginObject").Call(), mapMembers(x, t.Elem, f), jen.Id("j").Dot("EndObject").Call()}
		if f.SortsKeys() {
			// nlohmann: an object never assigned a member dumps as null.
			return []jen.Code{jen.If(jen.Len(x).Op("==").Lit(0)).Block(jen.Id("j").Dot("Null").Call()).Else().Block(obj...)}
		}
		return obj
	case ir.Slice:
		return []jen.Code{
			jen.Id("j").Dot("BeginArray").Call(),
			jen.For(jen.Id("i").Op(":=").Range().Add(x)).Block(valueWrite(t.Elem, f, jen.Add(x).Index(jen.Id("i")))...),
			jen.Id("j").Dot("EndArray").Call(),
		}
	}
	panic(fmt.Sprintf("emit: no writer for kind %d", t.Kind)) // unreachable: build rejects other kinds
}

// mapMembers writes a map's members in key order, which is both nlohmann's
// order and a deterministic one where the real server's is unspecified.
func mapMembers(m jen.Code, elem *ir.TypeRef, f ir.Format) jen.Code {
	if elem.Kind == ir.Struct {
		// for _, k := range rtSortedKeys(m) { j.Key(k); e := m[k]; e.writeJSON(j) }
		return jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Id("rtSortedKeys").Call(m)).Block(
			append([]jen.Code{jen.Id("j").Dot("Key").Call(jen.Id("k")), jen.Id("e").Op(":=").Add(m).Index(jen.Id("k"))}, valueWrite(elem, f, jen.Id("e"))...)...)
	}
	return jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Id("rtSortedKeys").Call(m)).Block(
		append([]jen.Code{jen.Id("j").Dot("Key").Call(jen.Id("k"))}, valueWrite(elem, f, jen.Add(m).Index(jen.Id("k")))...)...)
}

// structDecoder emits UnmarshalJSON for a struct with extra members:
//
//	func (v *DuplicationInfo) UnmarshalJSON(data []byte) error {
//		type plain DuplicationInfo
//		if err := json.Unmarshal(data, (*plain)(v)); err != nil { return err }
//		return rtDecodeOrdered(data, func(k string, raw json.RawMessage) error { ... })
//	}
func structDecoder(f *jen.File, t *ir.Type) {
	named := make([]jen.Code, 0, len(t.Fields))
	for _, fl := range t.Fields {
		named = append(named, jen.Lit(fl.JSONName))
	}
	skip := jen.Null()
	if len(named) > 0 {
		skip = jen.If(jen.Id("rtContains").Call(jen.Id("k"), jen.Index().String().Values(named...))).Block(jen.Return(jen.Nil()))
	}
	f.Comment("UnmarshalJSON reads the named properties and keeps every other member in " + t.ExtraGoName + ".")
	f.Func().Params(jen.Id("v").Op("*").Id(t.GoName)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Type().Id("plain").Id(t.GoName),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Parens(jen.Op("*").Id("plain")).Call(jen.Id("v"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id("rtDecodeOrdered").Call(jen.Id("data"), jen.Func().Params(jen.Id("k").String(), jen.Id("raw").Qual("encoding/json", "RawMessage")).Error().Block(
			skip,
			jen.Var().Id("e").Add(goType(t.Extra)),
			jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("raw"), jen.Op("&").Id("e")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.If(jen.Id("v").Dot(t.ExtraGoName).Op("==").Nil()).Block(jen.Id("v").Dot(t.ExtraGoName).Op("=").Map(jen.String()).Add(goType(t.Extra)).Values()),
			jen.Id("v").Dot(t.ExtraGoName).Index(jen.Id("k")).Op("=").Id("e"),
			jen.Return(jen.Nil()),
		))),
	)
}

// orderedMapDecl emits a table whose row order matters as a slice of rows:
//
//	type MetaAppReplicas []MetaAppReplica
//	func (v MetaAppReplicas) writeJSON(j *rtJSON) { ... j.Key(strconv.FormatInt(int64(r.Pidx), 10)); r.writeJSON(j) ... }
//	func (v *MetaAppReplicas) UnmarshalJSON(data []byte) error { ... }
func orderedMapDecl(f *jen.File, t *ir.Type) {
	f.Add(typeDoc(t))
	f.Type().Id(t.GoName).Index().Id(t.Row.GoName)
	if t.Format != ir.FormatEmpty {
		f.Comment("writeJSON writes the rows as one object, each under its " + t.KeyField.JSONName + ".")
		f.Func().Params(jen.Id("v").Id(t.GoName)).Id("writeJSON").Params(jen.Id("j").Op("*").Id("rtJSON")).Block(
			jen.Id("j").Dot("BeginObject").Call(),
			jen.For(jen.Id("i").Op(":=").Range().Id("v")).Block(
				jen.Id("j").Dot("Key").Call(scalarText(t.KeyField.Type, jen.Id("v").Index(jen.Id("i")).Dot(t.KeyField.GoName))),
				jen.Id("v").Index(jen.Id("i")).Dot("writeJSON").Call(jen.Id("j")),
			),
			jen.Id("j").Dot("EndObject").Call(),
		)
	}
	f.Comment("UnmarshalJSON reads the rows in the order the server wrote them.")
	f.Func().Params(jen.Id("v").Op("*").Id(t.GoName)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Op("*").Id("v").Op("=").Parens(jen.Op("*").Id("v")).Index(jen.Empty(), jen.Lit(0)),
		jen.Return(jen.Id("rtDecodeOrdered").Call(jen.Id("data"), jen.Func().Params(jen.Id("_").String(), jen.Id("raw").Qual("encoding/json", "RawMessage")).Error().Block(
			jen.Var().Id("r").Id(t.Row.GoName),
			jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("raw"), jen.Op("&").Id("r")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Op("*").Id("v").Op("=").Append(jen.Op("*").Id("v"), jen.Id("r")),
			jen.Return(jen.Nil()),
		))),
	)
}

// mapDecl emits a named map and its encoder, keys in byte order:
//
//	type AppEnvs map[string]string
func mapDecl(f *jen.File, t *ir.Type) {
	f.Add(typeDoc(t))
	f.Type().Id(t.GoName).Map(jen.String()).Add(goType(t.Elem))
	if t.Format == ir.FormatEmpty {
		return
	}
	f.Comment("writeJSON writes the members in key order.")
	f.Func().Params(jen.Id("v").Id(t.GoName)).Id("writeJSON").Params(jen.Id("j").Op("*").Id("rtJSON")).Block(
		nullWhenEmpty(t, jen.Id("v")),
		jen.Id("j").Dot("BeginObject").Call(),
		mapMembers(jen.Id("v"), t.Elem, t.Format),
		jen.Id("j").Dot("EndObject").Call(),
	)
}

// typeDoc is the doc comment of a named type: the schema's own description,
// or a line naming the schema.
func typeDoc(t *ir.Type) *jen.Statement {
	return jen.Comment(docText(t.GoName, t.Doc, fmt.Sprintf("is the schema %s of the spec.", t.Name)))
}

// docLine is a field's doc comment: the spec's description, or a line
// naming the JSON member.
func docLine(goName, doc, jsonName string) *jen.Statement {
	if doc == "" {
		return jen.Comment(goName + " is the member " + jsonName + ".")
	}
	return jen.Comment(oneParagraph(doc))
}
