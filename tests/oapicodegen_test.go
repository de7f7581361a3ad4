package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestOapiCodegenReadsSpec runs oapi-codegen v2 (the version in go.mod) on
// spec/pegasus.yaml exactly as its command line would — kin-openapi's loader,
// no preprocessing, no compatibility option — asking for models and a
// client, and builds the result: a standard Go generator must read the spec
// without error and write code that compiles.
func TestOapiCodegenReadsSpec(t *testing.T) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	doc, err := loader.LoadFromData(spec.Bundled)
	if err != nil {
		t.Fatalf("kin-openapi: %v", err)
	}
	code, err := codegen.Generate(doc, codegen.Configuration{
		PackageName: "pegasusoapi",
		Generate:    codegen.GenerateOptions{Models: true, Client: true},
	})
	if err != nil {
		t.Fatalf("oapi-codegen: %v", err)
	}
	// Inside this module, so the build uses go.mod's oapi-codegen runtime;
	// the leading underscore keeps the directory out of ./... patterns.
	dir, err := os.MkdirTemp(".", "_oapicodegen")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, "client.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "./"+filepath.Base(dir))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen's client does not build: %v\n%s", err, out)
	}
}
