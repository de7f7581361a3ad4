package irbuild

import (
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

// ruleExt is one rule of x-pegasus-rules (on a schema) or of an
// operation's x-pegasus.rules (spec/CONVENTIONS.md, "Rules").
type ruleExt struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Cite    string `json:"cite"`
}

// agreementExt is one rule of the document's x-pegasus-agreements.
type agreementExt struct {
	Name    string   `json:"name"`
	Reads   []string `json:"reads"`
	Rule    string   `json:"rule"`
	Message string   `json:"message"`
	Cite    string   `json:"cite"`
}

// celVar is a variable a rule may use and its CEL type.
type celVar struct {
	name string
	typ  *types.Type
}

// rules reads, checks and translates every rule of the spec: those of the
// named object schemas and their properties, of the operations, and the
// agreements. It runs once all types and operations are built, as a rule
// is checked against them. The rules are read first and compiled together
// (see compileQueued), which is when each is added where it belongs: no
// step before that may read the Rules of a type, field or operation, or
// the agreements.
func (b *builder) rules() {
	b.celTypes = newCELTypes(b.types)
	b.schemaRules()
	b.operationRules()
	b.agreements()
	b.strayRules()
	b.compileQueued()
}

// schemaRules reads x-pegasus-rules of each named object schema (self is
// the object) and of each property's own inline schema (self is the
// property's value).
func (b *builder) schemaRules() {
	if b.doc.Components == nil {
		return
	}
	names := make([]string, 0, len(b.types))
	for n := range b.types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t, sr := b.types[n], b.doc.Components.Schemas[n]
		if sr == nil || sr.Value == nil {
			continue
		}
		ptr := load.Pointer("components", "schemas", n)
		self := celType(&ir.TypeRef{Kind: t.Kind, Named: t})
		b.ruleList(sr.Value.Extensions, ptr, "schema "+n, []celVar{{"self", self}}, func(r *ir.Rule) { t.Rules = append(t.Rules, r) })
		for _, f := range t.Fields {
			ps := sr.Value.Properties[f.JSONName]
			if ps == nil || ps.Ref != "" || ps.Value == nil {
				continue
			}
			pptr := ptr + load.Pointer("properties", f.JSONName)
			b.ruleList(ps.Value.Extensions, pptr, "schema "+n, []celVar{{"self", celType(f.Type)}}, func(r *ir.Rule) {
				r.Where = fmt.Sprintf("schema %s, property %s", n, f.JSONName)
				f.Rules = append(f.Rules, r)
			})
		}
	}
}

// operationRules reads the rules of each operation's x-pegasus: self is
// the 200 body, args the query's arguments, node and role the server.
func (b *builder) operationRules() {
	for _, op := range b.api.Operations {
		o := b.doc.Paths.Value(op.Path).GetOperation(op.Method)
		x, _ := o.Extensions["x-pegasus"].(map[string]any)
		if x == nil || x["rules"] == nil {
			continue
		}
		ptr := load.Pointer("paths", op.Path, strings.ToLower(op.Method), "x-pegasus")
		subj := subject(op.Method, op.Path)
		body := op.OK()
		if body == nil {
			b.diags.Add(b.spec.Pos(ptr+"/rules"), subj, "rules are checked on the 200 JSON body, and this operation has none: remove them")
			continue
		}
		vars := []celVar{{"self", celType(body.Body)}, {"args", types.NewMapType(types.StringType, types.StringType)}, {"node", types.StringType}, {"role", types.StringType}}
		b.ruleList(x, ptr, subj, vars, func(r *ir.Rule) {
			op.Rules = append(op.Rules, r)
			b.presence(op, r)
		})
	}
}

// ruleList decodes the rules under key "x-pegasus-rules" or "rules" of
// ext and queues them for compiling; add takes each that compiles, in
// their order.
func (b *builder) ruleList(ext map[string]any, ptr, subj string, vars []celVar, add func(*ir.Rule)) {
	key := "x-pegasus-rules"
	if _, ok := ext[key]; !ok {
		key = "rules"
	}
	var list []ruleExt
	if !b.decodeExt(ext, key, ptr, subj, &list) {
		return
	}
	for i, r := range list {
		rptr := ptr + load.Pointer(key, strconv.Itoa(i))
		rule := &ir.Rule{Source: r.Rule, Message: r.Message, Cite: r.Cite, Where: subj, Pos: b.spec.Pos(rptr)}
		if b.ruleFields(rule, rptr, subj) {
			b.queueRule(rule, rptr, subj, vars, add)
		}
	}
}

