package specdiff

import (
	"context"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/spec"
)

// BenchmarkDiff compares the bundled spec's IR with itself: the comparison
// alone, without loading.
func BenchmarkDiff(b *testing.B) {
	api, err := Load(context.Background(), spec.Name, spec.Bundled)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := Diff("a", api, "b", api); len(r.Changes) != 0 {
			b.Fatal(r.Changes)
		}
	}
}

// BenchmarkLoadAndDiff is what pegasus-gen diff does with two specs in
// memory: both loaded and built, then compared.
func BenchmarkLoadAndDiff(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		old, err := Load(ctx, "old.yaml", spec.Bundled)
		if err != nil {
			b.Fatal(err)
		}
		new, err := Load(ctx, "new.yaml", spec.Bundled)
		if err != nil {
			b.Fatal(err)
		}
		Diff("old.yaml", old, "new.yaml", new)
	}
}
