package tests

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/bench"
	"github.com/pegasus-kv/pegasus-gen/gen"
)

// TestLargeSpecSameOnOneCore generates a spec large enough for the
// concurrent paths (the load stage's split parse and decoding in parts,
// the irbuild stage's operations on every core) on several cores and on
// one, and requires identical output. Under the race detector (make test)
// it also checks that those paths share nothing they write.
func TestLargeSpecSameOnOneCore(t *testing.T) {
	spec := bench.SyntheticSpec(120)
	generate := func(procs int) map[string][]byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		files, err := gen.Generate(context.Background(), gen.Input{SpecName: "synthetic.yaml", Spec: spec})
		if err != nil {
			t.Fatalf("GOMAXPROCS=%d: %v", procs, err)
		}
		out := map[string][]byte{}
		for _, f := range files {
			out[f.Path] = f.Data
		}
		return out
	}
	many, one := generate(max(runtime.NumCPU(), 2)), generate(1)
	if len(many) != len(one) {
		t.Fatalf("%d files on several cores, %d on one", len(many), len(one))
	}
	for p, data := range one {
		if !bytes.Equal(many[p], data) {
			t.Errorf("%s differs between several cores and one", p)
		}
	}
}