// ruleFields checks that a rule has its text, message and cite.
func (b *builder) ruleFields(r *ir.Rule, ptr, subj string) bool {
	ok := true
	for _, f := range []struct{ key, val, why string }{
		{"rule", r.Source, "the CEL expression that must hold"},
		{"message", r.Message, "what a failure says"},
		{"cite", r.Cite, "where upstream guarantees it (a source file and function)"},
	} {
		if strings.TrimSpace(f.val) == "" {
			b.diags.Add(b.spec.Pos(ptr), subj, "rule %s: missing %s: add %s", ruleLabel(r), f.key, f.why)
			ok = false
		}
	}
	return ok
}

// ruleLabel names a rule in diagnostics: an agreement by name, else by its
// text, clipped.
func ruleLabel(r *ir.Rule) string {
	if r.Name != "" {
		return strconv.Quote(r.Name)
	}
	s := r.Source
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return strconv.Quote(s)
}

// queuedRule is a rule waiting for cel-go, and then what cel-go made of it.
type queuedRule struct {
	r         *ir.Rule
	ptr, subj string
	vars      []celVar
	add       func(*ir.Rule)

	expr     *ir.Expr
	prg      cel.Program
	problems []celProblem
}

// queueRule queues a rule to be parsed and type-checked with cel-go in
// an environment of vars, and translated to the IR (see compileQueued);
// add takes it if it compiles.
func (b *builder) queueRule(r *ir.Rule, ptr, subj string, vars []celVar, add func(*ir.Rule)) {
	b.queued = append(b.queued, &queuedRule{r: r, ptr: ptr, subj: subj, vars: vars, add: add})
}

// compileQueued compiles the queued rules, then records each in queue
// order: its program, a diagnostic at the rule for each problem, naming
// the column in its text, or the rule added where it was read. cel-go's
// parse and check are about half of the build's time on the bundled spec,
// and each rule's are its own (an environment each, over the schemas,
// which nothing changes now), so they run on every core.
func (b *builder) compileQueued() {
	q := b.queued
	b.queued = nil
	var next atomic.Int64
	onWorkers(min(runtime.GOMAXPROCS(0), len(q)), func(int) {
		for i := next.Add(1) - 1; i < int64(len(q)); i = next.Add(1) - 1 {
			c := q[i]
			c.expr, c.prg, c.problems = compileCEL(b.celTypes, c.r.Source, c.vars)
		}
	})
	for _, c := range q {
		if c.prg != nil {
			b.programs[c.r] = c.prg
		}
		for _, p := range c.problems {
			if p.col > 0 {
				b.diags.Add(b.spec.Pos(c.ptr+"/rule"), c.subj, "rule %s, column %d: %s", ruleLabel(c.r), p.col, p.msg)
			} else {
				b.diags.Add(b.spec.Pos(c.ptr+"/rule"), c.subj, "rule %s %s", ruleLabel(c.r), p.msg)
			}
		}
		c.r.Expr = c.expr
		if len(c.problems) == 0 {
			c.add(c.r)
		}
	}
}

// celProblem is what is wrong with a rule, at a column of its text (0:
// the whole rule).
type celProblem struct {
	col int
	msg string
}

