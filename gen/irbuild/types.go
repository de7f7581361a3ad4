package irbuild

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

const schemaRefPrefix = "#/components/schemas/"

// schemas makes a named type of every object schema under
// components/schemas. It runs in two passes so that schemas may refer to
// each other in any order.
func (b *builder) schemas() {
	if b.doc.Components == nil {
		return
	}
	names := make([]string, 0, len(b.doc.Components.Schemas))
	for n := range b.doc.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	byGo := map[string]string{}
	for _, n := range names {
		s := b.doc.Components.Schemas[n].Value
		ptr := load.Pointer("components", "schemas", n)
		if s == nil || !b.combinators(s, ptr, "schema "+n) || !isObject(s) {
			continue
		}
		t := &ir.Type{Name: n, GoName: goName(n), Doc: s.Description, Nullable: s.Nullable, Pos: b.spec.Pos(ptr)}
		if other, dup := byGo[t.GoName]; dup {
			b.diags.Add(t.Pos, "schema "+n, "Go name %s is also the name of schema %q (rename one of them)", t.GoName, other)
		}
		byGo[t.GoName] = n
		switch {
		case len(s.Properties) > 0:
			t.Kind = ir.Struct
		case s.Extensions["x-pegasus-key"] != nil:
			t.Kind = ir.OrderedMap
		default:
			t.Kind = ir.Map
		}
		b.types[n] = t
	}
	// Structs first: ordered maps look up their key among a row's fields.
	for _, structs := range []bool{true, false} {
		for _, n := range names {
			if t := b.types[n]; t != nil && (t.Kind == ir.Struct) == structs {
				b.fillType(t, b.doc.Components.Schemas[n].Value, load.Pointer("components", "schemas", n))
			}
		}
	}
}

// isObject reports whether a schema describes a JSON object.
func isObject(s *openapi3.Schema) bool {
	return s.Type.Is("object") || len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil
}

// fillType sets the fields, rows or element of a named type.
func (b *builder) fillType(t *ir.Type, s *openapi3.Schema, ptr string) {
	subj := "schema " + t.Name
	switch t.Kind {
	case ir.Struct:
		b.fillStruct(t, s, ptr)
	case ir.OrderedMap:
		var key string
		if !b.decodeExt(s.Extensions, "x-pegasus-key", ptr, subj, &key) {
			return
		}
		row := b.typeRef(s.AdditionalProperties.Schema, ptr+"/additionalProperties", subj)
		if row == nil || row.Kind != ir.Struct {
			b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-key"), subj, "x-pegasus-key needs additionalProperties to be a $ref to a named object schema")
			return
		}
		t.Row = row.Named
		for _, f := range row.Named.Fields {
			if f.JSONName == key {
				t.KeyField = f
			}
		}
		if t.KeyField == nil {
			b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-key"), subj, "x-pegasus-key %q is not a property of %s", key, row.Named.Name)
		}
	case ir.Map:
		if s.AdditionalProperties.Schema == nil {
			b.diags.Add(t.Pos, subj, "an object schema needs properties or additionalProperties")
			return
		}
		t.Elem = b.typeRef(s.AdditionalProperties.Schema, ptr+"/additionalProperties", subj)
	}
}

