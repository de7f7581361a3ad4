package main

import (
	"strings"
	"testing"
)

// TestDiffDispatch: pegasus-gen diff runs the spec diff with its exit
// statuses, and the help names it.
func TestDiffDispatch(t *testing.T) {
	const base, edited = "../../gen/specdiff/testdata/base.yaml", "../../gen/specdiff/testdata/new.yaml"
	if code, out, stderr := runCLI("diff", base, base); code != 0 || !strings.Contains(out, "no changes by meaning") {
		t.Errorf("same spec: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, _ := runCLI("diff", "-format", "markdown", base, edited); code != 1 || !strings.HasPrefix(out, "### Spec diff:") {
		t.Errorf("breaking changes: exit %d\n%s", code, out)
	}
	if code, _, stderr := runCLI("diff", base); code != 2 || !strings.Contains(stderr, "want OLD and NEW") {
		t.Errorf("one argument: exit %d: %s", code, stderr)
	}
	if _, out, _ := runCLI("help"); !strings.Contains(out, "pegasus-gen diff") {
		t.Errorf("help does not name diff:\n%s", out)
	}
}
