package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// typesFile emits the named types a role uses, each with the encoder of its
// wire format and, where encoding/json cannot keep order, a decoder.
func typesFile(api *ir.API, role *ir.Role) partedFile {
	parts := []filePart{func(f *jen.File) { enumDecls(f, role.Enums) }}
	for lo := 0; lo < len(role.Types); lo += partSize {
		batch := role.Types[lo:min(lo+partSize, len(role.Types))]
		parts = append(parts, func(f *jen.File) {
			for _, t := range batch {
				typeDecls(f, t)
			}
		})
	}
	return partedFile{pkg: role.Package, header: api.Header, parts: parts}
}

// typeDecls emits one named type, its encoder, and its decoder if it has
// one.
func typeDecls(f *jen.File, t *ir.Type) {
	switch t.Kind {
	case ir.Struct:
		structDecl(f, t)
	case ir.OrderedMap:
		orderedMapDecl(f, t)
	case ir.Map:
		mapDecl(f, t)
	}
	if decodable(t) {
		decoderDecl(f, t)
	}
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
		fields = append(fields, fieldDoc(fl).Line().Id(fl.GoName).Add(fieldType(t, fl)).Tag(map[string]string{"json": tag}))
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

// orderedMapDecl emits a table whose row order matters as a slice of rows,
// with its encoder (orderedMapEncoder) and a decoder that keeps the order:
//
//	type MetaAppReplicas []MetaAppReplica
//	func (v *MetaAppReplicas) UnmarshalJSON(data []byte) error { ... }
func orderedMapDecl(f *jen.File, t *ir.Type) {
	f.Add(typeDoc(t))
	f.Type().Id(t.GoName).Index().Id(t.Row.GoName)
	if t.Format != ir.FormatEmpty {
		orderedMapEncoder(f, t)
	}
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
	mapEncoder(f, t)
}

// typeDoc is the doc comment of a named type: the schema's own description,
// or a line naming the schema.
func typeDoc(t *ir.Type) *jen.Statement {
	return jen.Comment(docText(t.GoName, t.Doc, fmt.Sprintf("is the schema %s of the spec.", t.Name)))
}

// docLine is a field's doc comment: the spec's description, or a line
// naming the JSON member.
// fieldDoc is a field's doc comment, saying when a member that is not
// always sent is present (ir.Field.PresentWhen), so that a nil is never a
// surprise.
func fieldDoc(fl *ir.Field) *jen.Statement {
	if fl.PresentWhen == "" {
		return docLine(fl.GoName, fl.Doc, fl.JSONName)
	}
	doc := fl.Doc
	if doc == "" {
		doc = fl.GoName + " is the member " + fl.JSONName + "."
	}
	return jen.Comment(oneParagraph(doc) + " " + fl.PresentWhen)
}

func docLine(goName, doc, jsonName string) *jen.Statement {
	if doc == "" {
		return jen.Comment(goName + " is the member " + jsonName + ".")
	}
	return jen.Comment(oneParagraph(doc))
}
