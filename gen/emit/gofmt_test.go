package emit_test

import (
	"bytes"
	"context"
	"go/format"
	"os"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/bench"
	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestGofmtIsFormatSource holds the formatter generation uses to
// go/format.Source, byte for byte, on every Go file jennifer renders for
// the bundled spec, the kvadmin test spec and a synthetic spec, and checks
// that each output is what that file's formatting gave.
func TestGofmtIsFormatSource(t *testing.T) {
	kv, err := os.ReadFile("../../tests/testdata/kvadmin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []gen.Input{
		{SpecName: spec.Name, Spec: spec.Bundled},
		{SpecName: "kvadmin.yaml", Spec: kv},
		{SpecName: "synthetic.yaml", Spec: bench.SyntheticSpec(40)},
	} {
		var files []emit.File
		raw := emit.CaptureRaw(func() {
			files, err = gen.Generate(context.Background(), in)
		})
		if err != nil {
			t.Fatalf("%s: %v", in.SpecName, err)
		}
		if len(raw) < 5 {
			t.Fatalf("%s: only %d Go files formatted", in.SpecName, len(raw))
		}
		out := map[string][]byte{}
		for _, f := range files {
			out[f.Path] = f.Data
		}
		for p, src := range raw {
			want, err := format.Source(src)
			if err != nil {
				t.Fatalf("%s %s: %v", in.SpecName, p, err)
			}
			got, err := emit.Gofmt(src)
			if err != nil {
				t.Fatalf("%s %s: %v", in.SpecName, p, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s %s: gofmt differs from go/format.Source", in.SpecName, p)
			}
			if !bytes.Equal(out[p], want) {
				t.Errorf("%s %s: the output is not the formatted source", in.SpecName, p)
			}
		}
	}
}

// TestGofmtErrorsAreFormatSources: on source that does not parse, gofmt
// fails with go/format.Source's own message, which FormatError shows.
// (Source without a package clause, which Source retries as a fragment,
// is never generated: jennifer writes the clause first.)
func TestGofmtErrorsAreFormatSources(t *testing.T) {
	for _, src := range []string{"package p\nfunc func() {}\n", "package p\nvar x = (\n", "// header\n\npackage p\nfunc f() { x := }\n"} {
		_, want := format.Source([]byte(src))
		_, got := emit.Gofmt([]byte(src))
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%q: gofmt error %v, go/format error %v", src, got, want)
		}
	}
}
