package cftables

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the copies of gen/conformrt's table files")

// mirrored are gen/conformrt's files this package copies: the tables'
// types (spec.go, which imports encoding/json only) and their exported
// names (export.go).
var mirrored = []string{"spec.go", "export.go"}

// TestMirror checks that this package's files are gen/conformrt's table
// files as they are now, under this package's name; -update (go generate
// ./gen/emit) rewrites them. The test compiles without the emitter, so a
// stale copy can be refreshed even when the emitter does not build.
func TestMirror(t *testing.T) {
	for _, name := range mirrored {
		src, err := os.ReadFile(filepath.Join("..", "..", "..", "conformrt", name))
		if err != nil {
			t.Fatal(err)
		}
		want := copyOf(name, src)
		if *update {
			if err := os.WriteFile(copyName(name), want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(copyName(name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("gen/emit/internal/cftables/%s is not gen/conformrt/%s: run go generate ./gen/emit", copyName(name), name)
		}
	}
}

// copyName is the copy's file name.
func copyName(name string) string { return name[:len(name)-len(".go")] + "_copy.go" }

// copyOf is src, a file of package conformrt, as a file of this package.
func copyOf(name string, src []byte) []byte {
	header := "// Code generated from gen/conformrt/" + name + " by go generate ./gen/emit; DO NOT EDIT.\n\n"
	body, ok := bytes.CutPrefix(src, []byte("package conformrt\n"))
	if !ok {
		panic("gen/conformrt/" + name + " does not start with its package clause")
	}
	return append([]byte(header+"package cftables\n"), body...)
}
