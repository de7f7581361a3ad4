package specdiff

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runDiff(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Command(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestExitStatus: 0 without breaking changes, 1 with them, 2 on bad input,
// each bad input named on stderr without a Go error's insides.
func TestExitStatus(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"testdata/base.yaml", "testdata/base.yaml"}, 0, ""},
		{[]string{"-format", "json", "testdata/new.yaml", "testdata/new.yaml"}, 0, ""},
		{[]string{"testdata/base.yaml", "testdata/new.yaml"}, 1, ""},
		{[]string{"-h"}, 0, ""},
		{[]string{"testdata/base.yaml"}, 2, "want OLD and NEW, got 1 argument(s)"},
		{[]string{"-format", "html", "testdata/base.yaml", "testdata/new.yaml"}, 2, `-format "html": want text, json or markdown`},
		{[]string{"-bogus", "a", "b"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"testdata/none.yaml", "testdata/new.yaml"}, 2, "OLD: testdata/none.yaml is not a file, and git cannot read testdata/none.yaml:spec/pegasus.yaml"},
		{[]string{"testdata", "testdata/new.yaml"}, 2, "OLD: testdata is a directory, not a spec"},
		{[]string{"testdata/base.yaml", "no-such-revision-xyz:spec/pegasus.yaml"}, 2, "NEW: no-such-revision-xyz:spec/pegasus.yaml is not a file, and git cannot read"},
		{[]string{"testdata/base.yaml", "../../tests/testdata/bad/many-problems.yaml"}, 2,
			"NEW: ../../tests/testdata/bad/many-problems.yaml does not load under this version of pegasus-gen"},
		{[]string{"-strict", "testdata/base.yaml", "testdata/base.yaml"}, 0, ""},
		{[]string{"testdata/base.yaml", "testdata/new.yaml", "-format", "json"}, 1, ""},
		{[]string{"testdata/base.yaml", "-format", "markdown", "testdata/new.yaml", "-strict"}, 1, ""},
		{[]string{"testdata/base.yaml", "testdata/new.yaml", "-format"}, 2, "flag needs an argument: -format"},
		{[]string{"--", "-x.yaml", "testdata/new.yaml"}, 2, "OLD: -x.yaml is neither a file nor a git revision"},
		{[]string{"a", "b", "c"}, 2, "want OLD and NEW, got 3 argument(s)"},
	} {
		code, stdout, stderr := runDiff(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) || (c.stderr == "" && code != 2 && stderr != "") {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", c.args, code, c.code, stderr)
		}
		if code == 2 && stdout != "" && c.args[0] != "-h" {
			t.Errorf("%q: bad input printed a report:\n%s", c.args, stdout)
		}
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "*specdiff.") {
			t.Errorf("%q: stderr shows Go internals:\n%s", c.args, stderr)
		}
	}
}

// TestFlagsAfterArguments: flags after OLD and NEW apply, as a CI line
// may write them.
func TestFlagsAfterArguments(t *testing.T) {
	code, out, _ := runDiff("testdata/base.yaml", "testdata/new.yaml", "-format", "markdown")
	if code != 1 || !strings.HasPrefix(out, "### Spec diff:") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestStrict: undecided changes fail the gate only with -strict.
func TestStrict(t *testing.T) {
	base, new := "testdata/base.yaml", t.TempDir()+"/undecided.yaml"
	writeEdited(t, base, new, "pattern: '^ERR_'", "pattern: '^ERR_[A-Z]'")
	if code, out, _ := runDiff(base, new); code != 0 || !strings.Contains(out, "1 undecided") {
		t.Errorf("without -strict: exit %d\n%s", code, out)
	}
	if code, _, _ := runDiff("-strict", base, new); code != 1 {
		t.Errorf("with -strict: exit %d, want 1", code)
	}
}

// TestOldWithProblems: an OLD written before a rule this version checks
// (here, minLength beside x-pegasus.empty) is compared as it builds, its
// problems listed, and the gate does not fail for them.
func TestOldWithProblems(t *testing.T) {
	base, old := "testdata/base.yaml", t.TempDir()+"/old.yaml"
	writeEdited(t, base, old, "schema: {type: string, minLength: 1}\n          x-pegasus: {missing: \"prefix is required\"",
		"schema: {type: string}\n          x-pegasus: {missing: \"prefix is required\"")
	code, out, errs := runDiff(old, base)
	if code != 0 || !strings.Contains(out, "OLD has 1 problem(s) under this version of pegasus-gen") ||
		!strings.Contains(out, "minLength") || errs != "" {
		t.Errorf("exit %d, stderr %q:\n%s", code, errs, out)
	}
	if code, out, errs := runDiff(base, old); code != 2 || out != "" || !strings.Contains(errs, "NEW: "+old+" does not load under this version of pegasus-gen (1 problem(s))") {
		t.Errorf("a NEW with problems: exit %d, stderr %q:\n%s", code, errs, out)
	}
	if code, out, errs := runDiff("-as-built", base, old); code != 0 || errs != "" || !strings.Contains(out, "NEW has 1 problem(s)") {
		t.Errorf("a NEW with problems, -as-built: exit %d, stderr %q:\n%s", code, errs, out)
	}
}
