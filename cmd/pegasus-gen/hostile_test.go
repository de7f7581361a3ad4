package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// hostileBase is a small valid spec; each hostile case changes it.
const hostileBase = `openapi: 3.0.3
info: {title: Hostile, version: "1"}
x-pegasus-roles:
  - {name: main, package: mainapi, default-port: 9000}
paths:
  /:
    get:
      operationId: getHelp
      x-pegasus: {roles: [main], help: "List all calls.", builtin: help-index}
      responses:
        "200":
          description: help
          x-pegasus-format: table
          content:
            text/plain:
              schema: {$ref: '#/components/schemas/Listing'}
  /item:
    get:
      operationId: getItem
      x-pegasus: {roles: [main], help: "Get an item."}
      responses:
        "200":
          description: item
          x-pegasus-format: sorted
          content:
            text/plain:
              schema: {$ref: '#/components/schemas/Item'}
components:
  schemas:
    Listing:
      type: object
      additionalProperties: {type: string}
    Item:
      type: object
      properties:
        name: {type: string}
`

// internals are what a user must never see: a Go type or package-qualified
// name, a stack trace, a panic, encoding/json's words, or a source dump.
var internals = regexp.MustCompile(`\b(build|load|gen|emit|ir|openapi3|yaml|json)\.[A-Za-z]|goroutine \d|panic:|Go value|cannot unmarshal|\npackage \w+\n|^package \w+`)

// TestHostileSpecs feeds the generator specs found by trying to break it
// (issue 11): each run ends within 10 s, prints no Go internals, and
// either exits 1 with a positioned diagnostic or generates code that
// go vet accepts.
func TestHostileSpecs(t *testing.T) {
	item := "      properties:\n        name: {type: string}\n"
	op := "      operationId: getItem\n      x-pegasus: {roles: [main], help: \"Get an item.\"}\n"
	deep := "        deep: " + strings.Repeat("{type: array, items: ", 5000) + "{type: string}" + strings.Repeat("}", 5000) + "\n"
	for _, c := range []struct {
		name, spec string
		want       string // a diagnostic (file:line:col: …) in stderr; "" means generation succeeds
	}{
		{"nested arrays 5000 deep", hostileBase + deep, `:37:680: schema Item: arrays and maps nest deeper than 32 levels`},
		{"package func", strings.Replace(hostileBase, "package: mainapi", "package: func", 1), `:4:18: role "main": package "func" is a Go keyword`},
		{"package main", strings.Replace(hostileBase, "package: mainapi", "package: main", 1), `:4:18: role "main": package "main" is the name of a Go command`},
		{"extension of the wrong type", strings.Replace(hostileBase, `x-pegasus: {roles: [main], help: "Get an item."}`, `x-pegasus: "roles"`, 1),
			`:20:7: GET /item: x-pegasus: expected a mapping with keys`},
		{"tab", strings.Replace(hostileBase, "        name: {type: string}", "\tname: {type: string}", 1), `:36:1: cannot parse the spec: a tab character`},
		{"non-ASCII names", strings.NewReplacer(
			op, strings.ReplaceAll(op, "getItem", "获取数据"),
			item, "      properties:\n        名前: {type: string}\n        get🚀: {type: string}\n        get: {type: string}\n        é: {type: integer}\n",
			"components:\n", "  /rocket:\n    get:\n      operationId: get🚀\n      x-pegasus: {roles: [main], help: \"Rocket.\"}\n      responses:\n        \"200\": {description: ok, x-pegasus-format: empty}\n"+
				"  /plain:\n    get:\n      operationId: get\n      x-pegasus: {roles: [main], help: \"Plain.\"}\n      responses:\n        \"200\": {description: ok, x-pegasus-format: empty}\ncomponents:\n",
		).Replace(hostileBase), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			specPath := filepath.Join(dir, "spec.yaml")
			if err := os.WriteFile(specPath, []byte(c.spec), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			start := time.Now()
			done := make(chan struct{})
			var code int
			var stderr string
			go func() {
				defer close(done)
				code, _, stderr = runCLI("-spec", specPath, "-out", out)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("still generating after 10 s")
			}
			t.Logf("%v, exit %d", time.Since(start).Round(time.Millisecond), code)
			if internals.MatchString(stderr) {
				t.Errorf("stderr shows Go internals:\n%s", stderr)
			}
			if c.want != "" {
				if code != 1 || !strings.Contains(stderr, specPath+c.want) {
					t.Errorf("exit %d, want 1 with %q; stderr:\n%s", code, c.want, stderr)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			vet(t, out)
		})
	}
}

// vet builds and vets a generated tree as a module of its own.
func vet(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hostile\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go vet: %v\n%s", err, out)
	}
}
