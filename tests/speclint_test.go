package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/spec"
)

// The linters are npm packages pinned by tools/lint/package-lock.json;
// `make lint-tools` (a dependency of `make test`) installs them with npm ci.
const lintDir = "../tools/lint"

// lintTool returns the path of an installed linter, failing the test (never
// skipping it) when the packages are not there.
func lintTool(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(lintDir, "node_modules", ".bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is not installed: run `make lint-tools` (npm ci in tools/lint): %v", name, err)
	}
	return p
}

// lintProblem is one finding of either linter, as the test reports it.
type lintProblem struct {
	Rule    string
	Error   bool
	Line    int
	Message string
}

func (p lintProblem) String() string {
	return fmt.Sprintf("line %d: %s: %s", p.Line, p.Rule, p.Message)
}

// runLinter runs a linter that prints JSON on stdout and decodes it. Both
// exit non-zero when they find errors, so the exit status is not the verdict:
// output that is not the expected JSON is.
func runLinter(t *testing.T, dst any, tool string, args ...string) {
	t.Helper()
	cmd := exec.Command(tool, args...)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if err := json.Unmarshal(stdout.Bytes(), dst); err != nil {
		t.Fatalf("%s %v: %v; output is not its JSON report (%v)\nstdout: %.2000s\nstderr: %.2000s", filepath.Base(tool), args, runErr, err, stdout.Bytes(), stderr.Bytes())
	}
}

// redocly lints spec with Redocly CLI's recommended ruleset.
func redocly(t *testing.T, spec string) []lintProblem {
	var report struct {
		Problems []struct {
			RuleID   string `json:"ruleId"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Location []struct {
				Start struct{ Line int } `json:"start"`
			} `json:"location"`
		} `json:"problems"`
	}
	runLinter(t, &report, lintTool(t, "redocly"), "lint", "--config", filepath.Join(lintDir, "redocly.yaml"), "--format", "json", spec)
	var out []lintProblem
	for _, p := range report.Problems {
		lp := lintProblem{Rule: p.RuleID, Error: p.Severity == "error", Message: p.Message}
		if len(p.Location) > 0 {
			lp.Line = p.Location[0].Start.Line
		}
		out = append(out, lp)
	}
	return out
}

// spectral lints spec with Spectral's spectral:oas ruleset.
func spectral(t *testing.T, spec string) []lintProblem {
	var report []struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Severity int    `json:"severity"` // 0 error, 1 warning, 2 info, 3 hint
		Range    struct {
			Start struct{ Line int } `json:"start"`
		} `json:"range"`
	}
	runLinter(t, &report, lintTool(t, "spectral"), "lint", "--ruleset", filepath.Join(lintDir, "spectral.yaml"), "--format", "json", spec)
	var out []lintProblem
	for _, p := range report {
		out = append(out, lintProblem{Rule: p.Code, Error: p.Severity == 0, Line: p.Range.Start.Line + 1, Message: p.Message})
	}
	return out
}

// TestSpecLints requires 0 errors on spec/pegasus.yaml from Redocly's
// recommended ruleset and from Spectral's spectral:oas, the two rulesets
// standard OpenAPI tooling applies. Warnings are logged, not failed: they
// are advice (a 4XX response on operations that have none, a contact).
func TestSpecLints(t *testing.T) {
	linters := map[string]func(*testing.T, string) []lintProblem{"redocly": redocly, "spectral": spectral}
	for name, lint := range linters {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The linters must see errors where there are some, or 0 below proves nothing.
			bad := 0
			for _, p := range lint(t, "testdata/lint-bad.yaml") {
				if p.Error {
					bad++
				}
			}
			if bad == 0 {
				t.Fatalf("%s found no error in testdata/lint-bad.yaml, which has some", name)
			}
			for _, p := range lint(t, "../spec/pegasus.yaml") {
				if p.Error {
					t.Errorf("spec/pegasus.yaml %s", p)
				} else {
					t.Logf("warning: spec/pegasus.yaml %s", p)
				}
			}
		})
	}
}

// TestSpecFlowScalarsQuoted: a plain (unquoted) scalar inside a flow
// collection must not contain ':'. YAML 1.2 reads `{a: b:c}` as a: "b:c",
// but YAML 1.1 parsers (PyYAML before 5.1, libyaml-based tools of that age,
// SnakeYAML in strict mode) stop with "found unexpected ':'", so such values
// are quoted.
func TestSpecFlowScalarsQuoted(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal(spec.Bundled, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node, inFlow bool)
	walk = func(n *yaml.Node, inFlow bool) {
		if n.Kind == yaml.ScalarNode && inFlow && n.Style == 0 && strings.Contains(n.Value, ":") {
			t.Errorf("spec/pegasus.yaml:%d:%d: quote %q: a plain scalar with ':' inside a flow collection is not YAML 1.1", n.Line, n.Column, n.Value)
		}
		flow := inFlow || n.Style&yaml.FlowStyle != 0
		for _, c := range n.Content {
			walk(c, flow)
		}
	}
	walk(&doc, false)
	// The check itself must see such a scalar where there is one.
	var bad yaml.Node
	if err := yaml.Unmarshal([]byte("a: {b: 127.0.0.1:1}\n"), &bad); err != nil {
		t.Fatal(err)
	}
	if v := bad.Content[0].Content[1].Content[1]; v.Style != 0 || v.Value != "127.0.0.1:1" {
		t.Fatalf("yaml.v3 no longer reports plain flow scalars as the check expects: %+v", v)
	}
}
