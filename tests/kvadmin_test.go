package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
)

// generateKV generates the second spec, a small two-role admin API that is
// not Pegasus. (Renaming packages by config is covered by the CLI tests
// and the example module.)
func generateKV(t *testing.T) []emit.File {
	t.Helper()
	data, err := os.ReadFile("testdata/kvadmin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := gen.Generate(context.Background(), gen.Input{SpecName: "testdata/kvadmin.yaml", Spec: data})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestKVAdminGolden compares the output for the second spec with the
// golden tree (go test ./tests -update rewrites it).
func TestKVAdminGolden(t *testing.T) {
	checkGolden(t, "testdata/golden/kvadmin", generateKV(t))
}

// TestKVAdminBuildsVetsAndRoundTrips puts the generated packages in a fresh
// module that requires nothing (the generated code imports only the
// standard library) and runs go vet and a client↔server round trip there.
func TestKVAdminBuildsVetsAndRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	dir := t.TempDir()
	for _, f := range generateKV(t) {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data)
	}
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module kvtest\n\ngo 1.26\n"))
	test, err := os.ReadFile("testdata/kvadmin/roundtrip_test.go")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "roundtrip_test.go"), test)
	goCmd(t, dir, "vet", "./...")
	goCmd(t, dir, "test", "-count=1", "./...")
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goCmd runs the go command in dir, offline and bounded in time.
func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}
