package load

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// kin-openapi validates a whole document and stops at its first problem,
// named in text only. A valid document is validated once, as a whole. An
// invalid one is then validated again element by element (each component,
// parameter, request body, response, media type and schema on its own,
// the innermost first), so that every problem is reported in one run, each
// at the element it is about; an element is validated whole only when its
// parts are valid, so that a problem is reported once, at its innermost
// place. Only an invalid document pays for this.

// maxDescent bounds how deep the element-by-element pass looks into
// nested schemas; below it a schema is validated whole.
const maxDescent = 24

// validator collects diagnostics of the element-by-element pass.
type validator struct {
	s    *Spec
	ctx  context.Context
	list diag.List
	bad  map[string]bool // component schemas that are invalid
}

// validate is the validation stage of Load.
func (s *Spec) validate(ctx context.Context) error {
	err := s.Doc.Validate(ctx, openapi3.EnableExamplesValidation())
	if err == nil {
		return nil
	}
	v := &validator{s: s, bad: map[string]bool{}, ctx: openapi3.WithValidationOptions(ctx, openapi3.EnableExamplesValidation(), openapi3.EnableMultiError())}
	v.required()
	v.document()
	v.components()
	v.paths()
	if len(v.list) == 0 {
		// Not found by parts: report the whole document's verdict, but
		// for path parameters, which build refuses (see paths).
		for _, e := range multi(s.Doc.Validate(v.ctx, openapi3.EnableExamplesValidation(), openapi3.EnableMultiError())) {
			var ppe *openapi3.PathParametersError
			if e == nil || errors.As(e, &ppe) {
				continue
			}
			pos, subj := s.validationPlace(e.Error())
			v.list.Add(pos, subj, "not valid OpenAPI: %s", firstLine(e.Error()))
			break
		}
	}
	return v.list.Err()
}

// add reports err (every error of a MultiError) at ptr.
func (v *validator) add(ptr, subj string, err error) bool {
	if err == nil {
		return false
	}
	if me, ok := err.(openapi3.MultiError); ok && len(me) > 0 {
		for _, e := range me {
			v.add(ptr, subj, e)
		}
		return true
	}
	ptr, msgs := v.place(ptr, err)
	for _, msg := range msgs {
		v.list.Add(v.s.Pos(ptr), subj, "not valid OpenAPI: %s", msg)
	}
	return true
}

// place moves an error about a named example or a schema's example or
// default to that value, and drops the wrapper's words that only said where.
// An example is reported with every error its value has, one a message.
func (v *validator) place(ptr string, err error) (string, []string) {
	var mte *openapi3.MediaTypeExampleValidationError
	var pe *openapi3.ParameterExampleValidationError
	var sve *openapi3.SchemaValueError
	var extra *openapi3.ExtraSiblingFieldsError
	switch {
	case errors.As(err, &extra) && len(extra.Fields) > 0:
		if _, found := v.s.find(ptr + Pointer(extra.Fields[0])); found {
			ptr += Pointer(extra.Fields[0])
		}
		return ptr, []string{fmt.Sprintf("OpenAPI has no key %s here (misspelt? an extension's name starts with x-)", strings.Join(quoted(extra.Fields), ", "))}
	case errors.As(err, &mte):
		return v.valueOf(ptr + Pointer("examples", mte.ExampleName)), prefixed("example "+mte.ExampleName+": ", valueProblems(mte.Cause))
	case errors.As(err, &pe):
		return v.valueOf(ptr + Pointer("examples", pe.ExampleName)), prefixed("example "+pe.ExampleName+": ", valueProblems(pe.Cause))
	case errors.As(err, &sve):
		if _, found := v.s.find(ptr + "/" + sve.ValueKind); found {
			ptr += "/" + sve.ValueKind
		}
		return ptr, prefixed(sve.ValueKind+": ", valueProblems(sve.Cause))
	}
	msg := firstLine(err.Error())
	if m := reUnknownType.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("type %q is not an OpenAPI type: use string, integer, number, boolean, array or object", m[1])
	}
	return ptr, []string{msg}
}

// reUnknownType is kin-openapi's report of a type OpenAPI does not have.
var reUnknownType = regexp.MustCompile(`^unsupported 'type' value "(.*)"$`)

