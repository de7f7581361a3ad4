// Package check is the third stage: semantic checks on the IR that no
// OpenAPI validator can make, because they are about what the Pegasus
// servers can do and what the generator needs. Every problem is reported,
// with the position of the spec element it is about.
package check

import (
	"fmt"
	"slices"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// wireStatuses are the only statuses the real server can send
// (http_status_code.h).
var wireStatuses = map[int]bool{200: true, 307: true, 400: true, 404: true, 500: true}

// Check returns every problem of api.
func Check(api *ir.API) diag.List {
	var l diag.List
	for _, r := range api.Roles {
		checkRole(&l, r)
	}
	for _, op := range api.Operations {
		checkOperation(&l, op)
	}
	for _, t := range api.Types {
		checkType(&l, t)
	}
	checkNames(&l, api)
	checkGoNames(&l, api)
	checkExamples(&l, api)
	return l
}

// checkGoNames reports two spec names that become one Go name: features
// and guards (their constants and methods) and the parameters of one
// operation (the fields of its request, beside Args and Body).
func checkGoNames(l *diag.List, api *ir.API) {
	feats := map[string]string{}
	for _, f := range api.Features {
		if prev, ok := feats[f.ConstName]; ok {
			l.Add(api.Pos, "", "features %q and %q both become %s: rename one", prev, f.Name, f.ConstName)
		}
		feats[f.ConstName] = f.Name
	}
	guards := map[string]string{}
	for _, g := range api.Guards {
		if prev, ok := guards[g.GoName]; ok {
			l.Add(api.Pos, "", "guards %q and %q both become %s: rename one", prev, g.Name, g.GoName)
		}
		guards[g.GoName] = g.Name
	}
	for _, op := range api.Operations {
		fields := map[string]string{"Args": "the decoded arguments", "Body": "the request body"}
		for _, p := range op.Params {
			if prev, ok := fields[p.GoName]; ok {
				l.Add(p.Pos, subject(op), "parameter %q becomes the field %s, which is already %s: rename it", p.Name, p.GoName, prev)
			}
			fields[p.GoName] = fmt.Sprintf("parameter %q", p.Name)
		}
	}
}

// reserved are the exported names every generated package declares.
var reserved = []string{
	"Answer", "Args", "Client", "ClientOption", "DefaultFeatures", "DefaultPort", "ErrUnimplemented", "FanOut", "Feature",
	"Guards", "Handler", "HelpIndex", "Leadership", "NewArgs", "NewClient", "NewHTTPServer", "NewServer", "NodeResult",
	"Options", "RecordAnswer", "ResultError", "Role", "StatusError", "UnimplementedHandler", "WithClusterMembers",
	"WithHTTPClient", "WithMaxAnswer", "WithTimeout",
}

// clientMethods are the methods every generated Client has besides one per
// operation.
var clientMethods = []string{"Node", "Raw"}

// checkNames reports a schema whose Go name is already taken in the
// generated package by the generator's own declarations or an operation's.
func checkNames(l *diag.List, api *ir.API) {
	taken := map[string]string{}
	for _, n := range reserved {
		taken[n] = "a declaration of every generated package"
	}
	for _, op := range api.Operations {
		what := "generated for " + subject(op)
		taken[op.RequestGoName] = what
		taken[op.ResponseGoName] = what
		for _, r := range op.Responses {
			for _, n := range []string{r.GoName, r.TextGoName, r.RawGoName, r.StreamGoName} {
				if n != "" {
					taken[n] = what
				}
			}
		}
		if slices.Contains(clientMethods, op.GoName) {
			l.Add(op.Pos, subject(op), "operationId %q becomes the client method %s, which every Client has already: rename it", op.ID, op.GoName)
		}
	}
	for _, f := range api.Features {
		taken[f.ConstName] = "the constant of feature " + f.Name
	}
	for _, r := range api.Roles {
		for _, e := range r.Enums {
			taken[e.GoName] = "the type of an enumerated answer member"
			for _, v := range e.Values {
				taken[v.ConstName] = fmt.Sprintf("the constant of value %q of %s", v.Value, e.GoName)
			}
		}
	}
	for _, t := range api.Types {
		if what, ok := taken[t.GoName]; ok {
			l.Add(t.Pos, "schema "+t.Name, "Go name %s is already %s: rename the schema", t.GoName, what)
		}
	}
}

func subject(op *ir.Operation) string { return op.Method + " " + op.Path }

// checkRole: one operation per path and method, a help index, and an
// exact-method operation only beside another operation of its path.
func checkRole(l *diag.List, r *ir.Role) {
	perKey := map[string]int{}
	for _, op := range r.Operations {
		perKey[op.Key]++
	}
	for _, op := range r.Operations {
		if op.Methods == ir.ExactMethod && perKey[op.Key] < 2 {
			l.Add(op.Pos, subject(op), "methods exact splits one path between GET and POST operations, but %s has no other operation in role %s", op.Path, r.Name)
		}
	}
	seen := map[string]*ir.Operation{}
	help := false
	for _, op := range r.Operations {
		k := op.Method + " " + op.Key
		if prev := seen[k]; prev != nil {
			l.Add(op.Pos, subject(op), "role %s already has %s at this normalized path (%s): the server matches paths without leading, trailing or duplicate slashes", r.Name, prev.Path, op.Key)
		}
		seen[k] = op
		help = help || op.Builtin == ir.BuiltinHelpIndex
	}
	if !help && len(r.Operations) > 0 {
		l.Add(r.Operations[0].Pos, "", "role %s has no help-index operation: describe GET / with x-pegasus.builtin: help-index", r.Name)
	}
}

// documents reports whether op documents status.
func documents(op *ir.Operation, status int) bool {
	for _, r := range op.Responses {
		if r.Status == status {
			return true
		}
	}
	return false
}

// checkOperation: what the server will do must be documented, and settings
// must fit each other.
func checkOperation(l *diag.List, op *ir.Operation) {
	subj := subject(op)
	if op.Builtin == ir.BuiltinHelpIndex && op.Key != "" {
		l.Add(op.Pos, subj, "builtin help-index answers GET /, not %s", op.Path)
	}
	if op.Redirect != ir.NoRedirect && !documents(op, 307) {
		l.Add(op.Pos, subj, "redirects, but documents no 307 response (add one with format empty and a Location header)")
	}
	if g := op.Guard; g != nil && !documents(op, g.Status) {
		l.Add(op.Pos, subj, "guard %q answers %d, which is not documented (add the response)", g.Name, g.Status)
	}
	if (op.Methods == ir.GetOnly || op.RejectUnknown || len(op.Params) > 0 && needs400(op)) && !documents(op, 400) {
		l.Add(op.Pos, subj, "can answer 400 (method, argument or parameter errors), which is not documented")
	}
	if op.Builtin == ir.NoBuiltin && !documents(op, 200) {
		l.Add(op.Pos, subj, "documents no 200 response")
	}
	for _, r := range op.Responses {
		if !wireStatuses[r.Status] {
			l.Add(r.Pos, subj, "status %d: the servers send only 200, 307, 400, 404 and 500", r.Status)
		}
		if r.Format.IsJSON() && r.Body == nil {
			l.Add(r.Pos, subj, "response %d: format %s needs a JSON schema", r.Status, r.Format)
		}
	}
	if op.Body != nil && op.Method != "POST" {
		l.Add(op.Body.Pos, subj, "a request body belongs to a POST operation")
	}
	names := map[string]bool{}
	for _, p := range op.Params {
		checkParam(l, op, p)
		if names[p.Name] {
			l.Add(p.Pos, subj, "parameter %q is described twice", p.Name)
		}
		names[p.Name] = true
		if p.Kind == ir.FreeFormParam && len(op.Params) > 1 {
			l.Add(p.Pos, subj, "parameter %q takes every argument (free-form), so it must be the only parameter", p.Name)
		}
	}
}

// needs400 reports whether some parameter can fail.
func needs400(op *ir.Operation) bool {
	for _, p := range op.Params {
		if p.Missing != nil || p.Empty != nil || p.Invalid != nil && !p.IgnoreInvalid {
			return true
		}
	}
	return false
}

// checkParam: a value that can fail to parse needs the text it fails with.
func checkParam(l *diag.List, op *ir.Operation, p *ir.Param) {
	subj := fmt.Sprintf("%s: parameter %q", subject(op), p.Name)
	if p.Kind != ir.ValueParam {
		return
	}
	switch p.Type.Kind {
	case ir.Int32, ir.Int64, ir.Uint32, ir.Uint64, ir.Bool, ir.Float64:
		if p.Invalid == nil && !p.IgnoreInvalid {
			l.Add(p.Pos, subj, "a %s value can be invalid: give x-pegasus.invalid (the 400 body) or on-invalid: ignore", kindText(p.Type.Kind))
		}
	}
	if p.Min != nil && !(p.Type.Kind == ir.Int32 || p.Type.Kind == ir.Int64 || p.Type.Kind == ir.Uint32 || p.Type.Kind == ir.Uint64) {
		l.Add(p.Pos, subj, "minimum applies to integers only")
	}
	if p.Required && p.Default != nil {
		l.Add(p.Pos, subj, "a required parameter cannot have a default")
	}
}

func kindText(k ir.Kind) string {
	return [...]string{"string", "int32", "int64", "uint32", "uint64", "number", "boolean"}[k]
}

// checkType: the table format sends every scalar as a string, so the spec
// must say so; and an ordered map's key must always be there.
func checkType(l *diag.List, t *ir.Type) {
	subj := "schema " + t.Name
	if t.Format == ir.FormatTable {
		for _, f := range t.Fields {
			if isScalar(f.Type) && f.Type.Kind != ir.String && f.Type.Wire != ir.Stringified {
				l.Add(f.Pos, subj, "property %q: the table format sends every value as a JSON string; use type: string with x-pegasus-string-of: %s", f.JSONName, jsonKind(f.Type.Kind))
			}
		}
	}
	if t.Kind == ir.OrderedMap && t.KeyField != nil && !t.KeyField.Required {
		l.Add(t.KeyField.Pos, subj, "key property %q of ordered map must be required in %s", t.KeyField.JSONName, t.Row.Name)
	}
	for _, f := range t.Fields {
		if f.RequiredWhen != nil && f.Invalid == "" || (f.MinLength > 0 || len(f.Enum) > 0 || f.Min != nil) && t.Input && f.Invalid == "" {
			l.Add(f.Pos, subj, "property %q is validated, but has no x-pegasus-invalid (the 400 body when it fails)", f.JSONName)
		}
		if t.Input {
			checkInputField(l, subj, f)
		}
	}
}

// checkInputField: request bodies are decoded the way Pegasus' json_helper
// decodes them, which knows strings, 32- and 64-bit integers and booleans;
// the text rules apply to strings and minimum to integers.
func checkInputField(l *diag.List, subj string, f *ir.Field) {
	switch f.Type.Kind {
	case ir.String, ir.Int32, ir.Int64, ir.Bool:
	default:
		l.Add(f.Pos, subj, "property %q of a request body must be a string, an int32 or int64 integer, or a boolean", f.JSONName)
		return
	}
	str := f.Type.Kind == ir.String
	if (len(f.Enum) > 0 || f.MinLength > 0 || f.RequiredWhen != nil) && !str {
		l.Add(f.Pos, subj, "property %q: enum, minLength and x-pegasus-required-when apply to strings only", f.JSONName)
	}
	if f.RequiredWhen != nil && f.RequiredWhen.Field.Type.Kind != ir.String {
		l.Add(f.Pos, subj, "property %q: x-pegasus-required-when must name a string property", f.JSONName)
	}
	if f.Min != nil && (f.Type.Kind != ir.Int32 && f.Type.Kind != ir.Int64) {
		l.Add(f.Pos, subj, "property %q: minimum applies to integers only", f.JSONName)
	}
}

func isScalar(t *ir.TypeRef) bool {
	switch t.Kind {
	case ir.String, ir.Int32, ir.Int64, ir.Uint32, ir.Uint64, ir.Float64, ir.Bool:
		return true
	}
	return false
}

func jsonKind(k ir.Kind) string {
	switch k {
	case ir.Float64:
		return "number"
	case ir.Bool:
		return "boolean"
	}
	return "integer"
}
