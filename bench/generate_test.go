package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/bench/internal/oapigen"
	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// BenchmarkGeneratePegasusSpec is one complete pegasus-gen run on the
// bundled spec in memory: load (YAML, kin-openapi, validation) → build →
// check → emit of every output; only writing the files is left out.
func BenchmarkGeneratePegasusSpec(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gen.Generate(ctx, gen.Input{SpecName: spec.Name, Spec: spec.Bundled}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOapiCodegenPegasusSpec is one complete oapi-codegen v2 run on the
// same bytes: load with kin-openapi as its CLI does, then models, std-http
// server and client generated (and formatted, as it always does).
func BenchmarkOapiCodegenPegasusSpec(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := oapigen.Generate(spec.Bundled, "oapi"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateSynthetic is BenchmarkGeneratePegasusSpec on
// SyntheticSpec with 200 and 2,000 operations (building the spec text is
// not timed).
func BenchmarkGenerateSynthetic(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{200, 2000} {
		data := SyntheticSpec(n)
		b.Run("ops="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gen.Generate(ctx, gen.Input{SpecName: "synthetic.yaml", Spec: data}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSyntheticSpecGenerates checks that the input of
// BenchmarkGenerateSynthetic is a good spec: no diagnostics, and each
// operation reaches the generated servers of its roles.
func TestSyntheticSpecGenerates(t *testing.T) {
	const n = 50
	files, err := gen.Generate(context.Background(), gen.Input{SpecName: "synthetic.yaml", Spec: SyntheticSpec(n)})
	if err != nil {
		for _, d := range gen.Diagnostics(err) {
			t.Log(d)
		}
		t.Fatalf("synthetic spec with %d operations: %v", n, err)
	}
	servers := map[string][]byte{}
	for _, f := range files {
		if filepath.Base(f.Path) == "server_gen.go" {
			servers[filepath.Dir(f.Path)] = f.Data
		}
	}
	if len(servers) != 2 {
		t.Fatalf("want the servers of 2 roles, got %d: %v", len(servers), files)
	}
	for i := range n {
		method := []byte("GetSynthOp" + strconv.Itoa(i) + "(")
		for dir, src := range servers {
			inRole := i%3 == 0 || (i%3 == 1) == (filepath.Base(dir) == "alpha")
			if got := bytes.Contains(src, method); got != inRole {
				t.Errorf("%s: operation %d generated = %v, want %v", dir, i, got, inRole)
			}
		}
	}
}

// TestOapiCodeUpToDate checks that bench/oapi/oapi_gen.go is what
// `go generate ./bench/oapi` writes today, so that the request benchmark
// measures oapi-codegen's output for the current spec.
func TestOapiCodeUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("generates with oapi-codegen")
	}
	want, err := oapigen.Generate(spec.Bundled, "oapi")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("oapi", "oapi_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Fatal("bench/oapi/oapi_gen.go is stale: run go generate ./bench/oapi")
	}
}
