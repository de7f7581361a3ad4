package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/generated/replicaconform"
)

// TestInitModule is a new user's first minutes: pegasus-gen init writes a
// module in an empty directory, and there the three commands the README
// gives pass; go test -v names each operation the starter leaves
// unimplemented; go tool pegasus-gen keeps its exit codes; init refuses a
// directory with files in it; the CI workflow init writes passes, and
// fails at its conformance step when the served MetaServer answers wrongly.
func TestInitModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	bin := filepath.Join(t.TempDir(), "pegasus-gen")
	goCmd(t, "..", "build", "-o", bin, "./cmd/pegasus-gen")
	dir := filepath.Join(t.TempDir(), "pegasus-admin")
	out := run(t, "", bin, "init", "-module", "example.com/pegasus-admin", dir)
	if !strings.Contains(out, "replaces it with the checkout") {
		t.Errorf("init does not say it replaced pegasus-gen with the checkout:\n%s", out)
	}
	goCmd(t, dir, "generate", "./...")
	goCmd(t, dir, "vet", "./...")
	goCmd(t, dir, "test", "./...")
	// The README's Go snippets are files of such a module: they must
	// compile, vet and pass as written.
	for name, body := range readmeFiles(t) {
		writeFile(t, filepath.Join(dir, name), []byte(body))
	}
	goCmd(t, dir, "vet", "./...")
	if out := goCmd(t, dir, "test", "-count=1", "-v", "-run", "TableHandler", "."); !strings.Contains(out, "--- PASS: TestTableHandlerConformance") {
		t.Errorf("the README's conformance test did not run:\n%s", out)
	}
	verbose := goCmd(t, dir, "test", "-count=1", "-v", "-run", "Conformance", ".")
	// What the starter's handlers implement; GET / is the server's own,
	// and /envs/list is behind a feature that is off by default.
	implemented := map[string]map[string]bool{
		"TestMetaConformance":    {"GET /": true, "GET /meta/cluster": true, "GET /meta/app": true, "GET /version": true, "GET /envs/list": true},
		"TestReplicaConformance": {"GET /": true, "GET /version": true, "GET /recentStartTime": true},
	}
	for role, ops := range map[string][]string{"TestMetaConformance": metaconform.Operations(), "TestReplicaConformance": replicaconform.Operations()} {
		for _, op := range ops {
			sub := role + "/implemented/" + strings.ReplaceAll(op, " ", "_")
			if named := strings.Contains(verbose, "--- SKIP: "+sub+" "); named == implemented[role][op] {
				t.Errorf("%s %s: named as not implemented: %v, want %v", role, op, named, !named)
			}
		}
	}
	if strings.Contains(verbose, "--- FAIL") {
		t.Errorf("the starter fails its own conformance test:\n%s", verbose)
	}
	// go tool keeps pegasus-gen's exit codes (go run would make them 1).
	if code := exitCode(t, dir, "go", "tool", "pegasus-gen", "-check", "-config", "pegasus-gen.yaml"); code != 0 {
		t.Errorf("fresh -check: exit %d", code)
	}
	if code := exitCode(t, dir, "go", "tool", "pegasus-gen", "-no-such-flag"); code != 2 {
		t.Errorf("usage error through go tool: exit %d, want 2", code)
	}
	if code := exitCode(t, dir, "go", "tool", "pegasus-gen", "conform", "-meta", "127.0.0.1:1", "-replica", "127.0.0.1:1", "-timeout", "1s"); code != 2 {
		t.Errorf("conform, nothing answering, through go tool: exit %d, want 2", code)
	}
	if code := exitCode(t, "", bin, "init", dir); code != 1 {
		t.Errorf("init into a non-empty directory: exit %d, want 1", code)
	}
	checkWorkflow(t, dir)
}

// readmeSnippet is the first line of a README Go block that is a file of a
// module made by init.
var readmeSnippet = regexp.MustCompile("(?s)```go\n// (\\w+\\.go), in a module made by pegasus-gen init\n(.*?)```")

// readmeFiles are the README's Go blocks that are files of such a module.
func readmeFiles(t *testing.T) map[string]string {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range readmeSnippet.FindAllStringSubmatch(string(data), -1) {
		out[m[1]] = m[2]
	}
	if len(out) < 3 {
		t.Fatalf("found %d README snippets of a module made by init, want at least 3", len(out))
	}
	return out
}

// run runs a command and returns its output, failing the test on error.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// exitCode runs a command and returns its exit status.
func exitCode(t *testing.T, dir, name string, args ...string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return 0
}
