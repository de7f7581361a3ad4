package specdiff

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestFinite expands patterns whose language is finite and refuses the
// others.
func TestFinite(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    []string // nil: not finite
	}{
		{`^[/0\x01]$`, []string{"\x01", "/", "0"}},
		{`^(a|bc)$`, []string{"a", "bc"}},
		{`^a|^b$`, nil}, // ^a is unanchored at its end
		{`^x{1,3}$`, []string{"x", "xx", "xxx"}},
		{`^ab?$`, []string{"a", "ab"}},
		{`^(?:ON|OFF)$|^$`, []string{"", "OFF", "ON"}},
		{`^[0-9]{2}$`, nil}, // 100 strings: finite and expanded
		{`^x+$`, nil},
		{`^ERR_`, nil},
		{`ab`, nil},
		{`^.$`, nil},
		{`^(?i)ab$`, nil},
		{`^[^a]$`, nil},
	} {
		got, ok := finite(c.pattern)
		slices.Sort(got)
		got = slices.Compact(got)
		if c.pattern == `^[0-9]{2}$` {
			if !ok || len(got) != 100 {
				t.Errorf("%s: %d strings, %v", c.pattern, len(got), ok)
			}
			continue
		}
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q %v, want %q", c.pattern, got, ok, c.want)
		}
	}
}

// TestMetaAppBusyText is the case oasdiff reports as breaking: GET
// /meta/app's 500 text written as the enum [/, '0', "\u0001"] or as the
// pattern ^[/0\x01]$ allows the same three strings, so it is no change;
// dropping one of them is.
func TestMetaAppBusyText(t *testing.T) {
	const pattern = `pattern: '^[/0\x01]$'`
	if strings.Count(string(spec.Bundled), pattern) != 1 {
		t.Fatalf("spec/pegasus.yaml no longer writes GET /meta/app's 500 as %s; update this test", pattern)
	}
	ctx := context.Background()
	cur, err := Load(ctx, spec.Name, spec.Bundled)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		enum  string
		wants []want
	}{
		{`enum: [/, '0', "\u0001"]`, nil},
		{`enum: ['0', /, "\x01"]`, nil},
		{`enum: [/, '0']`, []want{{ServerBreaking, `500 text: no longer allows ["\x01"]`}}},
	} {
		edited := strings.Replace(string(spec.Bundled), pattern, c.enum, 1)
		old, err := Load(ctx, "old.yaml", []byte(edited))
		if err != nil {
			t.Fatal(err)
		}
		// NEW is the spec as it is: the pattern.
		r := Diff("old.yaml", old, spec.Name, cur)
		if c.wants != nil { // NEW allows more than OLD: compare the other way
			r = Diff(spec.Name, cur, "old.yaml", old)
		}
		checkWants(t, r, c.wants)
	}
}

// TestValueSets compares sets the IR has no spec for: any string against
// an enum, unreadable patterns.
func TestValueSets(t *testing.T) {
	pos := ir.Pos{File: "x.yaml", Line: 1}
	for _, c := range []struct {
		name     string
		old, new valueSet
		wants    []want
	}{
		{"any to enum", makeSet(nil, ""), makeSet([]string{"a"}, ""), []want{{ServerBreaking, "no longer allows [other strings]"}}},
		{"enum to any", makeSet([]string{"a"}, ""), makeSet(nil, ""), []want{{Addition, "now allows [any string]"}}},
		{"unbounded to enum", makeSet(nil, "^a+$"), makeSet([]string{"a", "b"}, ""),
			[]want{{ServerBreaking, `no longer allows [other strings matching "^a+$"]`}, {Addition, `now allows ["b"]`}}},
		{"enum filtered by its pattern", makeSet([]string{"a", "b"}, "^a$"), makeSet([]string{"a"}, ""), nil},
		{"unreadable pattern", makeSet(nil, "^(?<n>a)+$"), makeSet(nil, "^a*$"), []want{{Undecided, "pattern"}}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			d := &differ{}
			d.values("s", pos, "v", c.old, c.new, answered)
			checkWants(t, &Report{Changes: d.changes}, c.wants)
		})
	}
}

// FuzzFinite: whatever the pattern, every string finite expands it to
// matches it, and a pattern Go cannot read is never expanded.
func FuzzFinite(f *testing.F) {
	for _, s := range []string{`^[/0\x01]$`, `^(a|bc)$`, `^x{1,3}$`, `^ERR_`, `^(?:ON|OFF)$|^$`, `^[a-c]{2}(x|y)?$`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		vs, ok := finite(pattern)
		re, err := regexp.Compile(pattern)
		if err != nil {
			if ok {
				t.Fatalf("%q does not compile but expanded", pattern)
			}
			return
		}
		if len(vs) > expandLimit {
			t.Fatalf("%q: %d strings", pattern, len(vs))
		}
		for _, v := range vs {
			if !re.MatchString(v) {
				t.Fatalf("%q expanded to %q, which it does not match", pattern, v)
			}
		}
	})
}

// TestMultilineAnchorsUnbounded: under (?m), ^a$ matches "a" on any line of
// a longer text, so the pattern is not the finite set {"a"}.
func TestMultilineAnchorsUnbounded(t *testing.T) {
	if vals, ok := finite(`(?m)^a$`); ok {
		t.Errorf("(?m)^a$ expanded to %q", vals)
	}
	if vals, ok := finite(`^a$`); !ok || len(vals) != 1 || vals[0] != "a" {
		t.Errorf("^a$ = %q, %v", vals, ok)
	}
}
