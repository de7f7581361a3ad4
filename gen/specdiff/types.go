package specdiff

import (
	"fmt"
	"strconv"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// types compares the named schemas, matched by schema name. A type used in
// a request body is an input (callers write it, servers read it); any
// other is an output, and a change's class depends on which.
func (d *differ) types(old, new []*ir.Type) {
	both, gone, more := matchNames(old, new, func(t *ir.Type) string { return t.Name })
	for _, p := range both {
		d.namedType(p[0], p[1])
	}
	for _, t := range gone {
		d.add(ClientBreaking, "schema "+t.Name, t.Pos, "schema removed", "code naming its Go type "+t.GoName+" no longer compiles")
	}
	for _, t := range more {
		d.add(Addition, "schema "+t.Name, t.Pos, "schema added", "a new Go type")
	}
}

// namedType compares one schema: its facts, its fields and their order.
// Its format is not one of them: it follows from the formats of the
// answers that use it, each compared where it is written.
func (d *differ) namedType(old, new *ir.Type) {
	subj := "schema " + new.Name
	facts(d, subj, new.Pos, typeFacts, old, new)
	if old.Nullable != new.Nullable {
		d.nullable(subj, new.Pos, "nullable", new.Nullable, new.Input)
	}
	d.typeRef(subj+": additional properties", new.Pos, old.Extra, new.Extra, new.Input)
	d.typeRef(subj+": values", new.Pos, old.Elem, new.Elem, new.Input)
	both, gone, more := matchNames(old.Fields, new.Fields, func(f *ir.Field) string { return f.JSONName })
	for _, p := range both {
		d.field(subj, old, new, p[0], p[1])
	}
	for _, f := range gone {
		d.add(ClientBreaking, subj, f.Pos, "member "+f.JSONName+" removed", "callers that read or set it no longer compile")
	}
	for _, f := range more {
		d.addedField(subj, new, f)
	}
	if !new.Input && !new.Format.SortsKeys() && new.Format != ir.FormatEmpty {
		var oo, no []string
		for _, p := range both {
			oo = append(oo, p[0].JSONName)
		}
		for _, f := range new.Fields {
			if !contains(more, f) {
				no = append(no, f.JSONName)
			}
		}
		if joined(oo) != joined(no) {
			d.add(ServerBreaking, subj, new.Pos, fmt.Sprintf("member order: %s → %s", joined(oo), joined(no)),
				"servers write members in this order ("+new.Format.String()+" keeps written order)")
		}
	}
}

func contains(fs []*ir.Field, f *ir.Field) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

var typeFacts = []fact[*ir.Type]{
	{name: "Go name", class: ClientBreaking, reason: "code names the type by it", get: func(t *ir.Type) string { return t.GoName }},
	{name: "kind", class: ClientBreaking, reason: "the Go type's shape changes", get: func(t *ir.Type) string { return kindName(t.Kind) }},
	{name: "additional properties field", class: ClientBreaking, reason: "code names the field by it", get: func(t *ir.Type) string { return t.ExtraGoName }},
	{name: "row type", class: ClientBreaking, reason: "code names the rows' type", get: func(t *ir.Type) string {
		if t.Row == nil {
			return ""
		}
		return t.Row.Name
	}},
	{name: "key member", class: ClientBreaking, reason: "the member that holds each row's key", get: func(t *ir.Type) string {
		if t.KeyField == nil {
			return ""
		}
		return t.KeyField.JSONName
	}},
	{name: "description", class: Docs, reason: "documentation only", get: func(t *ir.Type) string { return t.Doc }},
}

// addedField classifies a new member: required members of inputs are
// callers' to send, of outputs servers'.
func (d *differ) addedField(subj string, t *ir.Type, f *ir.Field) {
	switch {
	case t.Input && (f.Required || f.RequiredWhen != nil):
		d.add(ClientBreaking, subj, f.Pos, "required member "+f.JSONName+" added", "callers must now send it")
	case t.Input:
		d.add(Addition, subj, f.Pos, "optional member "+f.JSONName+" added", "callers may send it")
	case f.Required:
		d.add(ServerBreaking, subj, f.Pos, "required member "+f.JSONName+" added", "servers must now send it")
	default:
		d.add(Addition, subj, f.Pos, "optional member "+f.JSONName+" added", "callers may read it")
	}
}

// field compares one member of a schema.
func (d *differ) field(subj string, ot, nt *ir.Type, old, new *ir.Field) {
	name := "member " + new.JSONName
	facts(d, subj, new.Pos, prefixed(name+" ", fieldFacts), old, new)
	switch {
	case ot.Pointer(old) != nt.Pointer(new):
		d.add(ClientBreaking, subj, new.Pos, fmt.Sprintf("%s required: %v → %v", name, old.Required, new.Required),
			"the Go field changes between a pointer and a value")
	case old.Required == new.Required:
	case nt.Input == new.Required:
		// An input made required, or an output made optional.
		d.add(ClientBreaking, subj, new.Pos, fmt.Sprintf("%s required: %v → %v", name, old.Required, new.Required),
			map[bool]string{true: "callers must now send it", false: "callers may now find it absent"}[nt.Input])
	default:
		d.add(ServerBreaking, subj, new.Pos, fmt.Sprintf("%s required: %v → %v", name, old.Required, new.Required),
			map[bool]string{true: "servers must accept it absent", false: "servers must now always send it"}[nt.Input])
	}
	d.typeRef(subj+": "+name, new.Pos, old.Type, new.Type, nt.Input)
	switch {
	case len(old.Enum)+len(new.Enum) == 0:
	case nt.Input:
		d.values(subj, new.Pos, name, makeSet(old.Enum, ""), makeSet(new.Enum, ""), sent)
	case old.Type.Enum == nil && new.Type.Enum == nil: // else compared as the enum's constants
		d.values(subj, new.Pos, name, makeSet(old.Enum, ""), makeSet(new.Enum, ""), answered)
	}
}

var fieldFacts = []fact[*ir.Field]{
	{name: "Go name", class: ClientBreaking, reason: "code names the field by it", get: func(f *ir.Field) string { return f.GoName }},
	{name: "minLength", classify: minLength, get: func(f *ir.Field) string { return strconv.Itoa(f.MinLength) }},
	{name: "minimum", classify: minimum, get: func(f *ir.Field) string { return optInt(f.Min) }},
	{name: "required when", classify: stricterIfSet("callers must send it in more cases", "servers must accept it absent"), get: func(f *ir.Field) string {
		if f.RequiredWhen == nil {
			return ""
		}
		return f.RequiredWhen.Field.JSONName + "=" + f.RequiredWhen.Value
	}},
	{name: "invalid error", class: ServerBreaking, reason: "servers answer this text when a check fails", get: func(f *ir.Field) string { return f.Invalid }},
	{name: "description", class: Docs, reason: "documentation only", get: func(f *ir.Field) string { return f.Doc }},
}

// minLength classifies a change of a request member's shortest length.
func minLength(o, n string) (Class, string) {
	ov, _ := strconv.Atoi(o)
	nv, _ := strconv.Atoi(n)
	if nv > ov {
		return ClientBreaking, "callers' shorter values are now rejected"
	}
	return ServerBreaking, "servers must now accept shorter values"
}

// nullable classifies a change of whether null is allowed.
func (d *differ) nullable(subj string, pos ir.Pos, what string, now, input bool) {
	w := fmt.Sprintf("%s: %v → %v", what, !now, now)
	switch {
	case input == now:
		d.add(ServerBreaking, subj, pos, w, map[bool]string{true: "servers must accept null", false: "servers may no longer send null"}[now])
	default:
		d.add(ClientBreaking, subj, pos, w, map[bool]string{true: "callers may now receive null", false: "callers sending null are now rejected"}[now])
	}
}

var kindNames = [...]string{"string", "int32", "int64", "uint32", "uint64", "float64", "bool", "bytes", "struct", "ordered map", "map", "slice", "any", "number"}

func kindName(k ir.Kind) string { return kindNames[k] }

// shape is a use of a type as its Go shape: what callers' code depends on.
func shape(t *ir.TypeRef) string {
	if t == nil {
		return ""
	}
	switch t.Kind {
	case ir.Struct, ir.OrderedMap:
		return t.Named.Name
	case ir.Map:
		return "map[string]" + shape(t.Elem)
	case ir.Slice:
		return "[]" + shape(t.Elem)
	}
	return kindName(t.Kind)
}

// typeRef compares two uses of a type: the shape first (a change there is
// all a reader needs), then how it travels, its null and its enum.
func (d *differ) typeRef(subj string, pos ir.Pos, old, new *ir.TypeRef, input bool) {
	if old == nil && new == nil {
		return
	}
	if so, sn := shape(old), shape(new); so != sn {
		d.add(ClientBreaking, subj, pos, fmt.Sprintf("type: %s → %s", show(so), show(sn)), "the Go type changes")
		return
	}
	facts(d, subj, pos, refFacts, old, new)
	if old.Nullable != new.Nullable {
		d.nullable(subj, pos, "nullable", new.Nullable, input)
	}
	if old.Enum != nil || new.Enum != nil {
		d.enum(subj, pos, old.Enum, new.Enum)
	}
	if old.Elem != nil {
		d.typeRef(subj+" (elements)", pos, old.Elem, new.Elem, input)
	}
}

var refFacts = []fact[*ir.TypeRef]{
	{name: "wire", class: ServerBreaking, reason: "servers write it as a JSON string or a native value", get: func(t *ir.TypeRef) string {
		return map[ir.Wire]string{ir.Native: "native", ir.Stringified: "string"}[t.Wire]
	}},
	{name: "decimals", class: ServerBreaking, reason: "digits servers write after the point", get: func(t *ir.TypeRef) string { return strconv.Itoa(t.Decimals) }},
	{name: "zero text", class: ServerBreaking, reason: "the text servers send for none", get: func(t *ir.TypeRef) string { return t.ZeroText }},
}

// enum compares the closed set of strings an answer's member takes: each
// value is a Go constant callers may use.
func (d *differ) enum(subj string, pos ir.Pos, old, new *ir.Enum) {
	var ov, nv []string
	var on, nn string
	if old != nil {
		on = old.GoName
		for _, v := range old.Values {
			ov = append(ov, v.Value)
		}
	}
	if new != nil {
		nn = new.GoName
		for _, v := range new.Values {
			nv = append(nv, v.Value)
		}
	}
	dir := constants
	if on != nn {
		so, sn := showPair(on, nn)
		d.add(ClientBreaking, subj, pos, fmt.Sprintf("enum type: %s → %s", so, sn), "the member's Go type changes (a string or a named enum type)")
		if on == "" || nn == "" {
			dir = answered // the values were no constants before, or are none now
		}
	}
	d.values(subj, pos, "values", makeSet(ov, ""), makeSet(nv, ""), dir)
}
