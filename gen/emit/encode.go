package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// Generated encoders append a body to a byte slice the way a hand-written
// one would: every constant byte (braces, commas, keys with their colons,
// the quotes of stringified numbers) is known here, so it is merged into as
// few appends as possible, and only values and the separators that depend
// on optional members are decided at run time. Each named type gets
//
//	func (v *MetaAppGeneral) appendJSON(b []byte) []byte          // compact formats
//	func (v *MetricsSnapshot) appendJSON(b []byte, d int) []byte  // pretty formats, d = depth
//
// and the server's answer writer calls the body's encoder on a pooled
// buffer.

// enc collects the statements of an encoder, holding back constant text
// until something else has to be appended.
type enc struct {
	f ir.Format
	// depth is the expression of the depth the encoder writes at (the
	// parameter d), or nil when that depth is 0 (the answer writer).
	depth jen.Code
	stmts []jen.Code
	text  strings.Builder
}

// sub is an encoder for a nested block at the same format and depth.
func (e *enc) sub() *enc { return &enc{f: e.f, depth: e.depth} }

// lit holds back constant text.
func (e *enc) lit(s string) { e.text.WriteString(s) }

// flush appends the held-back text:  b = append(b, "…"...), or a single
// byte as b = append(b, ',')
func (e *enc) flush() {
	if e.text.Len() == 0 {
		return
	}
	lit := jen.Lit(e.text.String()).Op("...")
	if t := e.text.String(); len(t) == 1 && t[0] < 0x80 {
		lit = jen.LitRune(rune(t[0]))
	}
	e.stmts = append(e.stmts, jen.Id("b").Op("=").Append(jen.Id("b"), lit))
	e.text.Reset()
}

// add emits a statement after the held-back text.
func (e *enc) add(c jen.Code) {
	e.flush()
	e.stmts = append(e.stmts, c)
}

// call appends through a function:  b = fn(b, args...)
func (e *enc) call(fn jen.Code, args ...jen.Code) {
	e.add(jen.Id("b").Op("=").Add(fn).Call(append([]jen.Code{jen.Id("b")}, args...)...))
}

// block is everything emitted, text included.
func (e *enc) block() []jen.Code {
	e.flush()
	return e.stmts
}

// pretty reports whether the format indents, and by how many spaces.
func (e *enc) pretty() (step int, ok bool) {
	switch e.f {
	case ir.FormatPretty4:
		return 4, true
	case ir.FormatPretty2:
		return 2, true
	}
	return 0, false
}

// at is the depth expression k levels below the encoder's own: d+k, or
// the plain number at the top of a body.
func (e *enc) at(k int) jen.Code {
	switch {
	case e.depth == nil:
		return jen.Lit(k)
	case k == 0:
		return e.depth
	}
	return jen.Add(e.depth).Op("+").Lit(k)
}

// line starts a new line at depth k in the pretty formats:  b = rtLine(b, 4, d+1)
func (e *enc) line(k int) {
	if step, ok := e.pretty(); ok {
		e.call(jen.Id("rtLine"), jen.Lit(step), e.at(k))
	}
}

// colon follows a key: the pretty encoders put a space after it.
func (e *enc) colon() string {
	if _, ok := e.pretty(); ok {
		return ": "
	}
	return ":"
}

// nlohmann reports whether the format's encoder is nlohmann::json, whose
// escapes and doubles differ from rapidjson's.
func (e *enc) nlohmann() bool { return e.f.SortsKeys() }

// encoderSig is the signature of a named type's encoder; the pretty formats
// take the depth the value starts at.
//
//	func (v *T) appendJSON(b []byte, d int) []byte
func encoderSig(recv jen.Code, t *ir.Type) *jen.Statement {
	params := []jen.Code{jen.Id("b").Index().Byte()}
	if t.Format == ir.FormatPretty4 || t.Format == ir.FormatPretty2 {
		params = append(params, jen.Id("d").Int())
	}
	return jen.Func().Params(recv).Id("appendJSON").Params(params...).Index().Byte()
}

// typeEnc is the encoder of a named type's body, at depth d.
func typeEnc(t *ir.Type) *enc {
	e := &enc{f: t.Format}
	if _, ok := e.pretty(); ok {
		e.depth = jen.Id("d")
	}
	return e
}