// fillStruct makes the fields of a struct in the order they are written,
// which is the wire order of the order-keeping formats.
func (b *builder) fillStruct(t *ir.Type, s *openapi3.Schema, ptr string) {
	subj := "schema " + t.Name
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	propPos := func(n string) ir.Pos { return b.spec.Pos(ptr + load.Pointer("properties", n)) }
	pos := make(map[string]ir.Pos, len(names))
	for _, n := range names {
		pos[n] = propPos(n)
	}
	sort.Slice(names, func(i, j int) bool {
		pi, pj := pos[names[i]], pos[names[j]]
		if pi.Line != pj.Line {
			return pi.Line < pj.Line
		}
		if pi.Col != pj.Col {
			return pi.Col < pj.Col // properties written on one line
		}
		return names[i] < names[j]
	})
	byGo := map[string]string{} // Go name → the property that has it
	for _, n := range names {
		pptr := ptr + load.Pointer("properties", n)
		ps := s.Properties[n]
		f := &ir.Field{JSONName: n, GoName: goName(n), Required: required[n], Pos: pos[n]}
		if other, taken := byGo[f.GoName]; taken {
			b.diags.Add(f.Pos, subj, "property %q: its Go name %s is already that of property %q (rename one)", n, f.GoName, other)
		} else {
			byGo[f.GoName] = n
		}
		f.Type = b.typeRef(ps, pptr, subj)
		if f.Type == nil {
			continue
		}
		if v := ps.Value; v != nil {
			f.Doc = v.Description
			for _, e := range v.Enum {
				f.Enum = append(f.Enum, fmt.Sprint(e))
			}
			f.MinLength = int(v.MinLength)
			if v.Min != nil {
				m := int64(*v.Min)
				f.Min = &m
			}
			b.keywords(f, v, pptr, subj)
			b.decodeExt(v.Extensions, "x-pegasus-invalid", pptr, subj, &f.Invalid)
		}
		t.Fields = append(t.Fields, f)
	}
	for _, r := range s.Required {
		if s.Properties[r] == nil {
			b.diags.Add(b.spec.Pos(ptr+"/required"), subj, "required property %q is not among the properties", r)
		}
	}
	// Conditions refer to other fields, so they are resolved once all exist.
	for _, f := range t.Fields {
		v := s.Properties[f.JSONName].Value
		if v == nil || v.Extensions["x-pegasus-required-when"] == nil {
			continue
		}
		var cond map[string]any
		if !b.decodeExt(v.Extensions, "x-pegasus-required-when", ptr+load.Pointer("properties", f.JSONName), subj, &cond) {
			continue
		}
		if len(cond) != 1 {
			b.diags.Add(b.spec.Pos(ptr+load.Pointer("properties", f.JSONName, "x-pegasus-required-when")), subj, "property %q: x-pegasus-required-when takes one {property: value} pair", f.JSONName)
			continue
		}
		for k, val := range cond {
			for _, other := range t.Fields {
				if other.JSONName == k {
					f.RequiredWhen = &ir.Condition{Field: other, Value: fmt.Sprint(val)}
				}
			}
			if f.RequiredWhen == nil {
				b.diags.Add(b.spec.Pos(ptr+load.Pointer("properties", f.JSONName, "x-pegasus-required-when")), subj, "property %q: x-pegasus-required-when names %q, which is not a property of %s", f.JSONName, k, t.Name)
			}
		}
	}
	if s.AdditionalProperties.Schema != nil {
		t.Extra = b.typeRef(s.AdditionalProperties.Schema, ptr+"/additionalProperties", subj)
		t.ExtraGoName = "Extra"
		if other, taken := byGo[t.ExtraGoName]; taken {
			b.diags.Add(t.Pos, subj, "property %q clashes with the field Extra that holds additionalProperties (rename it)", other)
		}
	}
}

