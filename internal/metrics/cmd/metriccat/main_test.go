package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteThenCheck(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "src", "w")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	cpp := "METRIC_DEFINE_entity(widget);\nMETRIC_DEFINE_counter(widget, spins, dsn::metric_unit::kRounds, \"The spins\");\n"
	if err := os.WriteFile(filepath.Join(src, "w.cpp"), []byte(cpp), 0o644); err != nil {
		t.Fatal(err)
	}
	tsv := filepath.Join(root, "catalog.tsv")
	var out bytes.Buffer
	if code := run([]string{"-src", root, "-catalog", tsv, "-write", "-rev", "abc"}, &out, &out); code != 0 {
		t.Fatalf("write: %d %s", code, out.String())
	}
	data, _ := os.ReadFile(tsv)
	if !strings.Contains(string(data), "at abc,") || !strings.Contains(string(data), "widget\tspins\tCounter\tint64\tRounds\t\t\tsrc/w/w.cpp\tThe spins\n") {
		t.Errorf("written:\n%s", data)
	}
	out.Reset()
	if code := run([]string{"-src", root, "-catalog", tsv}, &out, &out); code != 0 || !strings.Contains(out.String(), "1 metrics agree") {
		t.Errorf("check: %d %s", code, out.String())
	}
	if err := os.WriteFile(filepath.Join(src, "w.cpp"), []byte(strings.Replace(cpp, "The spins", "Spins", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"-src", root, "-catalog", tsv}, &out, &out); code != 1 || !strings.Contains(out.String(), `desc is "The spins", upstream "Spins"`) {
		t.Errorf("stale check: %d %s", code, out.String())
	}
	for _, args := range [][]string{{}, {"-src", filepath.Join(root, "nope"), "-catalog", tsv}, {"-x"}} {
		if code := run(args, &out, &out); code == 0 {
			t.Errorf("%q: exit 0", args)
		}
	}
}
