package emit_test

import (
	"context"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/bench"
	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/gen/emit/fastfmt"
)

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
		HitBytes: a.HitBytes + b.HitBytes}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
