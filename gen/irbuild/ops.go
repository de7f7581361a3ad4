package irbuild

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

// opExt is the operation-level x-pegasus object (spec/CONVENTIONS.md).
type opExt struct {
	Roles             []string  `json:"roles"`
	Help              *string   `json:"help"`
	Feature           string    `json:"feature"`
	Builtin           string    `json:"builtin"`
	Methods           string    `json:"methods"`
	MethodError       string    `json:"method-error"`
	ErrorFormat       string    `json:"error-format"`
	Redirect          string    `json:"redirect"`
	Guard             string    `json:"guard"`
	UnknownParams     string    `json:"unknown-params"`
	UnknownParamError *string   `json:"unknown-param-error"`
	RawArgs           bool      `json:"raw-args"`
	Mutates           bool      `json:"mutates"`
	Idempotent        bool      `json:"idempotent"`
	ConformQuery      string    `json:"conform-query"`
	SingleFlight      string    `json:"single-flight"`
	Scope             string    `json:"scope"`
	Members           string    `json:"members"`
	Rules             []ruleExt `json:"rules"`
}

// paramExt is the parameter-level x-pegasus object.
type paramExt struct {
	Kind      string  `json:"kind"`
	Missing   *string `json:"missing"`
	Empty     *string `json:"empty"`
	Invalid   *string `json:"invalid"`
	OnInvalid string  `json:"on-invalid"`
}

