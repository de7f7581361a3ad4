// Package oapigen runs oapi-codegen v2 on a spec the way its command line
// does, so that BenchmarkOapiCodegenPegasusSpec and the program that writes
// bench/oapi share one pipeline.
package oapigen

import (
	"slices"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// Config is what oapi-codegen is asked to generate: models, a std-http
// server and a client, in package pkg. Nothing else is switched on or off.
func Config(pkg string) codegen.Configuration {
	return codegen.Configuration{
		PackageName: pkg,
		Generate: codegen.GenerateOptions{
			Models:        true,
			StdHTTPServer: true,
			Client:        true,
		},
	}
}

// Load parses spec with kin-openapi configured as oapi-codegen's own loader
// (pkg/util.LoadSwagger) configures it: external references allowed and
// origins recorded. The CLI reads a file; here the bytes are already in
// memory, which is the only difference.
func Load(spec []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.IncludeOrigin = true
	return loader.LoadFromData(spec)
}

// Generate is the whole oapi-codegen run on spec: load, the one
// preprocessing step oapi-codegen needs (see Preprocess), generate.
func Generate(spec []byte, pkg string) (string, error) {
	doc, err := Load(spec)
	if err != nil {
		return "", err
	}
	Preprocess(doc)
	return codegen.Generate(doc, Config(pkg))
}

// Preprocess makes the Pegasus spec acceptable to oapi-codegen v2.8.2 with
// the smallest change found, applied to the loaded document (the spec bytes
// and the loading are left alone):
//
// oapi-codegen's validateSpec (pkg/codegen/validate_spec.go, run
// unconditionally by codegen.Generate; no option turns it off) refuses any
// enum value containing a control character, because enum values become Go
// string literals in its output. The Pegasus spec has exactly one: the 500
// answer of GET /meta/app is a single byte whose enum lists "\u0001"
// (ERR_UNKNOWN). Preprocess deletes such enum values — only those values,
// the rest of each enum stays — and touches nothing else. With that single
// deletion oapi-codegen accepts the spec; no compatibility or output option
// is needed, and no x- extension has to be removed.
func Preprocess(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(r *openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		s.Enum = slices.DeleteFunc(s.Enum, hasControl)
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
		for _, l := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf, s.AllOf} {
			for _, c := range l {
				walk(c)
			}
		}
	}
	content := func(c openapi3.Content) {
		for _, mt := range c {
			walk(mt.Schema)
		}
	}
	params := func(ps openapi3.Parameters) {
		for _, p := range ps {
			if p.Value != nil {
				walk(p.Value.Schema)
				content(p.Value.Content)
			}
		}
	}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			walk(s)
		}
	}
	if doc.Paths == nil {
		return
	}
	for _, item := range doc.Paths.Map() {
		params(item.Parameters)
		for _, op := range item.Operations() {
			params(op.Parameters)
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(op.RequestBody.Value.Content)
			}
			if op.Responses == nil {
				continue
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				content(resp.Value.Content)
				for _, h := range resp.Value.Headers {
					if h.Value != nil {
						walk(h.Value.Schema)
					}
				}
			}
		}
	}
}

// hasControl reports whether an enum value is a string with a control
// character, which oapi-codegen cannot put into a Go string literal.
func hasControl(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	return slices.ContainsFunc([]rune(s), unicode.IsControl)
}