// typeRef resolves a schema use to an IR type. Named object schemas become
// references; scalars, arrays and maps are resolved in place. Inline object
// schemas with properties are refused: every struct gets its Go name from the
// spec, never one the generator invents.
func (b *builder) typeRef(sr *openapi3.SchemaRef, ptr, subj string) *ir.TypeRef {
	if sr == nil {
		b.diags.Add(b.spec.Pos(ptr), subj, "missing schema")
		return nil
	}
	if sr.Ref != "" {
		name, ok := strings.CutPrefix(sr.Ref, schemaRefPrefix)
		if !ok {
			b.diags.Add(b.spec.Pos(ptr+"/$ref"), subj, "$ref %q: only local #/components/schemas references are supported", sr.Ref)
			return nil
		}
		if t := b.types[name]; t != nil {
			return &ir.TypeRef{Kind: t.Kind, Named: t, Nullable: t.Nullable}
		}
		// A named scalar or array schema is resolved in place; one that
		// reaches itself again would never end.
		if b.resolving[name] {
			b.diags.Add(b.spec.Pos(load.Pointer("components", "schemas", name)), "schema "+name, "refers to itself through arrays or scalars: only named object schemas may be recursive")
			return nil
		}
		b.resolving[name] = true
		defer delete(b.resolving, name)
		ptr, subj = load.Pointer("components", "schemas", name), "schema "+name
	}
	s := sr.Value
	if s == nil {
		b.diags.Add(b.spec.Pos(ptr), subj, "unresolved schema")
		return nil
	}
	if b.depth++; b.depth > MaxNesting {
		b.diags.Add(b.spec.Pos(ptr), subj, "arrays and maps nest deeper than %d levels, the generator's limit: give an inner level a name in components/schemas", MaxNesting)
		b.depth--
		return nil
	}
	defer func() { b.depth-- }()
	if !b.combinators(s, ptr, subj) {
		return nil
	}
	if ref := intOrText(s); ref != nil {
		return ref
	}
	if len(s.OneOf) > 0 {
		return &ir.TypeRef{Kind: ir.Any, Nullable: s.Nullable}
	}
	ref := &ir.TypeRef{Nullable: s.Nullable}
	switch {
	case s.Type.Is("string"):
		ref.Kind = ir.String
		if s.Format == "binary" {
			ref.Kind = ir.Bytes
		}
		if of, ok := s.Extensions["x-pegasus-string-of"]; ok {
			ref.Wire = ir.Stringified
			switch of {
			case "integer":
				ref.Kind = intKind(s.Format)
			case "number":
				ref.Kind = ir.Float64
				var d int
				if b.decodeExt(s.Extensions, "x-pegasus-decimals", ptr, subj, &d) {
					ref.Decimals = d
				} else {
					ref.Decimals = 2 // table_printer's precision
				}
			case "boolean":
				ref.Kind = ir.Bool
			default:
				b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-string-of"), subj, "x-pegasus-string-of %v: use integer, number or boolean", of)
			}
		}
	case s.Type.Is("integer"):
		ref.Kind = intKind(s.Format)
	case s.Type.Is("number"):
		ref.Kind = ir.Float64
		if s.Extensions["x-pegasus-number"] == "literal" {
			ref.Kind = ir.Number
		}
	case s.Type.Is("boolean"):
		ref.Kind = ir.Bool
	case s.Type.Is("array"):
		ref.Kind = ir.Slice
		ref.Elem = b.typeRef(s.Items, ptr+"/items", subj)
		if ref.Elem == nil {
			return nil
		}
	case isObject(s):
		if len(s.Properties) > 0 || s.AdditionalProperties.Schema == nil {
			b.diags.Add(b.spec.Pos(ptr), subj, "inline object schema: move it to components/schemas so that its Go type has a name")
			return nil
		}
		ref.Kind = ir.Map
		ref.Elem = b.typeRef(s.AdditionalProperties.Schema, ptr+"/additionalProperties", subj)
		if ref.Elem == nil {
			return nil
		}
	case s.Type != nil && len(*s.Type) > 0:
		return nil // a type OpenAPI does not know: validation says so
	default:
		b.diags.Add(b.spec.Pos(ptr), subj, "schema has no type: say type: string, integer, number, boolean, array or object")
		return nil
	}
	return ref
}

// MaxNesting is how deep arrays and maps may nest in one schema
// (spec/CONVENTIONS.md): the bundled spec needs 3; the limit keeps a
// hostile spec from costing the emit stage minutes.
const MaxNesting = 32