// operations builds every operation, paths in byte order, GET before POST.
func (b *builder) operations() {
	if b.doc.Paths == nil {
		return
	}
	paths := make([]string, 0, b.doc.Paths.Len())
	for p := range b.doc.Paths.Map() {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	type entry struct {
		path, method string
		o            *openapi3.Operation
	}
	var entries []entry
	for _, p := range paths {
		item := b.doc.Paths.Value(p)
		for _, m := range []string{"GET", "POST"} {
			if o := item.GetOperation(m); o != nil && !b.documentsMethodError(p, item, m, o) && !b.documentsMethodOf(p, item, m, o) {
				entries = append(entries, entry{p, m, o})
			}
		}
		for m := range item.Operations() {
			if m != "GET" && m != "POST" {
				b.diags.Add(b.spec.Pos(load.Pointer("paths", p, strings.ToLower(m))), subject(m, p), "method %s is outside the Pegasus dialect: the servers answer only GET and POST; remove this operation", m)
			}
		}
		if strings.Contains(p, "{") {
			b.diags.Add(b.spec.Pos(load.Pointer("paths", p)), p, "path templates ({...}) are outside the Pegasus dialect: the servers take arguments in the query; write the path without them and each argument as a parameter in: query")
		}
		if len(item.Parameters) > 0 {
			b.diags.Add(b.spec.Pos(load.Pointer("paths", p, "parameters")), p, "parameters of a path item are outside the Pegasus dialect: write them in each operation")
		}
	}
	if len(b.doc.Security) > 0 {
		b.diags.Add(b.spec.Pos("/security"), "", "security is outside the Pegasus dialect: the servers check no credentials")
	}
	built := make([]*ir.Operation, len(entries))
	b.inParallel(len(entries), func(wb *builder, i int) {
		built[i] = wb.operation(entries[i].path, entries[i].method, entries[i].o)
	})
	type named struct{ id, subj string }
	ids := map[string]named{}
	for i, op := range built {
		if op == nil {
			continue
		}
		m, p := entries[i].method, entries[i].path
		if prev, dup := ids[op.GoName]; dup {
			if prev.id != op.ID { // the same operationId twice is validation's to report
				b.diags.Add(op.Pos, subject(m, p), "operationId %q gives Go name %s, also used by %s (rename one)", op.ID, op.GoName, prev.subj)
			}
			continue
		}
		ids[op.GoName] = named{op.ID, subject(m, p)}
		b.api.Operations = append(b.api.Operations, op)
	}
	for _, t := range b.inputs {
		if !t.Input {
			b.checkRequiredMembers(t)
		}
		t.Input = true
	}
}

// checkRequiredMembers reports a request body member whose required, for
// standard tools, and its own rule, for the generator, disagree. json_helper
// leaves an absent member zero (§4.8): a string member whose rule refuses ""
// (minLength, or an enum without "") is refused when absent, so it must be
// required; an absent integer is left uninitialised by the server, and a
// member whose rule takes "" is accepted absent, so neither may be.
func (b *builder) checkRequiredMembers(t *ir.Type) {
	for _, f := range t.Fields {
		if f.Type == nil {
			continue
		}
		refusesZero := f.Invalid != "" && f.Type.Kind == ir.String && (f.MinLength > 0 || len(f.Enum) > 0 && !slices.Contains(f.Enum, ""))
		switch {
		case refusesZero && !f.Required:
			b.diags.Add(f.Pos, "schema "+t.Name, "property %q: the server refuses it absent (json_helper leaves it \"\", which its rule refuses): list it in required, so that standard tools see it", f.JSONName)
		case f.Required && !refusesZero:
			b.diags.Add(f.Pos, "schema "+t.Name, "property %q is required, but the server accepts the body without it (json_helper leaves it zero, and no minLength or enum with x-pegasus-invalid refuses that): remove it from required", f.JSONName)
		}
	}
}

// documentsMethodError reports whether o only documents, for standard
// readers, the answer the get-only GET operation of its path gives to o's
// method (x-pegasus: {method-error-of: <operationId>}). The generated
// servers already answer it from that operation's method-error, so such an
// operation is checked here and builds nothing.
func (b *builder) documentsMethodError(path string, item *openapi3.PathItem, method string, o *openapi3.Operation) bool {
	x, _ := o.Extensions["x-pegasus"].(map[string]any)
	of, ok := x["method-error-of"]
	if !ok {
		return false
	}
	ptr := load.Pointer("paths", path, strings.ToLower(method), "x-pegasus")
	subj := subject(method, path)
	if len(x) != 1 {
		b.diags.Add(b.spec.Pos(ptr), subj, "an operation with method-error-of only documents a method error: remove the other x-pegasus settings")
	}
	get := item.Get
	var getX map[string]any
	if get != nil {
		getX, _ = get.Extensions["x-pegasus"].(map[string]any)
	}
	if method == "GET" || get == nil || get.OperationID != of || getX["methods"] != "get-only" {
		b.diags.Add(b.spec.Pos(ptr+"/method-error-of"), subj, "method-error-of %v: name the operationId of the GET operation of %s, which must have methods: get-only", of, path)
	}
	if o.Responses == nil || o.Responses.Len() != 1 || o.Responses.Value("400") == nil {
		b.diags.Add(b.spec.Pos(load.Pointer("paths", path, strings.ToLower(method), "responses")), subj, "an operation with method-error-of documents one response, the 400 of method-error")
	}
	return true
}

// documentsMethodOf reports whether o only documents, for standard
// readers, that the methods: any operation of its path answers o's method
// too (x-pegasus: {method-of: <operationId>}): POST beside a GET, or GET
// beside a POST with a body. The generated servers already answer every
// method from that operation, so such an operation is checked here and
// builds nothing. Its parameters and responses must be the named
// operation's, each by the same $ref, so that they are written once.
func (b *builder) documentsMethodOf(path string, item *openapi3.PathItem, method string, o *openapi3.Operation) bool {
	x, _ := o.Extensions["x-pegasus"].(map[string]any)
	of, ok := x["method-of"]
	if !ok {
		return false
	}
	optr := load.Pointer("paths", path, strings.ToLower(method))
	subj := subject(method, path)
	if len(x) != 1 {
		b.diags.Add(b.spec.Pos(optr+"/x-pegasus"), subj, "an operation with method-of only documents another method of an operation: remove the other x-pegasus settings")
	}
	if o.RequestBody != nil {
		b.diags.Add(b.spec.Pos(optr+"/requestBody"), subj, "an operation with method-of has no request body: a GET has none and the body of a POST to a GET operation is ignored; remove it")
	}
	if _, set := o.Extensions["x-pegasus-examples"]; set {
		b.diags.Add(b.spec.Pos(optr+"/x-pegasus-examples"), subj, "the x-pegasus-examples of an operation with method-of are never sent: write them on %v", of)
	}
	other := item.Get
	if method == "GET" {
		other = item.Post
	}
	var otherX map[string]any
	if other != nil {
		otherX, _ = other.Extensions["x-pegasus"].(map[string]any)
	}
	// methods defaults to any (spec/CONVENTIONS.md).
	if m, _ := otherX["methods"].(string); other == nil || other.OperationID != of || m != "" && m != "any" {
		b.diags.Add(b.spec.Pos(optr+"/x-pegasus/method-of"), subj, "method-of %v: name the operationId of the other operation (GET or POST) of %s, which must have methods: any", of, path)
		return true
	}
	if !sameParamRefs(o.Parameters, other.Parameters) {
		b.diags.Add(b.spec.Pos(optr+"/parameters"), subj, "the parameters of an operation with method-of are those of %s: write each as the same $ref to components/parameters, in the same order", of)
	}
	// A GET beside a POST whose body is required sends none: the server
	// fails to decode it before it could answer 2xx (§4.8), so that GET
	// documents the POST's other statuses only.
	noBody := method == "GET" && other.RequestBody != nil && other.RequestBody.Value != nil && other.RequestBody.Value.Required
	if !sameResponseRefs(o.Responses, other.Responses, noBody) {
		why := "write each status as the same $ref to components/responses"
		if noBody {
			why = "write each status but the 2xx (a GET sends no body, which fails to decode first) as the same $ref to components/responses"
		}
		b.diags.Add(b.spec.Pos(optr+"/responses"), subj, "the responses of an operation with method-of are those of %s: %s", of, why)
	}
	return true
}

// sameParamRefs reports whether a and b are the same $refs in one order.
func sameParamRefs(a, b openapi3.Parameters) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == nil || b[i] == nil || a[i].Ref == "" || a[i].Ref != b[i].Ref {
			return false
		}
	}
	return true
}

