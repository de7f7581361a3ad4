package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// conformTables emits a role's operations and types as the engine's
// tables. Named types become entries of one slice that schemas refer to by
// position, so no table needs a name of its own.
type conformTables struct {
	role  *ir.Role
	index map[*ir.Type]int
}

func newConformTables(role *ir.Role) *conformTables {
	t := &conformTables{role: role, index: map[*ir.Type]int{}}
	for i, ty := range role.Types {
		t.index[ty] = i + 1
	}
	return t
}

// types lists the named types:
//
//	Types: []*cfSchema{{Name: "MetaAppInfo", Kind: cfStruct, Fields: []*cfField{{Name: "general", Schema: &cfSchema{Ref: 12}, Required: true}}}, …}
func (t *conformTables) types() jen.Code {
	vals := make([]jen.Code, len(t.role.Types))
	for i, ty := range t.role.Types {
		d := jen.Dict{jen.Id("Name"): jen.Lit(ty.Name), jen.Id("Nullable"): litIf(ty.Nullable)}
		switch ty.Kind {
		case ir.Struct:
			d[jen.Id("Kind")] = jen.Id("cfStruct")
			d[jen.Id("Fields")] = t.fields(ty.Fields)
			if ty.Extra != nil {
				d[jen.Id("Extra")] = t.schema(ty.Extra)
			}
		case ir.OrderedMap:
			d[jen.Id("Kind")] = jen.Id("cfOrderedMap")
			d[jen.Id("Elem")] = jen.Op("&").Id("cfSchema").Values(jen.Dict{jen.Id("Ref"): jen.Lit(t.index[ty.Row])})
			if ty.KeyField != nil {
				d[jen.Id("KeyField")] = jen.Lit(ty.KeyField.JSONName)
			}
		default:
			d[jen.Id("Kind")] = jen.Id(conformKind(ty.Kind))
			if ty.Elem != nil {
				d[jen.Id("Elem")] = t.schema(ty.Elem)
			}
		}
		vals[i] = jen.Values(omitZero(d))
	}
	return jen.Index().Op("*").Id("cfSchema").Values(vals...)
}

// constIf names the engine's constant for an enumerated setting, the names
// listed in the IR's order; nil for the first, the zero value.
func constIf(v int, names ...string) jen.Code {
	if v == 0 {
		return nil
	}
	return jen.Id(names[v])
}

// conformKind is the engine's constant for a kind.
func conformKind(k ir.Kind) string {
	return [...]string{"cfString", "cfInt32", "cfInt64", "cfUint32", "cfUint64", "cfFloat64", "cfBool", "cfBytes",
		"cfStruct", "cfOrderedMap", "cfMap", "cfSlice", "cfAny", "cfNumber"}[k]
}

// schema is a use of a type: &cfSchema{Ref: 3} for a named one, else its
// shape.
func (t *conformTables) schema(ref *ir.TypeRef) jen.Code {
	if ref == nil {
		return nil
	}
	d := jen.Dict{jen.Id("Nullable"): litIf(ref.Nullable)}
	if ref.Named != nil {
		d[jen.Id("Ref")] = jen.Lit(t.index[ref.Named])
		return jen.Op("&").Id("cfSchema").Values(omitZero(d))
	}
	d[jen.Id("Kind")] = jen.Id(conformKind(ref.Kind))
	d[jen.Id("Stringified")] = litIf(ref.Wire == ir.Stringified)
	d[jen.Id("Decimals")] = litIf(ref.Decimals)
	d[jen.Id("Elem")] = t.schema(ref.Elem)
	return jen.Op("&").Id("cfSchema").Values(omitZero(d))
}

// fields lists a struct's properties with their validation rules.
func (t *conformTables) fields(fields []*ir.Field) jen.Code {
	vals := make([]jen.Code, len(fields))
	for i, fl := range fields {
		d := jen.Dict{
			jen.Id("Name"):      jen.Lit(fl.JSONName),
			jen.Id("Schema"):    t.schema(fl.Type),
			jen.Id("Required"):  litIf(fl.Required),
			jen.Id("Enum"):      stringsLit(fl.Enum),
			jen.Id("MinLength"): litIf(fl.MinLength),
			jen.Id("Invalid"):   litIf(fl.Invalid),
		}
		if fl.Min != nil {
			d[jen.Id("HasMin")], d[jen.Id("Min")] = jen.True(), jen.Lit(*fl.Min)
		}
		if c := fl.RequiredWhen; c != nil {
			d[jen.Id("WhenField")], d[jen.Id("WhenValue")] = jen.Lit(c.Field.JSONName), jen.Lit(c.Value)
		}
		vals[i] = jen.Values(omitZero(d))
	}
	return jen.Index().Op("*").Id("cfField").Values(vals...)
}

