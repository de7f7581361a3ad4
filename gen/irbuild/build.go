// Package build is the second stage: it turns a loaded OpenAPI document into
// the IR, deciding every Go name and every order on the way. It is the only
// package besides load that sees kin-openapi types.
//
// Problems are collected as diagnostics with positions rather than returned
// one at a time, so that a user fixing a spec sees all of them in one run.
package irbuild

import (
	"cel.dev/cel-go/cel"
	"encoding/json"
	"fmt"
	gotoken "go/token"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

// builder carries the state of one build.
type builder struct {
	spec  *load.Spec
	doc   *openapi3.T
	diags diag.List
	api   *ir.API
	types map[string]*ir.Type // by schema name
	// resolving are the named non-object schemas being resolved, to stop
	// a schema that refers to itself.
	resolving map[string]bool
	guards    map[string]*ir.Guard
	features  map[string]*ir.Feature
	roles     map[string]*ir.Role
	// inputs are the named types used as request bodies, marked after
	// the operations are built (see operations).
	inputs []*ir.Type
	// depth is how deep typeRef is in one schema (see MaxNesting).
	depth int
	// noRoles is set when x-pegasus-roles cannot be read.
	noRoles bool
	// celTypes is the spec's schemas as cel-go sees them, made once the
	// types are built (see rules).
	celTypes *celTypes
	// programs are the compiled rules, for judging examples (see
	// exampleRules); answers are the request examples naming each response
	// example with answer:, whose arguments an operation rule reads.
	programs map[*ir.Rule]cel.Program
	// queued are the rules read and not yet compiled (see compileQueued).
	queued  []*queuedRule
	answers map[*ir.Example][]*ir.RequestExample
}

// Build converts the spec to IR. It returns the diagnostics it found; the
// API is only meaningful when there are none.
func Build(spec *load.Spec) (*ir.API, diag.List) {
	b := &builder{
		spec:      spec,
		doc:       spec.Doc,
		api:       &ir.API{Pos: ir.Pos{File: spec.File, Line: 1, Col: 1}},
		types:     map[string]*ir.Type{},
		resolving: map[string]bool{},
		guards:    map[string]*ir.Guard{},
		features:  map[string]*ir.Feature{},
		roles:     map[string]*ir.Role{},
		programs:  map[*ir.Rule]cel.Program{},
		answers:   map[*ir.Example][]*ir.RequestExample{},
	}
	b.api.SpecName = CitedName(spec.File)
	b.api.Header = Header(b.api.SpecName)
	if info := b.doc.Info; info != nil {
		b.api.Title, b.api.Version, b.api.Description = info.Title, info.Version, info.Description
	}
	b.document()
	b.schemas()
	b.operations()
	b.conform()
	b.rules()
	b.exampleRules()
	b.assignFormats()
	b.orderFields()
	b.finishRoles()
	b.roleRules()
	return b.api, b.diags
}

// Header is the generated-code line for output of a spec: the form Go
// tools recognise (^// Code generated .* DO NOT EDIT\.$), naming the spec.
func Header(spec string) string {
	if spec == "" {
		return ir.GeneratedPrefix + ". DO NOT EDIT."
	}
	return ir.GeneratedPrefix + " from " + spec + ". DO NOT EDIT."
}

// CitedName is the spec's name as output cites it (see ir.API.SpecName).
func CitedName(file string) string {
	name := path.Clean(filepath.ToSlash(file))
	if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
		return path.Base(name)
	}
	return name
}

// decodeExt decodes an extension value into dst, rejecting unknown keys so a
// misspelt setting is reported instead of silently ignored, and values of
// the wrong kind, each at its place (see checkExt).
func (b *builder) decodeExt(ext map[string]any, name, ptr, subject string, dst any) bool {
	v, ok := ext[name]
	if !ok {
		return false
	}
	if !b.checkExt(v, reflect.TypeOf(dst), ptr+load.Pointer(name), name, subject) {
		return false
	}
	raw, err := json.Marshal(v)
	if err == nil {
		// Unmarshal reads raw in place; a Decoder copies it into a buffer
		// of its own first, which on 2,000 operations was 30 MB a run.
		err = json.Unmarshal(raw, dst)
	}
	if err != nil {
		// checkExt lets through only what decodes; this is a guard.
		b.diags.Add(b.spec.Pos(ptr+load.Pointer(name)), subject, "%s: cannot be read (see pegasus-gen help conventions)", name)
		return false
	}
	return true
}

