// Package oapigen runs oapi-codegen v2 on a spec the way its command line
// does, so that BenchmarkOapiCodegenPegasusSpec and the program that writes
// bench/oapi share one pipeline.
package oapigen

import (
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
