package irbuild

import (
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// celTypes is a cel-go type provider backed by the spec's named object
// schemas, so that the checker knows `self.x` exactly when the schema has
// a property x, with the type the wire carries: a JSON object is an object
// type with its properties, an array a list, additionalProperties a
// map(string, T), and every value the table format sends as a string
// (x-pegasus-string-of) stays a string. Anything it does not know it
// leaves to cel-go's own registry.
type celTypes struct {
	base  *types.Registry
	named map[string]*ir.Type
	// missed records the struct types a member was looked up in and not
	// found, so that a diagnostic names the members there are. It is one
	// rule's (see forRule): rules compile side by side.
	missed map[string]string // member → type name
}

// forRule is p for compiling one rule: the schemas, and a record of
// misses of its own, so that a diagnostic names the type its own rule
// missed a member of.
func (p *celTypes) forRule() *celTypes {
	return &celTypes{base: p.base, named: p.named, missed: map[string]string{}}
}

// newCELTypes is the spec's named schemas as cel-go sees them: the base
// each rule's provider is made from (forRule), never handed to cel-go
// itself, as it has no record of misses to write to.
func newCELTypes(named map[string]*ir.Type) *celTypes {
	base, _ := types.NewRegistry()
	return &celTypes{base: base, named: named}
}

// celType is the CEL type of a value of an IR type, as it is on the wire.
func celType(t *ir.TypeRef) *types.Type {
	if t == nil {
		return types.DynType
	}
	if t.Wire == ir.Stringified {
		return types.StringType
	}
	switch t.Kind {
	case ir.String:
		return types.StringType
	case ir.Int32, ir.Int64, ir.Uint32, ir.Uint64:
		if t.ZeroText != "" {
			return types.DynType
		}
		return types.IntType
	case ir.Float64, ir.Number:
		return types.DoubleType
	case ir.Bool:
		return types.BoolType
	case ir.Slice:
		return types.NewListType(celType(t.Elem))
	case ir.Map:
		if t.Named != nil {
			return types.NewMapType(types.StringType, celType(t.Named.Elem))
		}
		return types.NewMapType(types.StringType, celType(t.Elem))
	case ir.OrderedMap:
		if t.Named != nil && t.Named.Row != nil {
			return types.NewMapType(types.StringType, types.NewObjectType(t.Named.Row.Name))
		}
	case ir.Struct:
		if t.Named != nil {
			return types.NewObjectType(t.Named.Name)
		}
	}
	return types.DynType
}

// EnumValue is cel-go's: the spec has no CEL enums.
func (p *celTypes) EnumValue(name string) ref.Val { return p.base.EnumValue(name) }

// FindIdent is cel-go's.
func (p *celTypes) FindIdent(name string) (ref.Val, bool) { return p.base.FindIdent(name) }

// FindStructType knows every named object schema with properties.
func (p *celTypes) FindStructType(name string) (*types.Type, bool) {
	if t := p.named[name]; t != nil && t.Kind == ir.Struct {
		return types.NewTypeTypeWithParam(types.NewObjectType(name)), true
	}
	return p.base.FindStructType(name)
}

// FindStructFieldNames lists a schema's properties.
func (p *celTypes) FindStructFieldNames(name string) ([]string, bool) {
	if t := p.named[name]; t != nil && t.Kind == ir.Struct {
		return p.members(t), true
	}
	return p.base.FindStructFieldNames(name)
}

func (p *celTypes) members(t *ir.Type) []string {
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = f.JSONName
	}
	return names
}

// FindStructFieldType is the type of a property, remembering a miss.
func (p *celTypes) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	t := p.named[name]
	if t == nil || t.Kind != ir.Struct {
		return p.base.FindStructFieldType(name, field)
	}
	for _, f := range t.Fields {
		if f.JSONName == field {
			return &types.FieldType{Type: celType(f.Type)}, true
		}
	}
	p.missed[field] = name
	return nil, false
}

// NewValue is never called: the generator only checks rules.
func (p *celTypes) NewValue(name string, fields map[string]ref.Val) ref.Val {
	return types.NewErr("pegasus-gen does not build %s values", name)
}

// missedIn names the type a member was last looked up in and not found,
// and the members it has.
func (p *celTypes) missedIn(field string) (string, []string) {
	name := p.missed[field]
	if t := p.named[name]; t != nil {
		return name, p.members(t)
	}
	return "", nil
}