// docExt is the document-level vocabulary.
type docExt struct {
	Roles []struct {
		Name        string `json:"name"`
		Package     string `json:"package"`
		Title       string `json:"title"`
		DefaultPort int    `json:"default-port"`
	}
	Features []struct {
		Name        string `json:"name"`
		Default     bool   `json:"default"`
		Description string `json:"description"`
	}
	Guards []struct {
		Name        string `json:"name"`
		Status      int    `json:"status"`
		Body        string `json:"body"`
		Description string `json:"description"`
	}
}

// document reads roles, features and guards.
func (b *builder) document() {
	var d docExt
	if _, set := b.doc.Extensions["x-pegasus-roles"]; set && !b.decodeExt(b.doc.Extensions, "x-pegasus-roles", "", "", &d.Roles) {
		b.noRoles = true // reported; operations' roles cannot be checked
	}
	b.decodeExt(b.doc.Extensions, "x-pegasus-features", "", "", &d.Features)
	b.decodeExt(b.doc.Extensions, "x-pegasus-guards", "", "", &d.Guards)
	if len(d.Roles) == 0 && !b.noRoles {
		b.diags.Add(b.spec.Pos(""), "", "no roles: add x-pegasus-roles with at least one role")
	}
	for i, r := range d.Roles {
		ptr := load.Pointer("x-pegasus-roles", strconv.Itoa(i))
		if r.Name == "" || r.Package == "" {
			b.diags.Add(b.spec.Pos(ptr), "", "role %d needs a name and a package", i)
			continue
		}
		if why := PackageProblem(r.Package); why != "" {
			b.diags.Add(b.spec.Pos(ptr+"/package"), "", "role %q: package %q %s", r.Name, r.Package, why)
		}
		if _, dup := b.roles[r.Name]; dup {
			b.diags.Add(b.spec.Pos(ptr), "", "role %q is declared twice", r.Name)
			continue
		}
		role := &ir.Role{Name: r.Name, Package: r.Package, ConformPackage: ConformPackage(r.Package), ConformEnv: conformEnv(r.Name), Title: r.Title, DefaultPort: r.DefaultPort}
		b.roles[r.Name] = role
		b.api.Roles = append(b.api.Roles, role)
	}
	for _, f := range d.Features {
		feat := &ir.Feature{Name: f.Name, GoName: goName(f.Name), ConstName: "Feature" + goName(f.Name), Default: f.Default, Description: f.Description}
		b.features[f.Name] = feat
		b.api.Features = append(b.api.Features, feat)
	}
	for i, g := range d.Guards {
		if g.Status < 400 || g.Status > 599 {
			b.diags.Add(b.spec.Pos(load.Pointer("x-pegasus-guards", strconv.Itoa(i), "status")), "", "guard %q: status %d is not an error status (use 4xx or 5xx)", g.Name, g.Status)
		}
		guard := &ir.Guard{Name: g.Name, GoName: goName(g.Name) + "Enabled", Status: g.Status, Body: g.Body, Description: g.Description}
		b.guards[g.Name] = guard
		b.api.Guards = append(b.api.Guards, guard)
	}
}

// PackageProblem says why name cannot be a generated package's name, or
// is "" when it can: lower-case ASCII letters and digits, not a Go keyword
// (package func does not parse), not main (a command, not a library: a
// server repo could not import it), and not what the conformance suite's
// package adds "conform" to past Go's rules.
func PackageProblem(name string) string {
	if name == "" {
		return "is empty: name the Go package"
	}
	for i, r := range name {
		if !(r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return "is not a Go package name: use lower-case letters and digits, starting with a letter"
		}
	}
	if gotoken.IsKeyword(name) {
		return "is a Go keyword: choose another name"
	}
	if name == "main" {
		return "is the name of a Go command, which no other package can import: choose another name"
	}
	return ""
}

