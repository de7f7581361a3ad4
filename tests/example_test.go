package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
)

// TestExampleModule is what a server repo does: a module of its own whose
// //go:generate line runs pegasus-gen with a pegasus-gen.yaml, and whose
// hand-written handler builds against the output. It runs in a copy, with
// the replace directive pointed at this checkout.
func TestExampleModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum", "pegasus-gen.yaml", "gen.go", "main.go"} {
		data, err := os.ReadFile(filepath.Join("example", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name), data)
	}
	goCmd(t, dir, "mod", "edit", "-replace", "github.com/pegasus-kv/pegasus-gen="+root)
	goCmd(t, dir, "generate", "./...")
	goCmd(t, dir, "build", "./...")
	goCmd(t, dir, "vet", "./...")
	// The config renamed the package and turned pprof off.
	got, err := os.ReadFile(filepath.Join(dir, "internal", "metaapi", "help_index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := meta.HelpIndex(map[meta.Feature]bool{meta.FeaturePprof: false}); string(got) != string(want) {
		t.Errorf("help index with pprof off:\n got %s\nwant %s", got, want)
	}
}