// combinators refuses the schema combinators outside the Pegasus dialect
// (spec/CONVENTIONS.md): allOf, anyOf, not and discriminator anywhere, and
// oneOf but for a value of several scalar types. It reports whether s is
// within the dialect.
func (b *builder) combinators(s *openapi3.Schema, ptr, subj string) bool {
	ok := true
	refuse := func(kw, why string) {
		b.diags.Add(b.spec.Pos(ptr+"/"+kw), subj, "%s is outside the Pegasus dialect: %s (see spec/CONVENTIONS.md)", kw, why)
		ok = false
	}
	if len(s.AllOf) > 0 {
		refuse("allOf", "write the combined object as one schema")
	}
	if len(s.AnyOf) > 0 {
		refuse("anyOf", "use oneOf of scalar types for a value of several types")
	}
	if s.Not != nil {
		refuse("not", "the generated code checks no negated schemas")
	}
	if s.Discriminator != nil {
		refuse("discriminator", "the servers send no tagged unions")
	}
	for _, alt := range s.OneOf {
		if v := alt.Value; alt.Ref != "" || v == nil || !(v.Type.Is("string") || v.Type.Is("integer") || v.Type.Is("number") || v.Type.Is("boolean")) {
			refuse("oneOf", "a value of several types is a oneOf of scalar types (string, integer, number, boolean); a 200 body that is JSON or a text line is oneOf a named object schema and a string")
			break
		}
	}
	return ok
}

// intKind maps an integer format to a kind; int64 is the default because it
// holds every value the servers send.
func intKind(format string) ir.Kind {
	switch format {
	case "int32":
		return ir.Int32
	case "uint32":
		return ir.Uint32
	case "uint64":
		return ir.Uint64
	}
	return ir.Int64
}

// assignFormats gives each named type the format of the bodies it is written
// in. A type shared by two formats would need two encoders with different
// key orders, so that is reported instead.
func (b *builder) assignFormats() {
	for _, op := range b.api.Operations {
		for _, r := range op.Responses {
			if r.Format.IsJSON() {
				b.setFormat(r.Body, r.Format, op)
			}
		}
	}
}

func (b *builder) setFormat(t *ir.TypeRef, f ir.Format, op *ir.Operation) {
	if t == nil {
		return
	}
	b.setFormat(t.Elem, f, op)
	n := t.Named
	if n == nil {
		return
	}
	if n.Format == f {
		return
	}
	if n.Format != ir.FormatEmpty {
		b.diags.Add(n.Pos, "schema "+n.Name, "used in both %s and %s bodies (by %s %s): give each format its own schema", n.Format, f, op.Method, op.Path)
		return
	}
	n.Format = f
	for _, fl := range n.Fields {
		b.setFormat(fl.Type, f, op)
	}
	b.setFormat(n.Extra, f, op)
	b.setFormat(n.Elem, f, op)
	if n.Row != nil {
		b.setFormat(&ir.TypeRef{Kind: ir.Struct, Named: n.Row}, f, op)
	}
}

// orderFields puts the fields of types written in a key-sorting format in
// byte order, so emitters simply write fields in slice order.
func (b *builder) orderFields() {
	for _, t := range b.types {
		if t.Format.SortsKeys() {
			sort.SliceStable(t.Fields, func(i, j int) bool { return t.Fields[i].JSONName < t.Fields[j].JSONName })
		}
	}
}

// intOrText reads "an integer, or one fixed string": oneOf an integer
// schema and a string schema with a single enum value (a /metrics port is
// a number, or "unknown"). The Go value is the integer, zero standing for
// the text. Any other oneOf is nil.
func intOrText(s *openapi3.Schema) *ir.TypeRef {
	if len(s.OneOf) != 2 || s.OneOf[0].Value == nil || s.OneOf[1].Value == nil {
		return nil
	}
	n, t := s.OneOf[0].Value, s.OneOf[1].Value
	if !n.Type.Is("integer") || !t.Type.Is("string") || len(t.Enum) != 1 {
		return nil
	}
	text, ok := t.Enum[0].(string)
	if !ok || text == "" {
		return nil
	}
	return &ir.TypeRef{Kind: intKind(n.Format), ZeroText: text, Nullable: s.Nullable}
}
