package specdiff

import (
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// TestRules: rules are matched by name or by their text up to spacing; a
// new or changed rule is server-breaking, a rule removed checks less.
func TestRules(t *testing.T) {
	pos := ir.Pos{File: "x.yaml", Line: 3}
	r := func(name, src string) rule { return rule{Name: name, Source: src, Message: "m", Pos: pos} }
	for _, c := range []struct {
		name     string
		old, new []rule
		wants    []want
	}{
		{"same up to spacing", []rule{r("", "self.a >= 0 && size(self.b)>0")}, []rule{r("", "self.a>=0 &&\n  size( self.b ) > 0")}, nil},
		{"string literal spacing counts", []rule{r("", `self.s == "a b"`)}, []rule{r("", `self.s == "a  b"`)},
			[]want{{ServerBreaking, "rule added"}, {WireOnly, "rule removed"}}},
		{"new rule", nil, []rule{r("", "self.n > 0")}, []want{{ServerBreaking, `rule added: "self.n > 0"`}}},
		{"removed rule", []rule{r("", "self.n > 0")}, nil, []want{{WireOnly, "rule removed"}}},
		{"agreement changed", []rule{r("primary", "a.x == b.y")}, []rule{r("primary", "a.x == b.y && b.z")},
			[]want{{ServerBreaking, "rule primary:"}}},
		{"message only", []rule{r("p", "a")}, []rule{{Name: "p", Source: "a", Message: "other"}}, []want{{Docs, "message"}}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			d := &differ{}
			d.rules("schema S", pos, c.old, c.new)
			checkWants(t, &Report{Changes: d.changes}, c.wants)
		})
	}
	if got := normalCEL("a in  b &&\tc( 'x  y' )"); got != "a in b&&c('x  y')" {
		t.Errorf("normalCEL: %q", got)
	}
}