// appendCall appends a value of a named type at depth k:  b = x.appendJSON(b, d+1)
func (e *enc) appendCall(x jen.Code, k int) {
	args := []jen.Code{jen.Id("b")}
	if _, ok := e.pretty(); ok {
		args = append(args, e.at(k))
	}
	e.add(jen.Id("b").Op("=").Add(x).Dot("appendJSON").Call(args...))
}

// value appends x, of type t, at depth k. It is the one place that knows
// how each kind looks in each format.
func (e *enc) value(t *ir.TypeRef, x jen.Code, k int) {
	str := t.Wire == ir.Stringified
	quoted := func(fn jen.Code, args ...jen.Code) {
		if str {
			e.lit(`"`)
		}
		e.call(fn, args...)
		if str {
			e.lit(`"`)
		}
	}
	switch {
	case t.Enum != nil:
		x = jen.String().Call(x)
	case t.ZeroText != "":
		e.call(jen.Id("rtAppendIntOr"), jen.Int64().Call(x), jen.Lit(t.ZeroText))
		return
	}
	switch t.Kind {
	case ir.String, ir.Bytes:
		e.call(jen.Id("rtAppendQuoted"), x, jen.Lit(e.nlohmann()))
	case ir.Int32, ir.Int64:
		quoted(jen.Qual("strconv", "AppendInt"), jen.Int64().Call(x), jen.Lit(10))
	case ir.Uint32, ir.Uint64:
		quoted(jen.Qual("strconv", "AppendUint"), jen.Uint64().Call(x), jen.Lit(10))
	case ir.Float64:
		if str {
			quoted(jen.Id("rtAppendFixed"), x, jen.Lit(t.Decimals))
		} else {
			e.call(jen.Id("rtAppendFloat"), x, jen.Lit(e.nlohmann()))
		}
	case ir.Bool:
		quoted(jen.Qual("strconv", "AppendBool"), x)
	case ir.Any:
		e.call(jen.Id("rtAppendRaw"), x, jen.Id(formatConst(e.f)), e.at(k))
	case ir.Number:
		e.call(jen.Id("rtAppendNumberFloat"), x, jen.Lit(e.nlohmann()))
	case ir.Struct, ir.OrderedMap:
		e.appendCall(x, k)
	case ir.Map:
		if t.Named != nil {
			e.appendCall(x, k)
			return
		}
		e.inlineMap(t, x, k)
	case ir.Slice:
		e.slice(t, x, k)
	default:
		panic(fmt.Sprintf("emit: no encoder for kind %d", t.Kind)) // unreachable: build rejects other kinds
	}
}

// loopVars names the variables of a loop at depth k, distinct from those
// of the loops around it.
func loopVars(k int) (idx, key, elem string) {
	n := fmt.Sprint(k)
	return "i" + n, "k" + n, "e" + n
}

// nullOr appends null for a nil x, else x itself:
//
//	if x == nil { b = append(b, "null"...) } else { …x… }
func (e *enc) nullOr(t *ir.TypeRef, x jen.Code, k int) {
	val := e.sub()
	val.value(t, x, k)
	e.add(jen.If(jen.Add(x).Op("==").Nil()).Block(e.sub().litBlock("null")...).Else().Block(val.block()...))
}

// slice appends an array, one element per line in the pretty formats:
//
//	b = append(b, '[')
//	for i1 := range x { if i1 > 0 { b = append(b, ',') }; b = rtLine(b, 4, d+1); b = x[i1].appendJSON(b, d+1) }
//	if len(x) > 0 { b = rtLine(b, 4, d) }
//	b = append(b, ']')
func (e *enc) slice(t *ir.TypeRef, x jen.Code, k int) {
	i, _, _ := loopVars(k + 1)
	e.lit("[")
	body := e.sub()
	body.add(jen.If(jen.Id(i).Op(">").Lit(0)).Block(body.sub().litBlock(",")...))
	body.line(k + 1)
	body.value(t.Elem, jen.Add(x).Index(jen.Id(i)), k+1)
	e.add(jen.For(jen.Id(i).Op(":=").Range().Add(x)).Block(body.block()...))
	e.closeLoop(jen.Len(x).Op(">").Lit(0), k, "]")
}

