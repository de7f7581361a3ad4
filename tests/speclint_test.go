package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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

// TestSpecLints requires 0 errors and 0 warnings on spec/pegasus.yaml from
// Redocly's recommended ruleset and from Spectral's spectral:oas, the two
// rulesets standard OpenAPI tooling applies, but for the warnings that
// spec/CONVENTIONS.md lists ("Warnings the wire forces"), each with the wire
// fact behind it. A listed warning the linters no longer report fails too,
// so that the list stays the exact set.
func TestSpecLints(t *testing.T) {
	allowed := allowedLintWarnings(t)
	ops := operationLines(t)
	linters := map[string]func(*testing.T, string) []lintProblem{"redocly": redocly, "spectral": spectral}
	for name, lint := range linters {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The linters must see errors and warnings where there are some,
			// or 0 below proves nothing.
			bad, warned := 0, 0
			for _, p := range lint(t, "testdata/lint-bad.yaml") {
				if p.Error {
					bad++
				} else {
					warned++
				}
			}
			if bad == 0 || warned == 0 {
				t.Fatalf("%s found %d errors and %d warnings in testdata/lint-bad.yaml, which has both", name, bad, warned)
			}
			seen := map[lintWarning]bool{}
			for _, p := range lint(t, "../spec/pegasus.yaml") {
				w := lintWarning{Linter: name, Rule: p.Rule, Operation: ops.at(p.Line)}
				switch {
				case p.Error:
					t.Errorf("spec/pegasus.yaml %s", p)
				case allowed[w] != "":
					seen[w] = true
					t.Logf("listed warning: spec/pegasus.yaml %s (%s)", p, allowed[w])
				default:
					t.Errorf("warning: spec/pegasus.yaml %s (operation %q): fix it, or list it in spec/CONVENTIONS.md with the wire fact that forces it", p, w.Operation)
				}
			}
			for w := range allowed {
				if w.Linter == name && !seen[w] {
					t.Errorf("spec/CONVENTIONS.md lists %s %s on %q, which %s no longer reports: remove the row", w.Linter, w.Rule, w.Operation, name)
				}
			}
		})
	}
}

// lintWarning is one row of CONVENTIONS' list of warnings the wire forces:
// a linter's rule on an operation ("-" for the document level).
type lintWarning struct{ Linter, Rule, Operation string }

// allowedLintWarnings reads the table under "Warnings the wire forces" in
// spec/CONVENTIONS.md: | linter | rule | operationId | wire fact |.
func allowedLintWarnings(t *testing.T) map[lintWarning]string {
	t.Helper()
	data, err := os.ReadFile("../spec/CONVENTIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(data), "### Warnings the wire forces")
	if !ok {
		t.Fatal(`spec/CONVENTIONS.md has no "### Warnings the wire forces" section`)
	}
	out := map[lintWarning]string{}
	for _, line := range strings.Split(table, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if !strings.HasPrefix(line, "|") || len(cells) != 4 || strings.HasPrefix(strings.TrimSpace(cells[0]), "-") || strings.TrimSpace(cells[0]) == "linter" {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cells[3] == "" {
			t.Fatalf("spec/CONVENTIONS.md: warning %s %s on %s lists no wire fact", cells[0], cells[1], cells[2])
		}
		out[lintWarning{Linter: cells[0], Rule: cells[1], Operation: cells[2]}] = cells[3]
	}
	if len(out) == 0 {
		t.Fatal("spec/CONVENTIONS.md: no rows under Warnings the wire forces")
	}
	return out
}

// opLines maps spec lines to the operation written there.
type opLines []struct {
	line int
	id   string
}

// at names the operation a line is in, "-" outside every operation.
func (o opLines) at(line int) string {
	id := "-"
	for _, op := range o {
		if op.line > line {
			break
		}
		id = op.id
	}
	return id
}

// operationLines lists where each operation of the spec starts, and where
// what follows paths (components) starts, in line order.
func operationLines(t *testing.T) opLines {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(spec.Bundled, &doc); err != nil {
		t.Fatal(err)
	}
	var out opLines
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != "paths" {
			if i > 0 && top.Content[i-2].Value == "paths" {
				out = append(out, struct {
					line int
					id   string
				}{top.Content[i].Line, "-"})
			}
			continue
		}
		paths := top.Content[i+1]
		for j := 1; j < len(paths.Content); j += 2 {
			item := paths.Content[j]
			for k := 0; k+1 < len(item.Content); k += 2 {
				op := item.Content[k+1]
				for m := 0; m+1 < len(op.Content); m += 2 {
					if op.Content[m].Value == "operationId" {
						out = append(out, struct {
							line int
							id   string
						}{item.Content[k].Line, op.Content[m+1].Value})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out
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
