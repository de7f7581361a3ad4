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

// fastfmtInputs are the specs whose generated Go holds fastfmt to
// go/format.Source: the bundled spec, two synthetic sizes and every test
// spec that generates (the bad ones are meant not to).
func fastfmtInputs(t *testing.T) []gen.Input {
	ins := []gen.Input{
		{SpecName: spec.Name, Spec: spec.Bundled},
		{SpecName: "synthetic40.yaml", Spec: bench.SyntheticSpec(40)},
		{SpecName: "synthetic400.yaml", Spec: bench.SyntheticSpec(400)},
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
		ins = append(ins, gen.Input{SpecName: filepath.Base(p), Spec: data})
	}
	return ins
}

// TestFastfmtIsFormatSource holds fastfmt, and gofmt, which tries it
// first, to go/format.Source, byte for byte, on every Go file generated
// for fastfmtInputs (kvadmin.yaml among them), and logs how much of each
// spec's Go the shape cache served.
func TestFastfmtIsFormatSource(t *testing.T) {
	generated := 0
	for _, in := range fastfmtInputs(t) {
		var err error
		raw := emit.CaptureRaw(func() {
			_, err = gen.Generate(context.Background(), in)
		})
		if err != nil {
			t.Logf("%s does not generate (%v): skipped", in.SpecName, err)
			continue
		}
		generated++
		var total fastfmt.Stats
		for p, src := range raw {
			want, err := format.Source(src)
			if err != nil {
				t.Fatalf("%s %s: %v", in.SpecName, p, err)
			}
			got, ok, st := fastfmt.FormatStats(src)
			if ok && !bytes.Equal(got, want) {
				t.Errorf("%s %s: fastfmt differs from go/format.Source at byte %d", in.SpecName, p, firstDiff(got, want))
			}
			if ok {
				total = add(total, st)
			}
			if wired, err := emit.Gofmt(src); err != nil || !bytes.Equal(wired, want) {
				t.Errorf("%s %s: gofmt differs from go/format.Source (%v)", in.SpecName, p, err)
			}
		}
		t.Logf("%s: %d Go files; fastfmt served %d of %d chunks, %.1f%% of chunk bytes from its cache",
			in.SpecName, len(raw), total.Hits, total.Chunks, 100*float64(total.HitBytes)/float64(max(total.Bytes, 1)))
	}
	if generated < 4 {
		t.Fatalf("only %d specs generated", generated)
	}
}

// TestFastfmtCoverage: on SyntheticSpec(400) fastfmt takes every file
// and serves most of its bytes from the cache, which is what it is for.
func TestFastfmtCoverage(t *testing.T) {
	var err error
	raw := emit.CaptureRaw(func() {
		_, err = gen.Generate(context.Background(), gen.Input{SpecName: "synthetic.yaml", Spec: bench.SyntheticSpec(400)})
	})
	if err != nil {
		t.Fatal(err)
	}
	var total fastfmt.Stats
	size, declined := 0, 0
	for p, src := range raw {
		size += len(src)
		_, ok, st := fastfmt.FormatStats(src)
		if !ok {
			declined += len(src)
			t.Logf("declined %s (%d bytes)", p, len(src))
			continue
		}
		total = add(total, st)
	}
	served := float64(total.HitBytes) / float64(size)
	t.Logf("SyntheticSpec(400): %d Go files, %d bytes; declined %d bytes; %d of %d chunks (%.1f%% of all bytes) from the cache, the rest by go/format",
		len(raw), size, declined, total.Hits, total.Chunks, 100*served)
	if served < 0.5 {
		t.Errorf("fastfmt served only %.1f%% of the bytes", 100*served)
	}
}

func add(a, b fastfmt.Stats) fastfmt.Stats {
	return fastfmt.Stats{Chunks: a.Chunks + b.Chunks, Hits: a.Hits + b.Hits, Bytes: a.Bytes + b.Bytes,
		HitBytes: a.HitBytes + b.HitBytes, PrologueSize: a.PrologueSize + b.PrologueSize}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