// closeLoop ends a container filled in a loop: in the pretty formats a
// non-empty one closes on a line of its own.
func (e *enc) closeLoop(nonEmpty jen.Code, k int, closer string) {
	if _, ok := e.pretty(); ok {
		in := e.sub()
		in.line(k)
		e.add(jen.If(nonEmpty).Block(in.block()...))
	}
	e.lit(closer)
}

// litBlock is a block of constant text alone.
func (e *enc) litBlock(s string) []jen.Code {
	e.lit(s)
	return e.block()
}

// inlineMap appends an unnamed map; the nlohmann formats write null for an
// empty one (an nlohmann::json never assigned a member):
//
//	if len(x) == 0 { b = append(b, "null"...) } else { …object… }
func (e *enc) inlineMap(t *ir.TypeRef, x jen.Code, k int) {
	if !e.f.SortsKeys() {
		e.mapObject(t.Elem, x, k)
		return
	}
	obj := e.sub()
	obj.mapObject(t.Elem, x, k)
	e.add(jen.If(jen.Len(x).Op("==").Lit(0)).Block(e.sub().litBlock("null")...).Else().Block(obj.block()...))
}

// mapObject appends a map as an object, members in key order (nlohmann's
// std::map order, and a deterministic one where the server's is
// unspecified):
//
//	b = append(b, '{')
//	for i1, k1 := range rtSortedKeys(x) { if i1 > 0 { … ',' }; b = rtAppendQuoted(b, k1, false); b = append(b, ':'); …value… }
//	b = append(b, '}')
func (e *enc) mapObject(elem *ir.TypeRef, m jen.Code, k int) {
	i, key, _ := loopVars(k + 1)
	e.lit("{")
	body := e.sub()
	body.add(jen.If(jen.Id(i).Op(">").Lit(0)).Block(body.sub().litBlock(",")...))
	body.mapMember(elem, m, k+1)
	e.add(jen.For(jen.List(jen.Id(i), jen.Id(key)).Op(":=").Range().Id("rtSortedKeys").Call(m)).Block(body.block()...))
	e.closeLoop(jen.Len(m).Op(">").Lit(0), k, "}")
}

// mapMember appends the member of map m under the loop's key, at depth k,
// after its separator.
func (e *enc) mapMember(elem *ir.TypeRef, m jen.Code, k int) {
	_, key, el := loopVars(k)
	e.line(k)
	e.call(jen.Id("rtAppendQuoted"), jen.Id(key), jen.Lit(e.nlohmann()))
	e.lit(e.colon())
	x := jen.Add(m).Index(jen.Id(key))
	if elem.Kind == ir.Struct {
		// Map elements are not addressable: copy one out to encode it.
		e.add(jen.Id(el).Op(":=").Add(x))
		x = jen.Id(el)
	}
	e.value(elem, x, k)
}

// sepState is what must precede the next member of an object.
type sepState int

const (
	// sepFirst: nothing written yet, so no comma.
	sepFirst sepState = iota
	// sepRest: a member was certainly written, so a comma.
	sepRest
	// sepDynamic: only optional members so far; the variable more says.
	sepDynamic
)

// optional reports whether a field is left out of the body when unset.
func optional(t *ir.Type, fl *ir.Field) bool {
	return t.Pointer(fl) || (!fl.Required && nilable(fl.Type))
}

// needsMore reports whether a struct's encoder must track in a variable
// whether it wrote a member: only when some separator or closing line
// follows optional members and nothing certain.
func needsMore(t *ir.Type, pretty bool) bool {
	st, reads := sepFirst, false
	for _, fl := range t.Fields {
		reads = reads || st == sepDynamic
		switch {
		case !optional(t, fl):
			st = sepRest
		case st == sepFirst:
			st = sepDynamic
		}
	}
	if t.Extra != nil && st != sepRest {
		reads, st = true, sepDynamic
	}
	return reads || (pretty && st == sepDynamic)
}

