package gen_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
)

// TestKeepBroken: the source of a file that does not format is written
// beside the output and named in the error, found through the wrapping
// the stages and errors.Join add.
func TestKeepBroken(t *testing.T) {
	dir := t.TempDir()
	fe := &emit.FormatError{Path: "meta/types_gen.go", Source: []byte("package meta\nfunc func() {}\n"), Err: errors.New("expected name")}
	err := &gen.StageError{Stage: "emit", Err: errors.Join(fmt.Errorf("other"), fe)}
	kept := gen.KeepBroken(dir, err)
	want := filepath.Join(dir, "meta", "types_gen.go.broken")
	if len(kept) != 1 || kept[0] != want {
		t.Fatalf("kept %v, want [%s]", kept, want)
	}
	if data, _ := os.ReadFile(want); string(data) != string(fe.Source) {
		t.Errorf("kept %q", data)
	}
	if msg := err.Error(); !strings.Contains(msg, "the source is in "+want) || strings.Contains(msg, "func func") {
		t.Errorf("message: %s", msg)
	}
}
