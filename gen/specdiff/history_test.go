package specdiff

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// unloadable lists revisions of spec/pegasus.yaml that the current loader
// refuses (an extension since renamed or dropped), each with the reason.
// A pair with one of them is bad input (exit 2); any other must diff.
var unloadable = map[string]string{
	"df859d18": "a merge of rules-engine into rules-audit whose spec repeats the keys rules and x-pegasus-rules (mended in the next commit): not YAML any OpenAPI loader reads",
}

// known are pairs of this repository's history whose changes were read in
// their commits' diffs, and a change each must report (or none at all).
var known = []struct {
	old, new string
	why      string
	wants    []want // nil: no change at all
	subset   bool   // the report may hold other changes too
}{
	{"6dfec32", "81b2289", "GET /meta/app's 500 moved from enum [/, '0', \"\\u0001\"] to pattern ^[/0\\x01]$; the rest is YAML quoting, servers, security and a method-of operation that generates nothing", nil, false},
	{"4345e71", "31f7c41", "the other method of each methods:any operation written as a method-of operation, which generates nothing", nil, false},
	{"12c6808", "bd0e812", "Metric's value and percentiles became numbers of either kind", []want{
		{ClientBreaking, `type: "float64" → "number"`}, {WireOnly, "200 examples"}}, true},
	{"e48ae31", "d3de9e0", "GET /replica/data_version hands its handler the arguments as sent", []want{
		{Addition, `raw arguments: (none) → "yes"`}}, false},
	{"ee4fd90", "6dfec32", "the conformance scenarios and mutating operations", []want{
		{ServerBreaking, "added"}, {WireOnly, `mutates: (none) → "yes"`}}, true},
	{"81b2289", "1073ec9", "node-local operations and the cluster's members field", []want{
		{ClientBreaking, `node-local: (none) → "yes"`}, {WireOnly, `members field: (none) → "meta_servers"`}}, true},
}

// git runs git in this repository.
func git(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("git %s: %s", strings.Join(args, " "), ee.Stderr)
		}
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// needHistory fails (under CI) or skips (elsewhere) when this is not a
// git checkout with git at hand, and fails on a shallow clone, whose
// history would be cut short.
func needHistory(t *testing.T) {
	t.Helper()
	if err := exec.Command("git", "rev-parse", "--git-dir").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the spec's history is needed under CI, but git cannot read the repository: %v", err)
		}
		t.Skipf("not a git checkout, or no git: %v", err)
	}
	if git(t, "rev-parse", "--is-shallow-repository") == "true" {
		t.Fatal("this clone is shallow, so the spec's history is cut short: fetch it whole (git fetch --unshallow; actions/checkout: fetch-depth: 0)")
	}
}

// TestHistory diffs every pair of consecutive commits that changed
// spec/pegasus.yaml, and the first against HEAD: each runs to a report
// (exit 0 or 1), unless a revision is listed as unloadable.
func TestHistory(t *testing.T) {
	needHistory(t)
	root := git(t, "rev-parse", "--show-toplevel")
	revs := strings.Fields(git(t, "-C", root, "log", "--format=%H", "--", DefaultPath))
	if len(revs) < 2 {
		t.Fatalf("only %d commits changed %s", len(revs), DefaultPath)
	}
	pairs := [][2]string{{revs[len(revs)-1], "HEAD"}}
	for i := 0; i+1 < len(revs); i++ {
		pairs = append(pairs, [2]string{revs[i+1], revs[i]})
	}
	for _, p := range pairs {
		code, _, stderr := runDiff("-as-built", "-format", "json", p[0], p[1])
		bad := listed(p[0]) || listed(p[1])
		switch {
		case bad && code != 2:
			t.Errorf("%s..%s: exit %d, but a revision is listed as unloadable: remove it from the list", p[0], p[1], code)
		case !bad && code != 0 && code != 1:
			t.Errorf("%s..%s: exit %d: %s", p[0], p[1], code, stderr)
		}
	}
	t.Logf("%d pairs of %d revisions", len(pairs), len(revs))
}

// listed reports whether a full commit hash is in unloadable, which names
// commits by a short hash.
func listed(rev string) bool {
	for short := range unloadable {
		if strings.HasPrefix(rev, short) {
			return true
		}
	}
	return false
}

// TestHistoryKnown checks pairs whose changes were read by hand.
func TestHistoryKnown(t *testing.T) {
	needHistory(t)
	for _, k := range known {
		t.Run(k.old+".."+k.new, func(t *testing.T) {
			r, err := Specs(context.Background(), k.old, k.new)
			if err != nil {
				t.Fatal(err)
			}
			if k.subset {
				checkSome(t, r, k.wants)
			} else {
				checkWants(t, r, k.wants)
			}
			if t.Failed() {
				t.Logf("expected because: %s", k.why)
			}
		})
	}
}

// checkSome requires each wanted change, allowing others.
func checkSome(t *testing.T, r *Report, wants []want) {
	t.Helper()
	for _, w := range wants {
		found := false
		for _, c := range r.Changes {
			found = found || c.Class == w.class && strings.Contains(c.What, w.what)
		}
		if !found {
			t.Errorf("no %s change with %q", w.class, w.what)
		}
	}
}

// TestRevisionForms: REV alone means REV:spec/pegasus.yaml, REV:PATH is
// read from the repository's top and REV:./PATH from here, and a file
// that exists wins.
func TestRevisionForms(t *testing.T) {
	needHistory(t)
	for _, arg := range []string{"HEAD", "HEAD:spec/pegasus.yaml", "HEAD:./../../spec/pegasus.yaml", "../../spec/pegasus.yaml"} {
		name, data, err := Read(context.Background(), arg)
		if err != nil || len(data) < 1000 {
			t.Errorf("%s: %v (%d bytes)", arg, err, len(data))
			continue
		}
		if want := map[bool]string{true: "HEAD:spec/pegasus.yaml", false: arg}[arg == "HEAD"]; name != want {
			t.Errorf("%s: named %q, want %q", arg, name, want)
		}
	}
}
