package emit

import (
	"bytes"
	"encoding/json"

	conformrt "github.com/pegasus-kv/pegasus-gen/gen/emit/internal/cftables"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// conformSpecJSON is a role's conformance tables as the JSON the bundled
// engine loads: data rather than a Go literal, since a composite literal
// of a few thousand operations costs gofmt seconds. The engine's enumerated
// settings (kinds, formats, policies) share the IR's numbering, which a
// test of gen/conformrt pins.
func conformSpecJSON(api *ir.API, role *ir.Role) ([]byte, error) {
	t := newConformTables(role)
	spec := &conformrt.API{
		Role: role.Name, Title: role.Title,
		Features: conformFeatures(api, role), Help: conformHelp(role), Guards: conformGuards(api),
		Types: t.types(), Ops: t.ops(), Primary: conformPrimary(api, role),
		Vars: conformVars(api), Scenarios: conformScenarios(api, role),
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(spec); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// conformTables turns a role's operations and types into the engine's
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

// types lists the named types.
func (t *conformTables) types() []*conformrt.Schema {
	out := make([]*conformrt.Schema, len(t.role.Types))
	for i, ty := range t.role.Types {
		s := &conformrt.Schema{Name: ty.Name, Nullable: ty.Nullable, Kind: int(ty.Kind)}
		switch ty.Kind {
		case ir.Struct:
			s.Fields = t.fields(ty.Fields)
			s.Extra = t.schema(ty.Extra)
		case ir.OrderedMap:
			s.Elem = &conformrt.Schema{Ref: t.index[ty.Row]}
			if ty.KeyField != nil {
				s.KeyField = ty.KeyField.JSONName
			}
		default:
			s.Elem = t.schema(ty.Elem)
		}
		out[i] = s
	}
	return out
}

// schema is a use of a type: a reference to a named one, else its shape.
func (t *conformTables) schema(ref *ir.TypeRef) *conformrt.Schema {
	if ref == nil {
		return nil
	}
	if ref.Named != nil {
		return &conformrt.Schema{Ref: t.index[ref.Named], Nullable: ref.Nullable}
	}
	if ref.ZeroText != "" {
		// An integer or its text: the Go type says int, the wire either.
		return &conformrt.Schema{Kind: int(ir.Any), Nullable: ref.Nullable}
	}
	return &conformrt.Schema{Kind: int(ref.Kind), Stringified: ref.Wire == ir.Stringified, Decimals: ref.Decimals,
		Nullable: ref.Nullable, Elem: t.schema(ref.Elem)}
}

// fields lists a struct's properties with their validation rules.
func (t *conformTables) fields(fields []*ir.Field) []*conformrt.Field {
	out := make([]*conformrt.Field, len(fields))
	for i, fl := range fields {
		f := &conformrt.Field{Name: fl.JSONName, Schema: t.schema(fl.Type), Required: fl.Required, Enum: fl.Enum,
			MinLength: fl.MinLength, Invalid: fl.Invalid}
		if fl.Min != nil {
			f.HasMin, f.Min = true, *fl.Min
		}
		if c := fl.RequiredWhen; c != nil {
			f.WhenField, f.WhenValue = c.Field.JSONName, c.Value
		}
		out[i] = f
	}
	return out
}

// ops lists the role's operations.
func (t *conformTables) ops() []*conformrt.Op {
	out := make([]*conformrt.Op, len(t.role.Operations))
	for i, op := range t.role.Operations {
		out[i] = t.op(op)
	}
	return out
}

// op is one operation with its parameters, body, responses and examples.
func (t *conformTables) op(op *ir.Operation) *conformrt.Op {
	o := &conformrt.Op{
		Name: op.GoName, Method: op.Method, Path: op.Path, HelpIndex: op.Builtin == ir.BuiltinHelpIndex,
		Methods: int(op.Methods), MethodError: op.MethodError, JSONErrors: op.ErrorFormat == ir.ErrorJSON,
		Redirect: int(op.Redirect), RejectUnknown: op.RejectUnknown, UnknownBody: op.UnknownBody,
		Mutates: op.Mutates, ConformQuery: op.ConformQuery, SingleFlight: op.SingleFlight,
	}
	if op.Feature != nil {
		o.Feature = op.Feature.Name
	}
	if op.Guard != nil {
		o.Guard = op.Guard.Name
	}
	for _, p := range op.Params {
		o.Params = append(o.Params, t.param(p))
	}
	if b := op.Body; b != nil {
		o.Body = &conformrt.Body{Invalid: b.Invalid, ContentType: b.ContentType}
		if b.Type != nil && b.Type.Kind != ir.Bytes {
			o.Body.Schema = t.schema(b.Type)
		}
	}
	for _, r := range op.Responses {
		o.Responses = append(o.Responses, t.response(r))
	}
	for _, e := range op.Examples {
		o.Examples = append(o.Examples, conformrt.Example{Query: e.Query, Body: e.Body, Status: e.Status})
	}
	return o
}

// param is one query parameter and its error texts.
func (t *conformTables) param(p *ir.Param) *conformrt.Param {
	out := &conformrt.Param{Name: p.Name, Kind: int(p.Kind), Required: p.Required, Missing: p.Missing, Empty: p.Empty,
		Invalid: p.Invalid, IgnoreInvalid: p.IgnoreInvalid, Examples: p.Examples, Default: p.Default}
	if p.Kind == ir.ValueParam && p.Type != nil {
		out.Type = int(p.Type.Kind)
	}
	if p.Min != nil {
		out.HasMin, out.Min = true, *p.Min
	}
	return out
}

// response is one documented status.
func (t *conformTables) response(r *ir.Response) *conformrt.Response {
	out := &conformrt.Response{Status: r.Status, Format: int(r.Format), ContentType: r.ContentType, Schema: t.schema(r.Body),
		OrText: r.TextGoName != "", Texts: r.Texts, Pattern: r.Pattern, Headers: r.Headers}
	return out
}

// conformFeatures lists the role's features and their defaults.
func conformFeatures(api *ir.API, role *ir.Role) []conformrt.Feature {
	var out []conformrt.Feature
	for _, ft := range roleFeatures(api, role) {
		out = append(out, conformrt.Feature{Name: ft.Name, Default: ft.Default})
	}
	return out
}

// conformHelp lists the lines of GET /.
func conformHelp(role *ir.Role) []conformrt.Help {
	out := make([]conformrt.Help, len(role.Help))
	for i, h := range role.Help {
		out[i] = conformrt.Help{Path: h.Path, Text: h.Help}
		if h.Feature != nil {
			out[i].Feature = h.Feature.Name
		}
	}
	return out
}

// conformGuards lists the guards with their answers.
func conformGuards(api *ir.API) []conformrt.Guard {
	var out []conformrt.Guard
	for _, g := range api.Guards {
		out = append(out, conformrt.Guard{Name: g.Name, Status: g.Status, Body: g.Body})
	}
	return out
}

// conformPrimary says how the role's primary names itself, when the role
// has the spec's primary operation.
func conformPrimary(api *ir.API, role *ir.Role) *conformrt.Primary {
	if api.Conform == nil || api.Conform.Primary == nil || !hasOp(role, api.Conform.Primary.Operation) {
		return nil
	}
	p := api.Conform.Primary
	return &conformrt.Primary{Path: p.Operation.Path, Field: p.Field}
}

func hasOp(role *ir.Role, op *ir.Operation) bool {
	for _, o := range role.Operations {
		if o == op {
			return true
		}
	}
	return false
}

// conformVars lists the scenario variables and their defaults.
func conformVars(api *ir.API) []conformrt.Var {
	if api.Conform == nil {
		return nil
	}
	var out []conformrt.Var
	for _, v := range api.Conform.Vars {
		out = append(out, conformrt.Var{Name: v.Name, Value: v.Value})
	}
	return out
}

// conformScenarios lists the stateful scenarios of the role.
func conformScenarios(api *ir.API, role *ir.Role) []*conformrt.Scenario {
	if api.Conform == nil {
		return nil
	}
	var out []*conformrt.Scenario
	for _, sc := range api.Conform.Scenarios {
		if wanted(sc.Roles, role.Name) {
			out = append(out, &conformrt.Scenario{Name: sc.Name, Description: sc.Description, Steps: conformSteps(sc.Steps), Restore: conformSteps(sc.Restore)})
		}
	}
	return out
}

// conformSteps lists the steps of a scenario.
func conformSteps(steps []*ir.Step) []*conformrt.Step {
	pairs := func(list []*ir.FieldValue) [][2]string {
		var out [][2]string
		for _, fv := range list {
			out = append(out, [2]string{fv.Field, fv.Value})
		}
		return out
	}
	var out []*conformrt.Step
	for _, st := range steps {
		s := &conformrt.Step{Op: st.Operation.GoName, Query: st.Query, Body: st.Body, Status: st.Status,
			Expect: pairs(st.Expect), Differs: pairs(st.Differs), Present: st.Present}
		for _, sv := range st.Save {
			s.Save = append(s.Save, conformrt.Save{Var: sv.Var, Field: sv.Field, Default: sv.Default, HasDefault: sv.HasDefault})
		}
		out = append(out, s)
	}
	return out
}
