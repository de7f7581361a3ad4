// Package tests holds pegasus-gen's end-to-end tests: golden output, the
// generated trees built and vetted, and generated clients talking to
// generated servers.
package tests

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/emit"
)

var update = flag.Bool("update", false, "rewrite golden files")

// checkGolden compares files with the tree at dir, file by file, and fails
// on a file missing from either side.
func checkGolden(t *testing.T, dir string, files []emit.File) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			writeFile(t, filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data)
		}
		return
	}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s: %v (run go test ./tests -update)", f.Path, err)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s differs from the golden file (run go test ./tests -update and review the diff)", f.Path)
		}
	}
	var extra []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			if !want[filepath.ToSlash(rel)] {
				extra = append(extra, rel)
			}
		}
		return nil
	})
	sort.Strings(extra)
	for _, e := range extra {
		t.Errorf("%s is in the golden tree but no longer generated", e)
	}
}