// ops lists the role's operations.
func (t *conformTables) ops() jen.Code {
	vals := make([]jen.Code, len(t.role.Operations))
	for i, op := range t.role.Operations {
		vals[i] = t.op(op)
	}
	return jen.Index().Op("*").Id("cfOp").Values(vals...)
}

// op is one operation:
//
//	{Name: "GetMetaApp", Method: "GET", Path: "/meta/app", Redirect: 2, RejectUnknown: true, Params: …, Responses: …, Examples: …}
func (t *conformTables) op(op *ir.Operation) jen.Code {
	d := jen.Dict{
		jen.Id("Name"):          jen.Lit(op.GoName),
		jen.Id("Method"):        jen.Lit(op.Method),
		jen.Id("Path"):          jen.Lit(op.Path),
		jen.Id("HelpIndex"):     litIf(op.Builtin == ir.BuiltinHelpIndex),
		jen.Id("Methods"):       constIf(int(op.Methods), "cfAnyMethod", "cfGetOnly", "cfExactMethod"),
		jen.Id("MethodError"):   litIf(op.MethodError),
		jen.Id("JSONErrors"):    litIf(op.ErrorFormat == ir.ErrorJSON),
		jen.Id("Redirect"):      constIf(int(op.Redirect), "cfNoRedirect", "cfRedirectFirst", "cfRedirectAfterNames"),
		jen.Id("RejectUnknown"): litIf(op.RejectUnknown),
		jen.Id("UnknownBody"):   litIf(op.UnknownBody),
		jen.Id("Mutates"):       litIf(op.Mutates),
		jen.Id("ConformQuery"):  litIf(op.ConformQuery),
		jen.Id("SingleFlight"):  litIf(op.SingleFlight),
	}
	if op.Feature != nil {
		d[jen.Id("Feature")] = jen.Lit(op.Feature.Name)
	}
	if op.Guard != nil {
		d[jen.Id("Guard")] = jen.Lit(op.Guard.Name)
	}
	if len(op.Params) > 0 {
		ps := make([]jen.Code, len(op.Params))
		for i, p := range op.Params {
			ps[i] = t.param(p)
		}
		d[jen.Id("Params")] = jen.Index().Op("*").Id("cfParam").Values(ps...)
	}
	if b := op.Body; b != nil {
		bd := jen.Dict{jen.Id("Invalid"): litIf(b.Invalid), jen.Id("ContentType"): litIf(b.ContentType)}
		if b.Type != nil && b.Type.Kind != ir.Bytes {
			bd[jen.Id("Schema")] = t.schema(b.Type)
		}
		d[jen.Id("Body")] = jen.Op("&").Id("cfBody").Values(omitZero(bd))
	}
	rs := make([]jen.Code, len(op.Responses))
	for i, r := range op.Responses {
		rs[i] = t.response(r)
	}
	d[jen.Id("Responses")] = jen.Index().Op("*").Id("cfResponse").Values(rs...)
	if len(op.Examples) > 0 {
		es := make([]jen.Code, len(op.Examples))
		for i, e := range op.Examples {
			es[i] = jen.Values(omitZero(jen.Dict{jen.Id("Query"): litIf(e.Query), jen.Id("Body"): litIf(e.Body), jen.Id("Status"): jen.Lit(e.Status)}))
		}
		d[jen.Id("Examples")] = jen.Index().Id("cfExample").Values(es...)
	}
	return jen.Values(omitZero(d))
}