// prefixed puts p before each message.
func prefixed(p string, msgs []string) []string {
	for i, m := range msgs {
		msgs[i] = p + m
	}
	return msgs
}

// valueProblems are the errors of checking a value (an example, a
// default) against its schema, each in spec terms: the member it is about
// and why, where kin-openapi says `Error at "/a/0": …`.
func valueProblems(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	if me, ok := err.(openapi3.MultiError); ok {
		for _, e := range me {
			out = append(out, valueProblems(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return []string{firstLine(err.Error())}
	}
	where := ""
	p := se.JSONPointer()
	if len(p) > 0 && strings.Contains(se.Reason, fmt.Sprintf("%q", p[len(p)-1])) {
		p = p[:len(p)-1] // `property "x" is missing` names its member itself
	}
	if len(p) > 0 {
		where = fmt.Sprintf("member %q: ", memberPath(p))
	}
	reason := se.Reason
	var inner openapi3.MultiError
	if se.Origin != nil && errors.As(se.Origin, &inner) {
		return []string{where + alternatives(se, inner, where)}
	} else if reason == "" && se.Origin != nil {
		reason = firstLine(se.Origin.Error())
	} else if reason == "" {
		reason = fmt.Sprintf("does not match the schema's %s", se.SchemaField)
	}
	return []string{where + reason}
}

// alternatives says why a value matched none of a oneOf's schemas (or
// not all of an allOf's): each alternative's problems, named by it.
// Inner problems are about the same member as the outer one (where) or
// members inside it: the outer member is said once.
func alternatives(se *openapi3.SchemaError, inner openapi3.MultiError, where string) string {
	var alts openapi3.SchemaRefs
	if se.Schema != nil && se.SchemaField == "oneOf" && len(se.Schema.OneOf) == len(inner) {
		alts = se.Schema.OneOf // every alternative failed, in order
	}
	var why []string
	for i, e := range inner {
		ps := valueProblems(e)
		for j, p := range ps {
			ps[j] = strings.TrimPrefix(p, where)
		}
		msg := strings.Join(ps, ", ")
		if alts != nil {
			msg = "as " + altName(alts[i]) + ": " + msg
		}
		why = append(why, msg)
	}
	if alts != nil {
		return "matches none of the oneOf schemas (" + strings.Join(why, "; ") + ")"
	}
	return se.Reason + " (" + strings.Join(why, "; ") + ")"
}

// altName names a schema of a oneOf: its component's name, or its type.
func altName(r *openapi3.SchemaRef) string {
	switch {
	case r == nil || r.Value == nil:
		return "a schema"
	case r.Ref != "":
		return r.Ref[strings.LastIndexByte(r.Ref, '/')+1:]
	case r.Value.Type != nil && len(*r.Value.Type) == 1:
		return "type " + (*r.Value.Type)[0]
	}
	return "a schema"
}

// memberPath writes a JSON pointer's tokens as a member path: a.b[0].c.
func memberPath(tokens []string) string {
	var b strings.Builder
	for i, t := range tokens {
		if _, err := strconv.Atoi(t); err == nil {
			fmt.Fprintf(&b, "[%s]", t)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

// valueOf is an Example object's value, where there is one.
func (v *validator) valueOf(ptr string) string {
	if _, found := v.s.find(ptr + "/value"); found {
		return ptr + "/value"
	}
	return ptr
}

// topRequired are the top-level keys OpenAPI 3.0 requires.
var topRequired = []string{"openapi", "info", "paths"}

// required names every required top-level key the document lacks, in one
// diagnostic (kin-openapi says "must be an object", naming neither).
func (v *validator) required() {
	var missing []string
	for _, k := range topRequired {
		if _, found := v.s.find("/" + k); !found {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		v.list.Add(v.s.Pos(""), "", "not valid OpenAPI: the spec lacks the required top-level key(s) %s: an OpenAPI 3.0 document has openapi: 3.0.3, info: {title: ..., version: ...} and paths: {...} (the operations)",
			strings.Join(missing, ", "))
	}
}

// document validates what is not under paths or components.
func (v *validator) document() {
	doc := *v.s.Doc
	doc.Paths = openapi3.NewPaths()
	doc.Components = nil
	if c := v.s.Doc.Components; c != nil {
		// Security requirements name schemes, checked here.
		doc.Components = &openapi3.Components{SecuritySchemes: c.SecuritySchemes, Extensions: c.Extensions}
	}
	me := multi(doc.Validate(v.ctx, openapi3.EnableExamplesValidation(), openapi3.EnableMultiError()))
	for _, e := range me {
		var rf *openapi3.RequiredFieldError
		if e == nil || (errors.As(e, &rf) && slices.Contains(topRequired, rf.Field)) {
			continue // a missing top-level key, said by required
		}
		ptr := ""
		var se *openapi3.SectionValidationError
		if errors.As(e, &se) {
			ptr = map[string]string{"components": "/components", "info": "/info", "paths": "/paths", "security": "/security",
				"servers": "/servers", "tags": "/tags", "external docs": "/externalDocs"}[se.Section]
			e = se.Cause
		}
		v.add(ptr, "", e)
	}
}

// components validates each component on its own (its name, too).
func (v *validator) components() {
	c := v.s.Doc.Components
	if c == nil {
		return
	}
	// A schema that is invalid, or refers to one that is, is known first,
	// so that its problems are reported at it and not again where it is used.
	for n, sr := range c.Schemas {
		if sr != nil && sr.Value != nil && sr.Value.Validate(v.ctx) != nil {
			v.bad[n] = true
		}
	}
	for _, n := range slices.Sorted(maps.Keys(c.Schemas)) {
		ptr := Pointer("components", "schemas", n)
		sr := c.Schemas[n]
		if sr != nil && sr.Ref == "" && !v.schema(sr, ptr, "schema "+n, 0) {
			v.add(ptr, "schema "+n, (&openapi3.Components{Schemas: openapi3.Schemas{n: sr}}).Validate(v.ctx))
		}
	}
	for _, n := range slices.Sorted(maps.Keys(c.Parameters)) {
		if p := c.Parameters[n]; p != nil && p.Value != nil {
			v.parameter(p.Value, Pointer("components", "parameters", n), "parameter "+n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(c.RequestBodies)) {
		if rb := c.RequestBodies[n]; rb != nil && rb.Value != nil {
			v.requestBody(rb.Value, Pointer("components", "requestBodies", n), "request body "+n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(c.Responses)) {
		if r := c.Responses[n]; r != nil && r.Value != nil {
			v.response(r.Value, Pointer("components", "responses", n), "response "+n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(c.Headers)) {
		v.add(Pointer("components", "headers", n), "header "+n, (&openapi3.Components{Headers: openapi3.Headers{n: c.Headers[n]}}).Validate(v.ctx))
	}
	for _, n := range slices.Sorted(maps.Keys(c.Examples)) {
		v.add(Pointer("components", "examples", n), "example "+n, (&openapi3.Components{Examples: openapi3.Examples{n: c.Examples[n]}}).Validate(v.ctx))
	}
	for _, n := range slices.Sorted(maps.Keys(c.Links)) {
		v.add(Pointer("components", "links", n), "link "+n, (&openapi3.Components{Links: openapi3.Links{n: c.Links[n]}}).Validate(v.ctx))
	}
	for _, n := range slices.Sorted(maps.Keys(c.Callbacks)) {
		v.add(Pointer("components", "callbacks", n), "callback "+n, (&openapi3.Components{Callbacks: openapi3.Callbacks{n: c.Callbacks[n]}}).Validate(v.ctx))
	}
}

// schema validates a schema written at ptr, its parts first; it reports
// whether there is a problem. A reference is validated where it points:
// one to an invalid schema is a problem reported there.
func (v *validator) schema(ref *openapi3.SchemaRef, ptr, subj string, depth int) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	if ref.Ref != "" {
		return v.bad[strings.TrimPrefix(ref.Ref, "#/components/schemas/")]
	}
	s, found := ref.Value, false
	if depth < maxDescent {
		for _, n := range slices.Sorted(maps.Keys(s.Properties)) {
			found = v.schema(s.Properties[n], ptr+Pointer("properties", n), subj, depth+1) || found
		}
		found = v.schema(s.Items, ptr+"/items", subj, depth+1) || found
		found = v.schema(s.AdditionalProperties.Schema, ptr+"/additionalProperties", subj, depth+1) || found
		found = v.schema(s.Not, ptr+"/not", subj, depth+1) || found
		for kw, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "anyOf": s.AnyOf, "oneOf": s.OneOf} {
			for i, e := range list {
				found = v.schema(e, fmt.Sprintf("%s/%s/%d", ptr, kw, i), subj, depth+1) || found
			}
		}
	}
	if found {
		return true
	}
	return v.add(ptr, subj, s.Validate(v.ctx))
}

// paths validates each operation, then what belongs to paths and path
// items themselves: path templates, parameters shared by a path,
// operationIds used twice.
func (v *validator) paths() {
	ps := v.s.Doc.Paths
	if ps == nil {
		return
	}
	stripped := openapi3.NewPaths()
	for _, p := range ps.InMatchingOrder() {
		item := ps.Value(p)
		if item == nil {
			continue
		}
		bare := *item
		for m, o := range item.Operations() {
			v.operation(o, Pointer("paths", p, strings.ToLower(m)), m+" "+p)
			bare.SetOperation(m, nil)
		}
		v.add(Pointer("paths", p), p, bare.Validate(v.ctx))
		// The operations again, reduced to what the paths' own checks read.
		keep := bare
		for m, o := range item.Operations() {
			keep.SetOperation(m, &openapi3.Operation{OperationID: o.OperationID, Parameters: o.Parameters, Responses: trivialResponses()})
		}
		stripped.Set(p, &keep)
	}
	for _, e := range multi(stripped.Validate(v.ctx)) {
		var pve *openapi3.PathValidationError
		var ppe *openapi3.PathParametersError
		var dup *openapi3.DuplicateOperationIDError
		switch {
		case e == nil, errors.As(e, &pve), errors.As(e, &dup):
			// a path item's own problem, reported above; a repeated
			// operationId, reported at the repeat by operationIDs
		case errors.As(e, &ppe):
			// A path template, or a parameter in: path: both outside the
			// dialect, said by build once, at the path or the parameter.
		default:
			v.add("/paths", "", e)
		}
	}
	v.operationIDs()
}

// operationIDs reports an operationId used again, once, at the repeat (in
// the order written), naming where it was first used: kin-openapi names
// both operations but no place.
func (v *validator) operationIDs() {
	type use struct {
		pos  ir.Pos
		subj string
	}
	var uses []use
	byID := map[string][]int{}
	for _, p := range v.s.Doc.Paths.InMatchingOrder() {
		item := v.s.Doc.Paths.Value(p)
		if item == nil {
			continue
		}
		for m, o := range item.Operations() {
			if o == nil || o.OperationID == "" {
				continue
			}
			byID[o.OperationID] = append(byID[o.OperationID], len(uses))
			uses = append(uses, use{v.s.Pos(Pointer("paths", p, strings.ToLower(m), "operationId")), m + " " + p})
		}
	}
	for id, is := range byID {
		sort.Slice(is, func(a, b int) bool {
			pa, pb := uses[is[a]].pos, uses[is[b]].pos
			return pa.Line < pb.Line || (pa.Line == pb.Line && pa.Col < pb.Col)
		})
		first := uses[is[0]]
		for _, i := range is[1:] {
			v.list.Add(uses[i].pos, uses[i].subj, "operationId %q is already that of %s (line %d): an operationId names one operation; rename one",
				id, first.subj, first.pos.Line)
		}
	}
}

// trivialResponses is a valid responses object, standing in for an
// operation's own when the operation's other fields are checked.
func trivialResponses() *openapi3.Responses {
	desc := "stand-in"
	return openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: &openapi3.Response{Description: &desc}}))
}

// operation validates an operation's parameters, request body and
// responses, then its other fields.
func (v *validator) operation(o *openapi3.Operation, ptr, subj string) {
	for i, pr := range o.Parameters {
		if pr != nil && pr.Ref == "" && pr.Value != nil {
			v.parameter(pr.Value, fmt.Sprintf("%s/parameters/%d", ptr, i), fmt.Sprintf("%s: parameter %q", subj, pr.Value.Name))
		}
	}
	if rb := o.RequestBody; rb != nil && rb.Ref == "" && rb.Value != nil {
		v.requestBody(rb.Value, ptr+"/requestBody", subj)
	}
	if o.Responses != nil {
		for _, code := range o.Responses.Keys() {
			if rr := o.Responses.Value(code); rr != nil && rr.Ref == "" && rr.Value != nil {
				v.response(rr.Value, ptr+Pointer("responses", code), fmt.Sprintf("%s: response %s", subj, code))
			}
		}
	}
	rest := *o
	rest.Parameters, rest.RequestBody = nil, nil
	if o.Responses != nil && o.Responses.Len() > 0 {
		rest.Responses = trivialResponses()
	}
	v.add(ptr, subj, rest.Validate(v.ctx))
}

// parameter validates a parameter's schema, its own fields, then each
// example on its own.
func (v *validator) parameter(p *openapi3.Parameter, ptr, subj string) {
	bad := v.schema(p.Schema, ptr+"/schema", subj, 0)
	rest := *p
	rest.Example, rest.Examples = nil, nil
	if p.Schema != nil {
		rest.Schema = openapi3.NewSchemaRef("", &openapi3.Schema{})
	}
	v.add(ptr, subj, rest.Validate(v.ctx))
	if bad {
		return // examples cannot be judged against a broken schema
	}
	if p.Example != nil {
		one := *p
		one.Examples = nil
		v.add(ptr, subj, one.Validate(v.ctx))
	}
	for _, n := range slices.Sorted(maps.Keys(p.Examples)) {
		one := *p
		one.Example, one.Examples = nil, openapi3.Examples{n: p.Examples[n]}
		v.add(ptr, subj, one.Validate(v.ctx))
	}
}

// mediaType validates a media type's schema, then the media type with
// each of its examples on its own, as part of a request body or response
// made by wrap (which sets whether examples are requests or responses).
func (v *validator) mediaType(mt *openapi3.MediaType, ptr, subj string, wrap func(*openapi3.MediaType) error) {
	if mt == nil || v.schema(mt.Schema, ptr+"/schema", subj, 0) {
		return
	}
	rest := *mt
	rest.Examples = nil
	v.add(ptr, subj, wrap(&rest))
	for _, n := range slices.Sorted(maps.Keys(mt.Examples)) {
		one := *mt
		one.Example, one.Examples = nil, openapi3.Examples{n: mt.Examples[n]}
		v.add(ptr, subj, wrap(&one))
	}
}

// requestBody validates each media type, then the body's own fields.
func (v *validator) requestBody(rb *openapi3.RequestBody, ptr, subj string) {
	for _, ct := range slices.Sorted(maps.Keys(rb.Content)) {
		v.mediaType(rb.Content[ct], ptr+Pointer("content", ct), subj, func(mt *openapi3.MediaType) error {
			one := *rb
			one.Content = openapi3.Content{ct: mt}
			return one.Validate(v.ctx)
		})
	}
	rest := *rb
	if len(rb.Content) > 0 {
		rest.Content = openapi3.Content{"text/plain": openapi3.NewMediaType()}
	}
	v.add(ptr, subj, rest.Validate(v.ctx))
}

// response validates each media type and header, then the response's own
// fields.
func (v *validator) response(r *openapi3.Response, ptr, subj string) {
	stub := ""
	for _, ct := range slices.Sorted(maps.Keys(r.Content)) {
		v.mediaType(r.Content[ct], ptr+Pointer("content", ct), subj, func(mt *openapi3.MediaType) error {
			return (&openapi3.Response{Description: &stub, Content: openapi3.Content{ct: mt}}).Validate(v.ctx)
		})
	}
	for _, h := range slices.Sorted(maps.Keys(r.Headers)) {
		one := openapi3.Response{Description: &stub, Headers: openapi3.Headers{h: r.Headers[h]}}
		v.add(ptr+Pointer("headers", h), subj, one.Validate(v.ctx))
	}
	rest := *r
	rest.Content, rest.Headers = nil, nil
	v.add(ptr, subj, rest.Validate(v.ctx))
}

// quoted are names in quotes.
func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}

// multi is err as a list of errors.
func multi(err error) openapi3.MultiError {
	if me, ok := err.(openapi3.MultiError); ok {
		return me
	}
	return openapi3.MultiError{err}
}