// compileCEL parses, type-checks and translates one rule, and plans it for
// cel-go's own evaluation, which judges the spec's examples (see
// exampleRules); a variable left unknown leaves the result unknown.
func compileCEL(p *celTypes, source string, vars []celVar) (*ir.Expr, cel.Program, []celProblem) {
	p = p.forRule()
	opts := []cel.EnvOption{cel.CustomTypeProvider(p)}
	for _, v := range vars {
		opts = append(opts, cel.Variable(v.name, v.typ))
	}
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, nil, []celProblem{{0, fmt.Sprintf("cannot be checked: %v", err)}}
	}
	checked, iss := env.Compile(source)
	if iss != nil && iss.Err() != nil {
		var out []celProblem
		for _, e := range iss.Errors() {
			out = append(out, celProblem{e.Location.Column() + 1, p.message(e.Message)})
		}
		return nil, nil, out
	}
	if !checked.OutputType().IsExactType(types.BoolType) {
		return nil, nil, []celProblem{{0, fmt.Sprintf("is of type %s, not bool: a rule says what must hold", checked.OutputType())}}
	}
	expr, bad := newTranslator(checked, vars).translate()
	switch {
	case bad != nil && bad.whole:
		return nil, nil, []celProblem{{bad.col, bad.what}}
	case bad != nil:
		return nil, nil, []celProblem{{bad.col, bad.what + " is outside the CEL the generator translates (see pegasus-gen help conventions)"}}
	}
	prg, err := env.Program(checked, cel.EvalOptions(cel.OptPartialEval))
	if err != nil {
		return nil, nil, []celProblem{{0, fmt.Sprintf("cannot be evaluated: %v", err)}}
	}
	return expr, prg, nil
}

// TranslateRule type-checks and translates one rule whose self is of type
// self, among the named types, for tests of the translation: the error
// says what compileQueued would report.
func TranslateRule(source string, self *ir.TypeRef, named []*ir.Type) (*ir.Expr, error) {
	byName := map[string]*ir.Type{}
	for _, t := range named {
		byName[t.Name] = t
	}
	expr, _, problems := compileCEL(newCELTypes(byName), source, []celVar{{"self", celType(self)},
		{"args", types.NewMapType(types.StringType, types.StringType)}, {"node", types.StringType}, {"role", types.StringType}})
	if len(problems) > 0 {
		return nil, fmt.Errorf("column %d: %s", problems[0].col, problems[0].msg)
	}
	return expr, nil
}

var undefinedField = regexp.MustCompile(`^undefined field '([^']*)'$`)

// message words a cel-go checker message for a spec's author: an unknown
// member names the members there are.
func (p *celTypes) message(msg string) string {
	if m := undefinedField.FindStringSubmatch(msg); m != nil {
		if name, members := p.missedIn(m[1]); name != "" {
			return fmt.Sprintf("unknown member %q of schema %s: its members are %s", m[1], name, strings.Join(members, ", "))
		}
		return fmt.Sprintf("unknown member %q", m[1])
	}
	return msg
}

// agreements reads x-pegasus-agreements: each read operation is a
// variable named by its operationId, holding its 200 body.
func (b *builder) agreements() {
	var list []agreementExt
	if !b.decodeExt(b.doc.Extensions, "x-pegasus-agreements", "", "", &list) {
		return
	}
	byID := map[string]*ir.Operation{}
	for _, op := range b.api.Operations {
		byID[op.ID] = op
	}
	for i, a := range list {
		ptr := load.Pointer("x-pegasus-agreements", strconv.Itoa(i))
		r := &ir.Rule{Name: a.Name, Source: a.Rule, Message: a.Message, Cite: a.Cite, Where: "agreement " + a.Name, Pos: b.spec.Pos(ptr)}
		subj := "agreement " + a.Name
		if a.Name == "" {
			b.diags.Add(r.Pos, "x-pegasus-agreements", "agreement %d has no name: name it, for reports", i)
			continue
		}
		vars, ok := b.agreementReads(r, a.Reads, ptr, subj, byID)
		if len(a.Reads) == 0 {
			b.diags.Add(b.spec.Pos(ptr), subj, "reads is empty: name the operations (operationIds) the agreement reads")
			ok = false
		}
		if b.ruleFields(r, ptr, subj) && ok {
			b.queueRule(r, ptr, subj, vars, func(r *ir.Rule) { b.api.Agreements = append(b.api.Agreements, r) })
		}
	}
}