// member writes what precedes a member's value: the comma its state asks
// for, the line of the pretty formats, the quoted key and colon.
func (e *enc) member(st sepState, quotedKey string) {
	switch st {
	case sepRest:
		e.lit(",")
	case sepDynamic:
		e.add(jen.If(jen.Id("more")).Block(e.sub().litBlock(",")...))
	}
	e.line(1)
	e.lit(quotedKey + e.colon())
}

// setMore records that a member was written.
func (e *enc) setMore() { e.add(jen.Id("more").Op("=").True()) }

// closeObject ends a struct's object: in the pretty formats a non-empty one
// closes on a line of its own.
func (e *enc) closeObject(st sepState) {
	switch st {
	case sepRest:
		e.line(0)
	case sepDynamic:
		if _, ok := e.pretty(); ok {
			in := e.sub()
			in.line(0)
			e.add(jen.If(jen.Id("more")).Block(in.block()...))
		}
	}
	e.lit("}")
}

// field writes one named field after a separator in state st, leaving out
// an absent optional one, and returns the state after it.
//
//	if v.Detail != nil { if more { b = append(b, ',') }; more = true; b = append(b, "\"detail\":"...); … }
func (e *enc) field(t *ir.Type, fl *ir.Field, st sepState, track bool) sepState {
	var x jen.Code = jen.Id("v").Dot(fl.GoName)
	key := quotedKey(e.f, fl.JSONName)
	switch {
	case optional(t, fl):
		in := e.sub()
		in.member(st, key)
		if st != sepRest && track {
			in.setMore()
		}
		if t.Pointer(fl) {
			x = deref(fl.Type, x)
		}
		in.value(fl.Type, x, 1)
		e.add(jen.If(jen.Id("v").Dot(fl.GoName).Op("!=").Nil()).Block(in.block()...))
		if st == sepRest {
			return sepRest
		}
		return sepDynamic
	case fl.Type.Nullable && nilable(fl.Type):
		// Always present, and nil is JSON null.
		e.member(st, key)
		e.nullOr(fl.Type, x, 1)
	default:
		e.member(st, key)
		e.value(fl.Type, x, 1)
	}
	return sepRest
}

// structEncoder emits the encoder of a struct:
//
//	func (v *MetaAppGeneral) appendJSON(b []byte) []byte {
//		b = append(b, "{\"app_name\":"...)
//		b = rtAppendQuoted(b, v.AppName, false)
//		b = append(b, ",\"app_id\":\""...)
//		b = strconv.AppendInt(b, int64(v.AppID), 10)
//		b = append(b, "\"}"...)
//		return b
//	}
func structEncoder(f *jen.File, t *ir.Type) {
	e := typeEnc(t)
	_, pretty := e.pretty()
	var st sepState
	switch {
	case t.Extra != nil && t.Format.SortsKeys():
		e.mergedMembers(t)
		st = sepDynamic
	default:
		track := needsMore(t, pretty)
		if track {
			e.add(jen.Id("more").Op(":=").False())
		}
		e.lit("{")
		for _, fl := range t.Fields {
			st = e.field(t, fl, st, track)
		}
		if t.Extra != nil {
			st = e.extraMembers(t, st)
		}
	}
	e.closeObject(st)
	e.add(jen.Return(jen.Id("b")))
	f.Comment("appendJSON appends v in the " + t.Format.String() + " format.")
	// A pointer receiver: bodies are encoded in place, not copied per call.
	f.Add(encoderSig(jen.Id("v").Op("*").Id(t.GoName), t).Block(e.block()...))
}

// extraMembers writes a struct's extra members after its named ones, in
// key order.
func (e *enc) extraMembers(t *ir.Type, st sepState) sepState {
	_, key, _ := loopVars(1)
	body := e.sub()
	if st == sepRest {
		body.lit(",")
	} else {
		body.add(jen.If(jen.Id("more")).Block(body.sub().litBlock(",")...))
		body.setMore()
	}
	body.mapMember(t.Extra, jen.Id("v").Dot(t.ExtraGoName), 1)
	e.add(jen.For(jen.List(jen.Id("_"), jen.Id(key)).Op(":=").Range().Id("rtSortedKeys").Call(jen.Id("v").Dot(t.ExtraGoName))).Block(body.block()...))
	if st == sepRest {
		return sepRest
	}
	return sepDynamic
}