// param is one query parameter and its error texts.
func (t *conformTables) param(p *ir.Param) jen.Code {
	d := jen.Dict{
		jen.Id("Name"):          jen.Lit(p.Name),
		jen.Id("Kind"):          constIf(int(p.Kind), "cfValueParam", "cfFlagParam", "cfListParam", "cfPairsParam", "cfFreeFormParam"),
		jen.Id("Required"):      litIf(p.Required),
		jen.Id("Missing"):       optString(p.Missing),
		jen.Id("Empty"):         optString(p.Empty),
		jen.Id("Invalid"):       optString(p.Invalid),
		jen.Id("IgnoreInvalid"): litIf(p.IgnoreInvalid),
		jen.Id("Examples"):      stringsLit(p.Examples),
		jen.Id("Default"):       optString(p.Default),
	}
	if p.Kind == ir.ValueParam && p.Type != nil {
		d[jen.Id("Type")] = jen.Id(conformKind(p.Type.Kind))
	}
	if p.Min != nil {
		d[jen.Id("HasMin")], d[jen.Id("Min")] = jen.True(), jen.Lit(*p.Min)
	}
	return jen.Values(omitZero(d))
}

// response is one documented status.
func (t *conformTables) response(r *ir.Response) jen.Code {
	d := jen.Dict{
		jen.Id("Status"):      jen.Lit(r.Status),
		jen.Id("Format"):      constIf(int(r.Format), "cfFormatEmpty", "cfFormatTable", "cfFormatSorted", "cfFormatPretty4", "cfFormatPretty2", "cfFormatText", "cfFormatBinary"),
		jen.Id("ContentType"): litIf(r.ContentType),
		jen.Id("Schema"):      t.schema(r.Body),
		jen.Id("OrText"):      litIf(r.TextGoName != ""),
		jen.Id("Texts"):       stringsLit(r.Texts),
		jen.Id("Pattern"):     litIf(r.Pattern),
		jen.Id("Headers"):     stringsLit(r.Headers),
	}
	if r.StatusField != nil {
		d[jen.Id("StatusField")] = jen.Lit("/" + r.StatusField.JSONName)
	}
	return jen.Values(omitZero(d))
}

// conformScenarios lists the stateful scenarios of the role.
func conformScenarios(api *ir.API, role *ir.Role) jen.Code {
	if api.Conform == nil {
		return nil
	}
	var vals []jen.Code
	for _, sc := range api.Conform.Scenarios {
		if !wanted(sc.Roles, role.Name) {
			continue
		}
		vals = append(vals, jen.Values(omitZero(jen.Dict{
			jen.Id("Name"):        jen.Lit(sc.Name),
			jen.Id("Description"): litIf(sc.Description),
			jen.Id("Steps"):       conformSteps(sc.Steps),
			jen.Id("Restore"):     conformSteps(sc.Restore),
		})))
	}
	if len(vals) == 0 {
		return nil
	}
	return jen.Index().Op("*").Id("cfScenario").Values(vals...)
}

// conformSteps lists the steps of a scenario.
func conformSteps(steps []*ir.Step) jen.Code {
	if len(steps) == 0 {
		return nil
	}
	pairs := func(list []*ir.FieldValue) jen.Code {
		if len(list) == 0 {
			return nil
		}
		vals := make([]jen.Code, len(list))
		for i, fv := range list {
			vals[i] = jen.Values(jen.Lit(fv.Field), jen.Lit(fv.Value))
		}
		return jen.Index().Index(jen.Lit(2)).String().Values(vals...)
	}
	vals := make([]jen.Code, len(steps))
	for i, st := range steps {
		var saves jen.Code
		if len(st.Save) > 0 {
			sv := make([]jen.Code, len(st.Save))
			for j, s := range st.Save {
				sv[j] = jen.Values(omitZero(jen.Dict{jen.Id("Var"): jen.Lit(s.Var), jen.Id("Field"): jen.Lit(s.Field), jen.Id("Default"): litIf(s.Default), jen.Id("HasDefault"): litIf(s.HasDefault)}))
			}
			saves = jen.Index().Id("cfSave").Values(sv...)
		}
		vals[i] = jen.Values(omitZero(jen.Dict{
			jen.Id("Op"):      jen.Lit(st.Operation.GoName),
			jen.Id("Query"):   litIf(st.Query),
			jen.Id("Body"):    litIf(st.Body),
			jen.Id("Status"):  jen.Lit(st.Status),
			jen.Id("Expect"):  pairs(st.Expect),
			jen.Id("Differs"): pairs(st.Differs),
			jen.Id("Present"): stringsLit(st.Present),
			jen.Id("Save"):    saves,
		}))
	}
	return jen.Index().Op("*").Id("cfStep").Values(vals...)
}