// finishRoles sorts each role's operations in help-index order and collects
// the named types each role reaches.
func (b *builder) finishRoles() {
	sort.SliceStable(b.api.Operations, func(i, j int) bool {
		oi, oj := b.api.Operations[i], b.api.Operations[j]
		if oi.Key != oj.Key {
			return oi.Key < oj.Key
		}
		return oi.Method < oj.Method
	})
	for _, op := range b.api.Operations {
		for _, rn := range op.Roles {
			r := b.roles[rn]
			if r == nil {
				continue
			}
			if n := len(r.Operations); n == 0 || r.Operations[n-1].Key != op.Key {
				r.Help = append(r.Help, &ir.HelpLine{Path: "/" + op.Key, Help: op.Help, Feature: op.Feature})
			}
			r.Operations = append(r.Operations, op)
		}
	}
	names := make([]string, 0, len(b.types))
	for n := range b.types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.api.Types = append(b.api.Types, b.types[n])
	}
	sort.SliceStable(b.api.Types, func(i, j int) bool { return b.api.Types[i].GoName < b.api.Types[j].GoName })
	for _, r := range b.api.Roles {
		seen := map[*ir.Type]bool{}
		for _, op := range r.Operations {
			if op.Body != nil {
				reach(op.Body.Type, seen)
			}
			for _, resp := range op.Responses {
				reach(resp.Body, seen)
			}
		}
		for _, t := range b.api.Types {
			if seen[t] {
				r.Types = append(r.Types, t)
			}
		}
		r.Enums = enums(r.Types)
	}
}

// enums makes a Go type of every enum of a string field of an answer type,
// named after the type and the field ("MetricType"); request bodies keep
// plain strings, which the server validates.
func enums(types []*ir.Type) []*ir.Enum {
	var out []*ir.Enum
	for _, t := range types {
		if t.Input {
			continue
		}
		for _, f := range t.Fields {
			if len(f.Enum) == 0 || f.Type.Kind != ir.String || f.Type.Wire != ir.Native {
				continue
			}
			if f.Type.Enum == nil {
				f.Type.Enum = newEnum(t.GoName+f.GoName, f)
			}
			out = append(out, f.Type.Enum)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GoName < out[j].GoName })
	return out
}

// newEnum names an enum's constants: the type's name and the value's, or
// for values with no letter or digit (”, '-') a word for them.
func newEnum(name string, f *ir.Field) *ir.Enum {
	e := &ir.Enum{GoName: name, Doc: f.Doc}
	used := map[string]bool{}
	for i, v := range f.Enum {
		c := goName(asWords(v))
		switch {
		case v == "":
			c = "None"
		case v == "-":
			c = "Dash"
		case strings.Trim(c, "X") == "":
			c = "Value" + strconv.Itoa(i)
		}
		for used[c] {
			c += "_"
		}
		used[c] = true
		e.Values = append(e.Values, &ir.EnumValue{Value: v, ConstName: name + c})
	}
	return e
}

// asWords makes an enum value's ASCII punctuation separate words
// (flag_tag::FT_MUTABLE reads FlagTagFTMUTABLE, not FlagTagU3AU3AFTMUTABLE);
// constants that then collide are told apart by newEnum.
func asWords(v string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return '_'
		}
		return r
	}, v)
}

// reach marks every named type t uses.
func reach(t *ir.TypeRef, seen map[*ir.Type]bool) {
	if t == nil {
		return
	}
	reach(t.Elem, seen)
	n := t.Named
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	for _, f := range n.Fields {
		reach(f.Type, seen)
	}
	reach(n.Extra, seen)
	reach(n.Elem, seen)
	if n.Row != nil {
		reach(&ir.TypeRef{Kind: ir.Struct, Named: n.Row}, seen)
	}
}

// subject names an operation in diagnostics the way people say it.
func subject(method, path string) string { return fmt.Sprintf("%s %s", method, path) }
