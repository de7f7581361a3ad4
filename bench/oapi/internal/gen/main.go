// Command gen writes oapi_gen.go in the current directory (bench/oapi when
// run by go generate): oapi-codegen v2 on the bundled spec, through the same
// pipeline as BenchmarkOapiCodegenPegasusSpec.
package main

import (
	"fmt"
	"os"

	"github.com/pegasus-kv/pegasus-gen/bench/internal/oapigen"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

func main() {
	code, err := oapigen.Generate(spec.Bundled, "oapi")
	if err != nil {
		fmt.Fprintln(os.Stderr, "oapi-codegen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("oapi_gen.go", []byte(code), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