// sameResponseRefs reports whether a documents the statuses of b, each by
// the same $ref; without b's 2xx statuses when no2xx.
func sameResponseRefs(a, b *openapi3.Responses, no2xx bool) bool {
	if a == nil || b == nil {
		return false
	}
	want := 0
	for code := range b.Map() {
		if !no2xx || !strings.HasPrefix(code, "2") {
			want++
		}
	}
	if a.Len() != want {
		return false
	}
	for code, ra := range a.Map() {
		rb := b.Value(code)
		if ra == nil || rb == nil || ra.Ref == "" || ra.Ref != rb.Ref || no2xx && strings.HasPrefix(code, "2") {
			return false
		}
	}
	return true
}

// inParallel runs do(i) for i in [0, n). Operations read the schemas built
// before them and write only what they make, so a large spec's are built
// on every core, each worker with its own diagnostics (merged in worker
// order; they are sorted when reported) and its own guard against
// self-referring schemas. Small specs are built in place.
func (b *builder) inParallel(n int, do func(wb *builder, i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || n < 64 {
		for i := range n {
			do(b, i)
		}
		return
	}
	wbs := make([]*builder, workers)
	for w := range workers {
		wb := *b
		wb.diags, wb.inputs, wb.resolving = nil, nil, map[string]bool{}
		wbs[w] = &wb
	}
	onWorkers(workers, func(w int) {
		for i := w; i < n; i += workers {
			do(wbs[w], i)
		}
	})
	for _, wb := range wbs {
		b.diags = append(b.diags, wb.diags...)
		b.inputs = append(b.inputs, wb.inputs...)
	}
}

// operation builds one operation.
func (b *builder) operation(path, method string, o *openapi3.Operation) *ir.Operation {
	ptr := load.Pointer("paths", path, strings.ToLower(method))
	subj := subject(method, path)
	op := &ir.Operation{
		ID: o.OperationID, Method: method, Path: path, Key: strings.Trim(path, "/"),
		Summary: o.Summary, Description: o.Description, Tags: o.Tags, Pos: b.spec.Pos(ptr),
	}
	if o.OperationID == "" {
		b.diags.Add(op.Pos, subj, "missing operationId: it names the handler method and client method")
		return nil
	}
	op.GoName = goName(o.OperationID)
	op.RequestGoName = op.GoName + "Request"
	op.ResponseGoName = op.GoName + "Response"
	op.HandlerMethod = op.GoName

	// An operation without a readable x-pegasus is still built, for the
	// rest of its problems, and then dropped.
	var x opExt
	settled := b.decodeExt(o.Extensions, "x-pegasus", ptr, subj, &x)
	if !settled && o.Extensions["x-pegasus"] == nil {
		b.diags.Add(op.Pos, subj, "missing x-pegasus: every operation says its roles and help text")
	}
	xptr := ptr + "/x-pegasus"
	if settled {
		b.opSettings(op, &x, xptr, subj)
	}
	op.RawArgs = x.RawArgs
	for i, pr := range o.Parameters {
		if p := b.param(pr, ptr+"/parameters/"+strconv.Itoa(i), subj, strings.Contains(op.Path, "{")); p != nil {
			op.Params = append(op.Params, p)
			op.RawArgs = op.RawArgs || p.Kind == ir.FreeFormParam
		}
	}
	b.checkConformQuery(op, xptr, subj)
	if len(o.Callbacks) > 0 {
		b.diags.Add(b.spec.Pos(ptr+"/callbacks"), subj, "callbacks are outside the Pegasus dialect: the servers call no one back")
	}
	if o.Security != nil && len(*o.Security) > 0 {
		b.diags.Add(b.spec.Pos(ptr+"/security"), subj, "security is outside the Pegasus dialect: the servers check no credentials")
	}
	if o.RequestBody != nil {
		op.Body = b.requestBody(o.RequestBody, ptr+"/requestBody", subj)
	}
	b.responses(op, o, ptr, subj)
	b.members(op, x.Members, xptr, subj)
	b.requestExamples(op, o, ptr, subj)
	if !settled {
		return nil
	}
	return op
}

// members checks x-pegasus.members: a string field of the 200 body.
func (b *builder) members(op *ir.Operation, field, xptr, subj string) {
	if field == "" {
		return
	}
	for _, r := range op.Responses {
		if r.Status != 200 || r.Body == nil || r.Body.Named == nil {
			continue
		}
		for _, f := range r.Body.Named.Fields {
			if f.JSONName == field && f.Type.Kind == ir.String {
				op.MembersField = field
				return
			}
		}
	}
	b.diags.Add(b.spec.Pos(xptr+"/members"), subj, "members %q is not a string property of the 200 body (name the field that lists the servers)", field)
}

// opSettings applies the x-pegasus object of an operation.
func (b *builder) opSettings(op *ir.Operation, x *opExt, xptr, subj string) {
	if len(x.Roles) == 0 {
		b.diags.Add(b.spec.Pos(xptr), subj, "x-pegasus.roles is empty: name the roles that serve it")
	}
	for _, r := range x.Roles {
		if b.roles[r] == nil && !b.noRoles {
			b.diags.Add(b.spec.Pos(xptr+"/roles"), subj, "unknown role %q (declare it in x-pegasus-roles)", r)
		}
	}
	op.Roles = x.Roles
	if x.Help == nil {
		b.diags.Add(b.spec.Pos(xptr), subj, "x-pegasus.help is missing: the help index lists every operation")
	} else {
		op.Help = *x.Help
	}
	if x.Feature != "" {
		if op.Feature = b.features[x.Feature]; op.Feature == nil {
			b.diags.Add(b.spec.Pos(xptr+"/feature"), subj, "unknown feature %q (declare it in x-pegasus-features)", x.Feature)
		}
	}
	switch x.Builtin {
	case "":
	case string(ir.BuiltinHelpIndex):
		op.Builtin = ir.BuiltinHelpIndex
	default:
		b.diags.Add(b.spec.Pos(xptr+"/builtin"), subj, "unknown builtin %q (the only one is help-index)", x.Builtin)
	}
	op.Mutates, op.ConformQuery, op.SingleFlight = x.Mutates, x.ConformQuery, x.SingleFlight
	op.SafeToRepeat = !x.Mutates || x.Idempotent
	if x.Idempotent && !x.Mutates {
		b.diags.Add(b.spec.Pos(xptr+"/idempotent"), subj, "idempotent is for operations that mutate (mutates: true): one that does not is safe to repeat already; drop it")
	}
	op.Methods = choose(b, xptr+"/methods", subj, "methods", x.Methods, map[string]ir.MethodPolicy{"": ir.AnyMethod, "any": ir.AnyMethod, "get-only": ir.GetOnly, "exact": ir.ExactMethod})
	op.MethodError = x.MethodError
	op.NodeLocal = choose(b, xptr+"/scope", subj, "scope", x.Scope, map[string]bool{"": false, "cluster": false, "node": true})
	if op.Methods == ir.GetOnly && x.MethodError == "" {
		b.diags.Add(b.spec.Pos(xptr+"/methods"), subj, "methods get-only needs method-error, the body other methods get")
	}
	op.ErrorFormat = choose(b, xptr+"/error-format", subj, "error-format", x.ErrorFormat, map[string]ir.ErrorFormat{"": ir.ErrorText, "text": ir.ErrorText, "json-error": ir.ErrorJSON})
	op.Redirect = choose(b, xptr+"/redirect", subj, "redirect", x.Redirect, map[string]ir.RedirectPolicy{"": ir.NoRedirect, "none": ir.NoRedirect, "first": ir.RedirectFirst, "after-names": ir.RedirectAfterNames})
	if x.Guard != "" {
		if op.Guard = b.guards[x.Guard]; op.Guard == nil {
			b.diags.Add(b.spec.Pos(xptr+"/guard"), subj, "unknown guard %q (declare it in x-pegasus-guards)", x.Guard)
		}
	}
	switch x.UnknownParams {
	case "", "ignore":
	case "reject":
		op.RejectUnknown = true
		if x.UnknownParamError != nil {
			op.UnknownBody = *x.UnknownParamError
		}
	default:
		b.diags.Add(b.spec.Pos(xptr+"/unknown-params"), subj, "unknown-params %q: use ignore or reject", x.UnknownParams)
	}
	if op.NodeLocal && op.Redirect != ir.NoRedirect {
		b.diags.Add(b.spec.Pos(xptr+"/scope"), subj, "scope node: an operation answered for the node asked cannot redirect to the primary (drop redirect or the scope)")
	}
	if op.Redirect == ir.RedirectAfterNames && !op.RejectUnknown {
		b.diags.Add(b.spec.Pos(xptr+"/redirect"), subj, "redirect after-names checks argument names first, so it needs unknown-params: reject")
	}
}

// checkConformQuery reports conform-query arguments that are not parameters
// of the operation: the suite would send them as unknown arguments.
func (b *builder) checkConformQuery(op *ir.Operation, xptr, subj string) {
	if op.ConformQuery == "" {
		return
	}
	names := map[string]bool{}
	for _, p := range op.Params {
		names[p.Name] = true
	}
	for _, item := range strings.Split(op.ConformQuery, "&") {
		k, _, _ := strings.Cut(item, "=")
		if !names[k] {
			b.diags.Add(b.spec.Pos(xptr+"/conform-query"), subj, "conform-query: %q is not a parameter of the operation", k)
		}
	}
}

// choose maps a setting's spelling to its value, reporting an unknown one.
func choose[T any](b *builder, ptr, subj, what, v string, values map[string]T) T {
	if r, ok := values[v]; ok {
		return r
	}
	var names []string
	for k := range values {
		if k != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	b.diags.Add(b.spec.Pos(ptr), subj, "%s %q: use one of %s", what, v, strings.Join(names, ", "))
	var zero T
	return zero
}

// param builds one query parameter; templated says the operation's path
// is a template, refused at the path already.
func (b *builder) param(pr *openapi3.ParameterRef, ptr, subj string, templated bool) *ir.Param {
	if pr.Ref != "" {
		name := strings.TrimPrefix(pr.Ref, "#/components/parameters/")
		ptr = load.Pointer("components", "parameters", name)
	}
	p := pr.Value
	if p == nil {
		return nil
	}
	psubj := fmt.Sprintf("%s: parameter %q", subj, p.Name)
	if p.In == openapi3.ParameterInPath && templated {
		return nil // the path template is refused at the path, once
	}
	if p.In != openapi3.ParameterInQuery {
		b.diags.Add(b.spec.Pos(ptr+"/in"), psubj, "%s parameters are outside the Pegasus dialect: the servers read only query parameters (in: query)", p.In)
		return nil
	}
	if len(p.Content) > 0 {
		b.diags.Add(b.spec.Pos(ptr+"/content"), psubj, "a parameter's content is outside the Pegasus dialect: describe its value with schema")
		return nil
	}
	out := &ir.Param{Name: p.Name, GoName: goName(p.Name), Required: p.Required, Description: p.Description, Pos: b.spec.Pos(ptr)}
	var x paramExt
	b.decodeExt(p.Extensions, "x-pegasus", ptr, psubj, &x)
	out.Missing, out.Empty, out.Invalid = x.Missing, x.Empty, x.Invalid
	switch x.OnInvalid {
	case "", "error":
	case "ignore":
		out.IgnoreInvalid = true
	default:
		b.diags.Add(b.spec.Pos(ptr+"/x-pegasus/on-invalid"), psubj, "on-invalid %q: use error or ignore", x.OnInvalid)
	}
	out.Kind = choose(b, ptr+"/x-pegasus/kind", psubj, "kind", x.Kind, map[string]ir.ParamKind{"": ir.ValueParam, "value": ir.ValueParam, "flag": ir.FlagParam, "list": ir.ListParam, "pairs": ir.PairsParam, "free-form": ir.FreeFormParam})
	out.Type = b.typeRef(p.Schema, ptr+"/schema", psubj)
	if out.Type == nil {
		return nil
	}
	if s := p.Schema.Value; s != nil {
		if s.Min != nil {
			m := int64(*s.Min)
			out.Min = &m
		}
		if s.Default != nil {
			d := fmt.Sprint(s.Default)
			out.Default = &d
		}
		if out.Type != nil && out.Default != nil {
			v, err := typedDefault(out.Type.Kind, *out.Default)
			if err != nil {
				b.diags.Add(b.spec.Pos(ptr+"/schema/default"), psubj, "default %q: %v", *out.Default, err)
			}
			out.DefaultValue = v
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Examples)) {
		if ex := p.Examples[name]; ex.Value != nil {
			out.Examples = append(out.Examples, wireValue(ex.Value.Value))
		}
	}
	if p.Example != nil {
		out.Examples = append(out.Examples, wireValue(p.Example))
	}
	if s := p.Schema.Value; s != nil && out.Type.Kind == ir.String && (out.Empty != nil) != (s.MinLength > 0) {
		b.diags.Add(b.spec.Pos(ptr+"/schema"), psubj, "x-pegasus.empty and the schema's minLength: 1 say one rule (the server rejects an empty value), the first to the generator, the second to standard tools: write both or neither")
	}
	b.checkParamShape(out, ptr, psubj)
	return out
}

// wireValue is an example value as a query argument carries it: a list
// as its comma-joined items.
func wireValue(v any) string {
	if list, ok := v.([]any); ok {
		items := make([]string, len(list))
		for i, e := range list {
			items[i] = fmt.Sprint(e)
		}
		return strings.Join(items, ",")
	}
	return fmt.Sprint(v)
}

// typedDefault is a default's text as a Go value of the parameter's kind.
func typedDefault(k ir.Kind, d string) (any, error) {
	switch k {
	case ir.Int32, ir.Int64:
		return strconv.ParseInt(d, 10, 64)
	case ir.Uint32, ir.Uint64:
		return strconv.ParseUint(d, 10, 64)
	case ir.Float64:
		return strconv.ParseFloat(d, 64)
	case ir.Bool:
		return strconv.ParseBool(d)
	}
	return d, nil
}

// checkParamShape reports a kind that does not fit the schema's type.
func (b *builder) checkParamShape(p *ir.Param, ptr, subj string) {
	want := map[ir.ParamKind]func(k ir.Kind) bool{
		ir.ValueParam: func(k ir.Kind) bool {
			return k == ir.String || k == ir.Int32 || k == ir.Int64 || k == ir.Uint32 || k == ir.Uint64 || k == ir.Bool || k == ir.Float64
		},
		ir.FlagParam:     func(k ir.Kind) bool { return k == ir.Bool },
		ir.ListParam:     func(k ir.Kind) bool { return k == ir.Slice },
		ir.PairsParam:    func(k ir.Kind) bool { return k == ir.Slice },
		ir.FreeFormParam: func(k ir.Kind) bool { return k == ir.Map },
	}
	if !want[p.Kind](p.Type.Kind) {
		b.diags.Add(b.spec.Pos(ptr+"/schema"), subj, "the schema's type does not fit kind %s (value: a scalar; flag: boolean; list and pairs: array; free-form: object)", p.Kind.String())
	}
	if (p.Kind == ir.ListParam || p.Kind == ir.PairsParam) && p.Type.Elem != nil && p.Type.Elem.Kind != ir.String {
		b.diags.Add(b.spec.Pos(ptr+"/schema/items"), subj, "list items must be strings")
	}
	if p.Kind == ir.PairsParam && p.Invalid == nil {
		b.diags.Add(b.spec.Pos(ptr+"/x-pegasus"), subj, "kind pairs needs invalid, the 400 body for an odd number of items")
	}
	if p.Required && p.Missing == nil {
		b.diags.Add(b.spec.Pos(ptr+"/required"), subj, "a required parameter needs x-pegasus.missing, the 400 body when it is absent")
	}
}

// requestBody builds a POST body: a JSON struct, or raw text.
func (b *builder) requestBody(rb *openapi3.RequestBodyRef, ptr, subj string) *ir.RequestBody {
	v := rb.Value
	if v == nil {
		return nil
	}
	out := &ir.RequestBody{Required: v.Required, Description: v.Description, Pos: b.spec.Pos(ptr)}
	b.decodeExt(v.Extensions, "x-pegasus-invalid", ptr, subj, &out.Invalid)
	for i, ct := range slices.Sorted(maps.Keys(v.Content)) {
		if i > 0 {
			b.diags.Add(b.spec.Pos(ptr+load.Pointer("content", ct)), subj, "a second request media type (%s) is outside the Pegasus dialect: the servers read one body format", ct)
			continue
		}
		mt := v.Content[ct]
		out.ContentType = ct
		if mt == nil {
			continue // "needs content with a schema", below
		}
		out.Type = b.typeRef(mt.Schema, ptr+load.Pointer("content", ct, "schema"), subj)
	}
	if out.Type == nil {
		b.diags.Add(out.Pos, subj, "request body needs content with a schema")
		return nil
	}
	want := map[bool]string{true: "application/json", false: "text/plain"}[out.Type.Kind == ir.Struct]
	if out.ContentType != want && !(want == "text/plain" && out.ContentType == "application/octet-stream") {
		b.diags.Add(b.spec.Pos(ptr+load.Pointer("content", out.ContentType)), subj, "media type %s is outside the Pegasus dialect: a JSON object body is application/json, a text body text/plain", out.ContentType)
	}
	switch out.Type.Kind {
	case ir.Struct:
		// Marked once every operation is built: schemas are shared.
		b.inputs = append(b.inputs, out.Type.Named)
		if out.Invalid == "" {
			b.diags.Add(out.Pos, subj, "a JSON request body needs x-pegasus-invalid, the 400 body when it cannot be decoded")
		}
	case ir.String, ir.Bytes:
		out.Type = &ir.TypeRef{Kind: ir.Bytes}
	default:
		b.diags.Add(out.Pos, subj, "request body: use a named object schema or a string")
	}
	return out
}

// responses builds every documented status, in ascending order.
func (b *builder) responses(op *ir.Operation, o *openapi3.Operation, ptr, subj string) {
	if o.Responses == nil {
		return
	}
	codes := make([]int, 0)
	for code := range o.Responses.Map() {
		n, err := strconv.Atoi(code)
		if err != nil || n < 100 || n > 599 {
			b.diags.Add(b.spec.Pos(ptr+load.Pointer("responses", code)), subj, "response %q: use a numeric status; the servers send only 200, 307, 400, 404 and 500", code)
			continue
		}
		codes = append(codes, n)
	}
	sort.Ints(codes)
	for _, code := range codes {
		rptr := ptr + load.Pointer("responses", strconv.Itoa(code))
		rr := o.Responses.Status(code)
		if rr == nil || rr.Value == nil || b.transportAnswer(code, rr.Value, rptr, subj) {
			continue
		}
		if name, ok := strings.CutPrefix(rr.Ref, "#/components/responses/"); ok {
			// Diagnostics about the response (its examples…) point where
			// it is written, not at the $ref.
			rptr = load.Pointer("components", "responses", name)
		}
		op.Responses = append(op.Responses, b.response(op, code, rr.Value, rptr, subj))
	}
}

// transportAnswer reports whether a response only documents the transport's
// own 400 (x-pegasus-transport: true; spec/CONVENTIONS.md), which the
// runtime answers before any operation runs (a repeated argument): it builds
// no answer of the operation, as no handler can send it.
func (b *builder) transportAnswer(code int, v *openapi3.Response, ptr, subj string) bool {
	var transport bool
	if !b.decodeExt(v.Extensions, "x-pegasus-transport", ptr, subj, &transport) || !transport {
		return false
	}
	if code != 400 {
		b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-transport"), subj, "x-pegasus-transport documents the transport's 400 (a query that does not parse): use it on a 400 only")
	}
	return true
}

// response builds one status.
func (b *builder) response(op *ir.Operation, code int, v *openapi3.Response, ptr, subj string) *ir.Response {
	r := &ir.Response{Status: code, GoName: fmt.Sprintf("%s%d", op.GoName, code), Pos: b.spec.Pos(ptr)}
	if v.Description != nil {
		r.Description = *v.Description
	}
	rsubj := fmt.Sprintf("%s: response %d", subj, code)
	var f string
	if _, set := v.Extensions["x-pegasus-format"]; set && !b.decodeExt(v.Extensions, "x-pegasus-format", ptr, rsubj, &f) {
		return r
	}
	formats := map[string]ir.Format{
		"empty": ir.FormatEmpty, "table": ir.FormatTable, "sorted": ir.FormatSorted, "pretty4": ir.FormatPretty4,
		"pretty2": ir.FormatPretty2, "text": ir.FormatText, "binary": ir.FormatBinary,
	}
	if _, known := formats[f]; !known {
		choose(b, ptr+"/x-pegasus-format", rsubj, "x-pegasus-format", f, formats)
		return r // the body cannot be checked against an unknown format
	}
	r.Format = formats[f]
	if code == 307 {
		r.ServerOnly = true
	}
	for _, h := range slices.Sorted(maps.Keys(v.Headers)) {
		r.Headers = append(r.Headers, h)
	}
	var mt *openapi3.MediaType
	for _, ct := range slices.Sorted(maps.Keys(v.Content)) {
		if ct != "text/plain" {
			b.diags.Add(b.spec.Pos(ptr+load.Pointer("content", ct)), rsubj, "media type %s is outside the Pegasus dialect: the servers send every body as text/plain", ct)
		}
		mt = v.Content[ct]
		r.ContentType = ct
	}
	if mt == nil {
		if r.Format != ir.FormatEmpty {
			b.diags.Add(r.Pos, rsubj, "format %s needs content with a schema", r.Format)
		}
		return r
	}
	if r.Format == ir.FormatEmpty {
		b.diags.Add(r.Pos, rsubj, "format empty, but content is described: remove the content or choose a format")
	}
	sptr := ptr + "/content/text~1plain/schema"
	if s := mt.Schema; s != nil && s.Value != nil {
		b.responseBody(op, r, s, sptr, rsubj)
	}
	for _, name := range b.inSpecOrder(ptr+load.Pointer("content", r.ContentType, "examples"), slices.Collect(maps.Keys(mt.Examples))) {
		ex := mt.Examples[name]
		if ex == nil || ex.Value == nil {
			continue
		}
		eptr := ptr + load.Pointer("content", r.ContentType, "examples", name)
		e := &ir.Example{Name: name, Summary: ex.Value.Summary, Pos: b.spec.Pos(eptr), BodyPos: b.spec.Pos(eptr)}
		if ex.Value.Value != nil {
			if raw, err := json.Marshal(ex.Value.Value); err == nil {
				e.ValueJSON = string(raw)
			}
		}
		// x-pegasus-body carries the exact bytes; value is the decoded JSON,
		// which kin-openapi validates against the schema.
		var body string
		if b.decodeExt(ex.Value.Extensions, "x-pegasus-body", eptr, rsubj, &body) {
			e.Value, e.HasBody, e.BodyPos = body, true, b.spec.Pos(eptr+"/x-pegasus-body")
		} else if s, ok := ex.Value.Value.(string); ok {
			e.Value = s
		} else if raw, err := json.Marshal(ex.Value.Value); err == nil {
			e.Value = string(raw)
		}
		r.Examples = append(r.Examples, e)
	}
	var raw bool
	if b.decodeExt(v.Extensions, "x-pegasus-raw", ptr, rsubj, &raw) && raw {
		if !r.Format.IsJSON() {
			b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-raw"), rsubj, "x-pegasus-raw is for JSON bodies, not %s", r.Format)
		} else {
			r.RawGoName = r.GoName + "Raw"
		}
	}
	var stream bool
	if b.decodeExt(v.Extensions, "x-pegasus-stream", ptr, rsubj, &stream) && stream {
		if r.Format != ir.FormatText && r.Format != ir.FormatBinary {
			b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-stream"), rsubj, "x-pegasus-stream is for text and binary bodies, not %s", r.Format)
		} else {
			r.StreamGoName = r.GoName + "Stream"
		}
	}
	var sf struct {
		Name string `json:"name"`
		OK   string `json:"ok"`
	}
	if b.decodeExt(v.Extensions, "x-pegasus-status-field", ptr, rsubj, &sf) {
		name := sf.Name
		r.StatusField = &ir.StatusField{JSONName: name, OK: sf.OK}
		if r.Body != nil && r.Body.Named != nil {
			for _, fl := range r.Body.Named.Fields {
				if fl.JSONName == name {
					r.StatusField.GoName = fl.GoName
				}
			}
		}
		if r.StatusField.GoName == "" {
			b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-status-field"), rsubj, "x-pegasus-status-field %q is not a property of the body", name)
		}
	}
	return r
}

// responseBody decides the body type of a response.
func (b *builder) responseBody(op *ir.Operation, r *ir.Response, s *openapi3.SchemaRef, ptr, subj string) {
	switch r.Format {
	case ir.FormatText, ir.FormatBinary:
		r.Texts, r.Pattern = textsOf(s.Value)
		return
	}
	if alts := s.Value.OneOf; len(alts) == 2 && alts[1].Value != nil && alts[1].Value.Type.Is("string") {
		// JSON or a line of text: GET /config's unknown-flag answer.
		r.Body = b.typeRef(alts[0], ptr+"/oneOf/0", subj)
		r.TextGoName = r.GoName + "Text"
		r.Texts, r.Pattern = textsOf(alts[1].Value)
		return
	}
	r.Body = b.typeRef(s, ptr, subj)
	if r.Body != nil && r.Body.Kind != ir.Struct && r.Body.Kind != ir.OrderedMap && r.Body.Kind != ir.Map && r.Body.Kind != ir.Slice {
		b.diags.Add(b.spec.Pos(ptr), subj, "a %s body must be a JSON object or array (use format text for plain strings)", r.Format)
		r.Body = nil
	}
}

// textsOf returns the fixed texts and the pattern a text schema allows.
// A oneOf of string schemas (an operation's own 400 texts beside the
// transport's TransportError) allows the texts of each alternative, and
// text matching any alternative's pattern: the patterns are joined as
// alternatives of one regular expression.
func textsOf(s *openapi3.Schema) (texts []string, pattern string) {
	alts := []*openapi3.Schema{s}
	if len(s.OneOf) > 0 {
		alts = alts[:0]
		for _, a := range s.OneOf {
			if a.Value != nil {
				alts = append(alts, a.Value)
			}
		}
	}
	var patterns []string
	for _, a := range alts {
		for _, e := range a.Enum {
			texts = append(texts, fmt.Sprint(e))
		}
		if a.Pattern != "" {
			patterns = append(patterns, a.Pattern)
		}
	}
	if len(patterns) == 1 {
		return texts, patterns[0]
	}
	for i, p := range patterns {
		patterns[i] = "(?:" + p + ")"
	}
	return texts, strings.Join(patterns, "|")
}

// requestExamples reads x-pegasus-examples.
func (b *builder) requestExamples(op *ir.Operation, o *openapi3.Operation, ptr, subj string) {
	if o.Extensions["x-pegasus-examples"] == nil {
		return
	}
	var exs []struct {
		Query  string `json:"query"`
		Body   any    `json:"body"`
		Status int    `json:"status"`
		Note   string `json:"note"`
		Answer string `json:"answer"`
	}
	if !b.decodeExt(o.Extensions, "x-pegasus-examples", ptr, subj, &exs) {
		return
	}
	for i, e := range exs {
		re := &ir.RequestExample{Query: e.Query, Status: e.Status, Pos: b.spec.Pos(ptr + "/x-pegasus-examples/" + strconv.Itoa(i))}
		switch v := e.Body.(type) {
		case nil:
		case string:
			re.Body = v
		default:
			data, _ := json.Marshal(v)
			re.Body = string(data)
		}
		var resp *ir.Response
		for _, r := range op.Responses {
			if r.Status == e.Status {
				resp = r
			}
		}
		eptr := ptr + "/x-pegasus-examples/" + strconv.Itoa(i)
		if resp == nil {
			b.diags.Add(b.spec.Pos(eptr+"/status"), subj, "example status %d is not a documented response", e.Status)
		} else if e.Answer != "" {
			re.Answer = b.answer(resp, e.Answer, eptr, subj, re)
		}
		op.Examples = append(op.Examples, re)
	}
}

// answer is the body of the response example a request example names as
// the onebox's answer to it (answer: <name>), which the conformance suite
// compares byte for byte.
func (b *builder) answer(r *ir.Response, name, ptr, subj string, re *ir.RequestExample) *string {
	var names []string
	for _, e := range r.Examples {
		if e.Name == name {
			b.answers[e] = append(b.answers[e], re)
			v := e.Value
			return &v
		}
		names = append(names, e.Name)
	}
	b.diags.Add(b.spec.Pos(ptr+"/answer"), subj, "answer %q is not an example of response %d (its examples: %s): name one, or add it", name, r.Status, strings.Join(names, ", "))
	return nil
}

// inSpecOrder sorts the keys of the mapping at ptr as the spec writes them
// (kin-openapi's maps have no order), so the reference and the suites list
// examples in the author's order rather than alphabetically.
func (b *builder) inSpecOrder(ptr string, keys []string) []string {
	pos := make(map[string]ir.Pos, len(keys))
	for _, k := range keys {
		pos[k] = b.spec.Pos(ptr + load.Pointer(k))
	}
	slices.SortFunc(keys, func(x, y string) int {
		px, py := pos[x], pos[y]
		if c := cmp.Compare(px.Line, py.Line); c != 0 {
			return c
		}
		if c := cmp.Compare(px.Col, py.Col); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	return keys
}

// onWorkers runs work(w) for each w in [0, n), each on a goroutine of
// its own (the callers make one a core), and waits for all. A panic in one is raised again here, on the
// caller's goroutine, where gen turns it into an error naming a bug: a
// panic left on a worker would end the process with a stack trace.
func onWorkers(n int, work func(w int)) {
	panics := make([]any, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			defer func() { panics[w] = recover() }()
			work(w)
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
}