// agreementReads resolves the operations an agreement reads to variables.
func (b *builder) agreementReads(r *ir.Rule, reads []string, ptr, subj string, byID map[string]*ir.Operation) ([]celVar, bool) {
	vars := []celVar{{"node", types.StringType}, {"role", types.StringType}}
	ok := true
	for j, id := range reads {
		op := byID[id]
		switch {
		case op == nil:
			b.diags.Add(b.spec.Pos(ptr+load.Pointer("reads", strconv.Itoa(j))), subj, "reads %q, which is no operationId of the spec", id)
			ok = false
		case op.OK() == nil:
			b.diags.Add(b.spec.Pos(ptr+load.Pointer("reads", strconv.Itoa(j))), subj, "reads %q, which has no 200 JSON body to read", id)
			ok = false
		case op.Mutates || op.Params != nil && hasRequired(op):
			b.diags.Add(b.spec.Pos(ptr+load.Pointer("reads", strconv.Itoa(j))), subj, "reads %q, which changes state or needs arguments: an agreement reads answers asked without arguments", id)
			ok = false
		default:
			r.Reads = append(r.Reads, op)
			vars = append(vars, celVar{id, celType(op.OK().Body)})
		}
	}
	return vars, ok
}

func hasRequired(op *ir.Operation) bool {
	for _, p := range op.Params {
		if p.Required {
			return true
		}
	}
	return false
}

// strayRules reports x-pegasus-rules where the generator does not read
// them (on a response's inline schema, an array's items, a map's values,
// a parameter): refused by name rather than silently never checked.
func (b *builder) strayRules() {
	read := map[*openapi3.Schema]bool{}
	if b.doc.Components != nil {
		for n, sr := range b.doc.Components.Schemas {
			if sr == nil || sr.Value == nil || b.types[n] == nil {
				continue
			}
			read[sr.Value] = true
			for _, ps := range sr.Value.Properties {
				if ps != nil && ps.Ref == "" && ps.Value != nil {
					read[ps.Value] = true
				}
			}
		}
	}
	seen := map[*openapi3.Schema]bool{}
	var walk func(sr *openapi3.SchemaRef, ptr string)
	walk = func(sr *openapi3.SchemaRef, ptr string) {
		if sr == nil || sr.Value == nil || seen[sr.Value] {
			return
		}
		s := sr.Value
		seen[s] = true
		if sr.Ref != "" {
			if name, ok := strings.CutPrefix(sr.Ref, schemaRefPrefix); ok {
				ptr = load.Pointer("components", "schemas", name)
			}
		}
		if _, has := s.Extensions["x-pegasus-rules"]; has && !read[s] {
			b.diags.Add(b.spec.Pos(ptr+"/x-pegasus-rules"), "", "x-pegasus-rules here is never checked: write rules on a named object schema or a property's schema, or on the operation (x-pegasus.rules) for its 200 body")
		}
		for n, p := range s.Properties {
			walk(p, ptr+load.Pointer("properties", n))
		}
		walk(s.Items, ptr+"/items")
		walk(s.AdditionalProperties.Schema, ptr+"/additionalProperties")
		for i, alt := range s.OneOf {
			walk(alt, ptr+"/oneOf/"+strconv.Itoa(i))
		}
	}
	if b.doc.Components != nil {
		for _, n := range slices.Sorted(maps.Keys(b.doc.Components.Schemas)) {
			walk(b.doc.Components.Schemas[n], load.Pointer("components", "schemas", n))
		}
	}
	if b.doc.Paths == nil {
		return
	}
	for _, path := range b.doc.Paths.InMatchingOrder() {
		item := b.doc.Paths.Value(path)
		if item == nil {
			continue
		}
		for method, o := range item.Operations() {
			optr := load.Pointer("paths", path, strings.ToLower(method))
			for i, p := range o.Parameters {
				if p != nil && p.Value != nil {
					walk(p.Value.Schema, optr+"/parameters/"+strconv.Itoa(i)+"/schema")
				}
			}
			if o.Responses == nil {
				continue
			}
			for status, r := range o.Responses.Map() {
				if r == nil || r.Value == nil {
					continue
				}
				for mt, c := range r.Value.Content {
					if c == nil {
						continue
					}
					walk(c.Schema, optr+load.Pointer("responses", status, "content", mt, "schema"))
				}
			}
		}
	}
}
