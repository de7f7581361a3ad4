// Package oapigen runs oapi-codegen v2 on a spec the way its command line
// does, so that BenchmarkOapiCodegenPegasusSpec and the program that writes
// bench/oapi share one pipeline.
package oapigen

import (
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// Config is what oapi-codegen is asked to generate: models, a std-http
// server and a client, in package pkg. Nothing else is switched on or off,
// but for one template: the std-http server's interface is written by
// oapi-codegen's chi template of it, which adds the Unimplemented type
// (501 for every operation) the std-http one lacks, so that bench's
// OapiServer embeds it and still builds when the spec gains an operation.
func Config(pkg string) codegen.Configuration {
	return codegen.Configuration{
		PackageName: pkg,
		Generate: codegen.GenerateOptions{
			Models:        true,
			StdHTTPServer: true,
			Client:        true,
		},
		OutputOptions: codegen.OutputOptions{
			UserTemplates: map[string]string{"stdhttp/std-http-interface.tmpl": stdHTTPInterface},
		},
	}
}

// stdHTTPInterface is the user template that stands for oapi-codegen's
// std-http interface: its chi interface template, which is the same
// interface followed by Unimplemented. (oapi-codegen reads a one-line
// user template as a file name or URL, hence the comment line.)
const stdHTTPInterface = `{{/* the chi interface template: ServerInterface, then Unimplemented */}}
{{- template "chi/chi-interface.tmpl" .}}
`

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

// Generate is the whole oapi-codegen run on spec: load, generate. The
// spec needs no preprocessing: it says nothing oapi-codegen v2 refuses
// (tests/oapicodegen_test.go keeps it so).
func Generate(spec []byte, pkg string) (string, error) {
	doc, err := Load(spec)
	if err != nil {
		return "", err
	}
	return codegen.Generate(doc, Config(pkg))
}
