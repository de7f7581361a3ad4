package emit_test

import (
	"bytes"
	"context"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/bench"
	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/gen/emit/fastfmt"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestGofmtIsFormatSource holds the formatter generation uses, and
// fastfmt on its own (whatever the size of the file), to go/format.Source,
// byte for byte, on every Go file jennifer renders for formatInputs, and
// checks that each output is what that file's formatting gave. It logs
// how much of each spec's Go fastfmt's shape cache served.
func TestGofmtIsFormatSource(t *testing.T) {
	for _, in := range formatInputs(t) {
		var files []emit.File
		var err error
		raw := emit.CaptureRaw(func() {
			files, err = gen.Generate(context.Background(), in.Input)
		})
		if err != nil && !in.required {
			t.Logf("%s does not generate (%v): skipped", in.SpecName, err)
			continue
		}
		if err != nil || len(raw) < 5 {
			t.Fatalf("%s: %d Go files formatted (%v)", in.SpecName, len(raw), err)
		}
		out := map[string][]byte{}
		for _, f := range files {
			out[f.Path] = f.Data
		}
		var total fastfmt.Stats
		for p, src := range raw {
			want, err := format.Source(src)
			if err != nil {
				t.Fatalf("%s %s: %v", in.SpecName, p, err)
			}
			if got, err := emit.Gofmt(src); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s %s: gofmt differs from go/format.Source (%v)", in.SpecName, p, err)
			}
			if !bytes.Equal(out[p], want) {
				t.Errorf("%s %s: the output is not the formatted source", in.SpecName, p)
			}
			got, ok, st := fastfmt.FormatStats(src)
			if ok && !bytes.Equal(got, want) {
				t.Errorf("%s %s: fastfmt differs from go/format.Source at byte %d", in.SpecName, p, firstDiff(got, want))
			}
			if ok {
				total = add(total, st)
			}
		}
		t.Logf("%s: %d Go files; fastfmt served %d of %d chunks, %.1f%% of chunk bytes from its cache",
			in.SpecName, len(raw), total.Hits, total.Chunks, 100*float64(total.HitBytes)/float64(max(total.Bytes, 1)))
	}
}

// formatInput is a spec TestGofmtIsFormatSource generates; one that is
// not required may fail to generate (lint-bad.yaml is meant to).
type formatInput struct {
	gen.Input
	required bool
}

// formatInputs are the bundled spec, two synthetic sizes (the larger
// one's files reach fastfmt through gofmt) and every test spec.
func formatInputs(t *testing.T) []formatInput {
	ins := []formatInput{
		{gen.Input{SpecName: spec.Name, Spec: spec.Bundled}, true},
		{gen.Input{SpecName: "synthetic40.yaml", Spec: bench.SyntheticSpec(40)}, true},
		{gen.Input{SpecName: "synthetic400.yaml", Spec: bench.SyntheticSpec(400)}, true},
	}
	paths, err := filepath.Glob("../../tests/testdata/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test specs: %v", err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		ins = append(ins, formatInput{gen.Input{SpecName: name, Spec: data}, name == "kvadmin.yaml"})
	}
	return ins
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