// mergedMembers writes named fields and extra members in one sorted run,
// as nlohmann's std::map does; an object with no extra member was never
// assigned one, and nlohmann dumps it as null (§4.2):
//
//	if len(v.Extra) == 0 { return append(b, "null"...) }
//	more := false
//	b = append(b, '{')
//	for _, k1 := range rtMergeKeys(rtSortedKeys(v.Extra), "appid") {
//		switch k1 {
//		case "appid": …
//		default: if more { … ',' }; more = true; b = rtAppendQuoted(b, k1, true); …
//		}
//	}
func (e *enc) mergedMembers(t *ir.Type) {
	_, key, _ := loopVars(1)
	extra := jen.Id("v").Dot(t.ExtraGoName)
	e.add(jen.If(jen.Len(extra).Op("==").Lit(0)).Block(jen.Return(jen.Append(jen.Id("b"), jen.Lit("null").Op("...")))))
	e.add(jen.Id("more").Op(":=").False())
	e.lit("{")
	names := []jen.Code{jen.Id("rtSortedKeys").Call(extra)}
	cases := make([]jen.Code, 0, len(t.Fields)+1)
	for _, fl := range t.Fields {
		names = append(names, jen.Lit(fl.JSONName))
		c := e.sub()
		c.field(t, fl, sepDynamic, true)
		if !optional(t, fl) {
			c.setMore()
		}
		cases = append(cases, jen.Case(jen.Lit(fl.JSONName)).Block(c.block()...))
	}
	def := e.sub()
	def.add(jen.If(jen.Id("more")).Block(def.sub().litBlock(",")...))
	def.setMore()
	def.mapMember(t.Extra, extra, 1)
	cases = append(cases, jen.Default().Block(def.block()...))
	e.add(jen.For(jen.List(jen.Id("_"), jen.Id(key)).Op(":=").Range().Id("rtMergeKeys").Call(names...)).Block(
		jen.Switch(jen.Id(key)).Block(cases...)))
}

// orderedMapEncoder emits the encoder of a table whose rows are kept in
// order, as one object with each row under its key:
//
//	func (v MetaAppReplicas) appendJSON(b []byte) []byte {
//		b = append(b, '{')
//		for i1 := range v { if i1 > 0 { … ',' }; b = rtAppendQuoted(b, strconv.FormatInt(int64(v[i1].Pidx), 10), false); b = append(b, ':'); b = v[i1].appendJSON(b) }
//		b = append(b, '}')
//		return b
//	}
func orderedMapEncoder(f *jen.File, t *ir.Type) {
	e := typeEnc(t)
	i, _, _ := loopVars(1)
	row := jen.Id("v").Index(jen.Id(i))
	e.lit("{")
	body := e.sub()
	body.add(jen.If(jen.Id(i).Op(">").Lit(0)).Block(body.sub().litBlock(",")...))
	body.line(1)
	body.call(jen.Id("rtAppendQuoted"), scalarText(t.KeyField.Type, jen.Add(row).Dot(t.KeyField.GoName)), jen.Lit(e.nlohmann()))
	body.lit(e.colon())
	body.appendCall(row, 1)
	e.add(jen.For(jen.Id(i).Op(":=").Range().Id("v")).Block(body.block()...))
	e.closeLoop(jen.Len(jen.Id("v")).Op(">").Lit(0), 0, "}")
	e.add(jen.Return(jen.Id("b")))
	f.Comment("appendJSON appends the rows as one object, each under its " + t.KeyField.JSONName + ".")
	f.Add(encoderSig(jen.Id("v").Id(t.GoName), t).Block(e.block()...))
}

// mapEncoder emits the encoder of a named map, members in key order:
//
//	func (v AppEnvs) appendJSON(b []byte) []byte { …object… ; return b }
func mapEncoder(f *jen.File, t *ir.Type) {
	e := typeEnc(t)
	e.inlineMap(&ir.TypeRef{Kind: ir.Map, Elem: t.Elem}, jen.Id("v"), 0)
	e.add(jen.Return(jen.Id("b")))
	f.Comment("appendJSON appends the members in key order.")
	f.Add(encoderSig(jen.Id("v").Id(t.GoName), t).Block(e.block()...))
}
