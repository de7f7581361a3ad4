package tests

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAddEndpointNeedsOnlySpecAndHandler does to a copy of the repository
// what a maintainer does to add operations: a GET with a table answer and
// a POST with a JSON body added to spec/pegasus.yaml
// (testdata/addendpoint/paths.yaml and schemas.yaml), their handlers added
// to internal/metaserver (handler.go.txt), then make generate's commands,
// the staleness check, go vet ./... and go test -short ./... of the copy,
// which must pass with nothing else edited: no fixture, count, body or
// benchmark peer copies the spec's operations.
//
// Every package is tested but tests/zkcluster: failover of separate
// processes over ZooKeeper, which no operation's description reaches and
// whose timing under a loaded machine is its own test's business (make
// test runs it).
//
// The copy is git ls-files of this checkout with ../shared beside it (and
// the spec linters' node_modules linked in when installed). It takes
// minutes (one generation, vet and the short suite of the whole module),
// so -short and the race-built run of make test skip it; the plain go
// test ./... of make test runs it.
func TestAddEndpointNeedsOnlySpecAndHandler(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("runs the whole short suite of a copy of the repository (minutes)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	copyDir := filepath.Join(t.TempDir(), "pegasus-gen")
	copyCheckout(t, root, copyDir)
	addEndpoints(t, copyDir)
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	for _, step := range [][]string{
		{"go", "run", "./cmd/pegasus-gen"},
		{"go", "generate", "./bench/oapi", "./tests"},
		{"go", "run", "./cmd/pegasus-gen", "-check"},
		{"go", "vet", "./..."},
		append([]string{"go", "test", "-short", "-count=1"}, packages(t, copyDir)...),
	} {
		start := time.Now()
		cmd := exec.CommandContext(ctx, step[0], step[1:]...)
		cmd.Dir = copyDir
		// The copy has no .git: it is not CI's clone, so the tests that read
		// the repository's history skip there, as in any copy of a release.
		cmd.Env = append(withoutEnv(os.Environ(), "CI"), "GOWORK=off")
		out, err := cmd.CombinedOutput()
		name := strings.Join(step, " ")
		if len(step) > 6 {
			name = fmt.Sprintf("%s (%d packages)", strings.Join(step[:4], " "), len(step)-4)
		}
		t.Logf("%s: %v (%s)", name, err, time.Since(start).Round(time.Second))
		if err != nil {
			t.Fatalf("%s failed in the copy with the endpoints added:\n%s", name, interesting(out))
		}
	}
	src, err := os.ReadFile(filepath.Join(copyDir, "generated", "meta", "server_gen.go"))
	if err != nil || !bytes.Contains(src, []byte("GetMetaAppPartitionCount")) || !bytes.Contains(src, []byte("SetMetaAppNote")) {
		t.Errorf("the new operations are not in the generated server (%v)", err)
	}
}

// copyCheckout copies the tracked files of the checkout at root into dir,
// with root's ../shared linked beside it.
func copyCheckout(t *testing.T, root, dir string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): nothing to copy", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or a symlink
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	if shared, err := filepath.Abs(filepath.Join(root, "..", "shared")); err == nil {
		if _, err := os.Stat(shared); err == nil {
			os.Symlink(shared, filepath.Join(dir, "..", "shared"))
		}
	}
	if nm := filepath.Join(root, "tools", "lint", "node_modules"); exists(nm) {
		if real, err := filepath.EvalSymlinks(nm); err == nil {
			os.Symlink(real, filepath.Join(dir, "tools", "lint", "node_modules"))
		}
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// addEndpoints edits the copy as the maintainer would: the two paths at
// the head of the spec's paths, their schemas at the head of its schemas,
// the handlers in a new file of internal/metaserver.
func addEndpoints(t *testing.T, dir string) {
	t.Helper()
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("testdata", "addendpoint", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	specPath := filepath.Join(dir, "spec", "pegasus.yaml")
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	spec := string(data)
	for _, ins := range []struct{ after, text string }{{"\npaths:\n", read("paths.yaml")}, {"\n  schemas:\n", read("schemas.yaml")}} {
		i := strings.Index(spec, ins.after)
		if i < 0 {
			t.Fatalf("spec/pegasus.yaml has no %q line to add after", strings.TrimSpace(ins.after))
		}
		i += len(ins.after)
		spec = spec[:i] + ins.text + spec[i:]
	}
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "internal", "metaserver", "added_ops.go"), []byte(read("handler.go.txt")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// interesting is the part of a go command's output worth showing: the lines
// of failing tests and build errors, else its last 60 lines.
func interesting(out []byte) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	var keep []string
	for _, l := range lines {
		if strings.Contains(l, "FAIL") || strings.Contains(l, ".go:") || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "    ") {
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 || len(keep) > 200 {
		keep = lines[max(0, len(lines)-60):]
	}
	return strings.Join(keep, "\n")
}

// packages are the copy's packages but tests/zkcluster.
func packages(t *testing.T, dir string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list in the copy: %v", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		if !strings.HasSuffix(p, "/tests/zkcluster") {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}

// withoutEnv is env less the variable name.
func withoutEnv(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
