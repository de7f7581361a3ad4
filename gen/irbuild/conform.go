package irbuild

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

// conformExt is the document-level x-pegasus-conform (spec/CONVENTIONS.md).
type conformExt struct {
	Primary *struct {
		Operation string `json:"operation"`
		Field     string `json:"field"`
	} `json:"primary"`
	Vars      map[string]string `json:"vars"`
	Scenarios []struct {
		Name        string     `json:"name"`
		Description string     `json:"description"`
		Roles       []string   `json:"roles"`
		Steps       []*stepExt `json:"steps"`
		Restore     []*stepExt `json:"restore"`
	} `json:"scenarios"`
}

// stepExt is one request of a scenario.
type stepExt struct {
	Operation string            `json:"operation"`
	Query     string            `json:"query"`
	Body      string            `json:"body"`
	Status    int               `json:"status"`
	Expect    map[string]string `json:"expect"`
	Differs   map[string]string `json:"differs"`
	Present   []string          `json:"present"`
	Save      map[string]string `json:"save"`
	Default   map[string]string `json:"default"`
	Text      *string           `json:"text"`
	Contains  []string          `json:"contains"`
	Matches   string            `json:"matches"`
}

// conform reads x-pegasus-conform, resolving operation ids; it runs after
// the operations are built.
func (b *builder) conform() {
	var x conformExt
	if !b.decodeExt(b.doc.Extensions, "x-pegasus-conform", "", "", &x) {
		return
	}
	c := &ir.Conform{}
	byID := map[string]*ir.Operation{}
	for _, op := range b.api.Operations {
		byID[op.ID] = op
	}
	base := load.Pointer("x-pegasus-conform")
	if p := x.Primary; p != nil {
		ptr := base + "/primary"
		op := byID[p.Operation]
		switch {
		case op == nil:
			b.diags.Add(b.spec.Pos(ptr+"/operation"), "x-pegasus-conform", "primary: unknown operation %q", p.Operation)
		case !strings.HasPrefix(p.Field, "/"):
			b.diags.Add(b.spec.Pos(ptr+"/field"), "x-pegasus-conform", "primary: field %q is not a JSON pointer (start it with /)", p.Field)
		default:
			c.Primary = &ir.PrimaryRef{Operation: op, Field: p.Field}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(x.Vars)) {
		c.Vars = append(c.Vars, &ir.Var{Name: name, Value: x.Vars[name]})
	}
	vars := map[string]bool{}
	for _, v := range c.Vars {
		vars[v.Name] = true
	}
	for i, s := range x.Scenarios {
		ptr := base + "/scenarios/" + strconv.Itoa(i)
		subj := "scenario " + strconv.Quote(s.Name)
		sc := &ir.Scenario{Name: s.Name, Description: s.Description, Roles: s.Roles, Pos: b.spec.Pos(ptr)}
		if s.Name == "" {
			b.diags.Add(sc.Pos, "x-pegasus-conform", "scenario %d has no name", i)
		}
		for _, r := range s.Roles {
			if b.roles[r] == nil {
				b.diags.Add(b.spec.Pos(ptr+"/roles"), subj, "unknown role %q", r)
			}
		}
		known := map[string]bool{}
		for k := range vars {
			known[k] = true
		}
		sc.Steps = b.steps(s.Steps, byID, known, ptr+"/steps", subj)
		sc.Restore = b.steps(s.Restore, byID, known, ptr+"/restore", subj)
		if len(sc.Steps) == 0 {
			b.diags.Add(sc.Pos, subj, "a scenario needs at least one step")
		}
		c.Scenarios = append(c.Scenarios, sc)
	}
	b.api.Conform = c
}

// steps builds the steps of a scenario; known are the variables set so
// far, which a step's query and body may use.
func (b *builder) steps(in []*stepExt, byID map[string]*ir.Operation, known map[string]bool, ptr, subj string) []*ir.Step {
	var out []*ir.Step
	for i, s := range in {
		sptr := ptr + "/" + strconv.Itoa(i)
		if s == nil {
			b.diags.Add(b.spec.Pos(sptr), subj, "step %d is empty: a step names an operation and the status it answers", i)
			continue
		}
		st := &ir.Step{Query: s.Query, Body: s.Body, Status: s.Status, Present: append([]string(nil), s.Present...),
			Text: s.Text, Contains: s.Contains, Matches: s.Matches, Pos: b.spec.Pos(sptr)}
		if st.Operation = byID[s.Operation]; st.Operation == nil {
			b.diags.Add(b.spec.Pos(sptr+"/operation"), subj, "step %d: unknown operation %q", i, s.Operation)
			continue
		}
		if s.Status == 0 {
			b.diags.Add(st.Pos, subj, "step %d: status is missing", i)
		}
		if s.Matches != "" {
			if _, err := regexp.Compile(s.Matches); err != nil {
				b.diags.Add(b.spec.Pos(sptr+"/matches"), subj, "step %d: matches %q is not a regular expression (RE2, as Go's regexp): %s", i, s.Matches, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			}
		}
		if s.Text != nil && (len(s.Expect)+len(s.Differs)+len(s.Present)+len(s.Save) > 0) {
			b.diags.Add(st.Pos, subj, "step %d: text says the whole body, so expect, differs, present and save (about JSON fields) cannot apply: keep one kind", i)
		}
		for _, text := range []string{s.Query, s.Body} {
			for _, v := range placeholders(text) {
				if !known[v] {
					b.diags.Add(st.Pos, subj, "step %d: {%s} is neither in vars nor saved by an earlier step", i, v)
				}
			}
		}
		sort.Strings(st.Present)
		for _, f := range slices.Sorted(maps.Keys(s.Expect)) {
			st.Expect = append(st.Expect, &ir.FieldValue{Field: f, Value: s.Expect[f]})
		}
		for _, f := range slices.Sorted(maps.Keys(s.Differs)) {
			st.Differs = append(st.Differs, &ir.FieldValue{Field: f, Value: s.Differs[f]})
		}
		for _, f := range append(append(slices.Sorted(maps.Keys(s.Expect)), slices.Sorted(maps.Keys(s.Differs))...), st.Present...) {
			if !strings.HasPrefix(f, "/") {
				b.diags.Add(st.Pos, subj, "step %d: field %q is not a JSON pointer (start it with /)", i, f)
			}
		}
		for _, v := range slices.Sorted(maps.Keys(s.Save)) {
			d, has := s.Default[v]
			st.Save = append(st.Save, &ir.Save{Var: v, Field: s.Save[v], Default: d, HasDefault: has})
			known[v] = true
		}
		for _, v := range slices.Sorted(maps.Keys(s.Default)) {
			if _, ok := s.Save[v]; !ok {
				b.diags.Add(st.Pos, subj, "step %d: default for %q, which the step does not save", i, v)
			}
		}
		out = append(out, st)
	}
	return out
}

// placeholderRE is a {name} variable of a scenario text; JSON braces
// around it are not variables.
var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// placeholders are the {name} variables of a text.
func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
