package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// goType is the one place IR types become Go type expressions.
func goType(t *ir.TypeRef) *jen.Statement {
	if t.Enum != nil {
		return jen.Id(t.Enum.GoName)
	}
	switch t.Kind {
	case ir.String:
		return jen.String()
	case ir.Int32:
		return jen.Int32()
	case ir.Int64:
		return jen.Int64()
	case ir.Uint32:
		return jen.Uint32()
	case ir.Uint64:
		return jen.Uint64()
	case ir.Float64:
		return jen.Float64()
	case ir.Bool:
		return jen.Bool()
	case ir.Bytes:
		return jen.Index().Byte()
	case ir.Struct, ir.OrderedMap:
		return jen.Id(t.Named.GoName)
	case ir.Map:
		if t.Named != nil {
			return jen.Id(t.Named.GoName)
		}
		return jen.Map(jen.String()).Add(goType(t.Elem))
	case ir.Slice:
		return jen.Index().Add(goType(t.Elem))
	case ir.Number:
		return jen.Float64()
	default: // ir.Any
		return jen.Qual("encoding/json", "RawMessage")
	}
}

// fieldType is the Go type of a struct field: optional scalars are pointers.
func fieldType(t *ir.Type, f *ir.Field) *jen.Statement {
	if t.Pointer(f) {
		return jen.Op("*").Add(goType(f.Type))
	}
	return goType(f.Type)
}

// paramType is the Go type a query parameter binds to.
func paramType(p *ir.Param) *jen.Statement {
	switch p.Kind {
	case ir.FlagParam:
		return jen.Bool()
	case ir.ListParam, ir.PairsParam:
		return jen.Index().String()
	case ir.FreeFormParam:
		return jen.Id("Args")
	}
	if p.Optional() {
		return jen.Op("*").Add(goType(p.Type))
	}
	return goType(p.Type)
}

// isInt reports whether k is a signed integer kind; isUint, unsigned.
func isInt(k ir.Kind) bool  { return k == ir.Int32 || k == ir.Int64 }
func isUint(k ir.Kind) bool { return k == ir.Uint32 || k == ir.Uint64 }

// bits is the width of an integer kind, for range checks.
func bits(k ir.Kind) int {
	if k == ir.Int32 || k == ir.Uint32 {
		return 32
	}
	return 64
}
