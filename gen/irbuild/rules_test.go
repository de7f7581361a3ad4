package irbuild

import (
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// ruleTypes are a small schema for rules: an object with a string, an
// int, a list and a nested object.
func ruleTypes() (*ir.TypeRef, []*ir.Type) {
	u := &ir.Type{Name: "U", Kind: ir.Struct, Fields: []*ir.Field{{JSONName: "x", Type: &ir.TypeRef{Kind: ir.Int64}}}}
	t := &ir.Type{Name: "T", Kind: ir.Struct, Fields: []*ir.Field{
		{JSONName: "s", Type: &ir.TypeRef{Kind: ir.String}},
		{JSONName: "n", Type: &ir.TypeRef{Kind: ir.Int32, Wire: ir.Stringified}},
		{JSONName: "l", Type: &ir.TypeRef{Kind: ir.Slice, Elem: &ir.TypeRef{Kind: ir.Struct, Named: u}}},
		{JSONName: "o", Type: &ir.TypeRef{Kind: ir.Struct, Named: u}},
	}}
	return &ir.TypeRef{Kind: ir.Struct, Named: t}, []*ir.Type{t, u}
}

// TestTranslateRuleRefuses names what is outside the subset, or wrong.
func TestTranslateRuleRefuses(t *testing.T) {
	self, named := ruleTypes()
	for src, want := range map[string]string{
		`self.n > 1`:                     "no matching overload",
		`self.o.y == 1`:                  `unknown member "y" of schema U: its members are x`,
		`self.s.size()`:                  "not bool",
		`type(self.s) == string`:         "outside the CEL",
		`self.l.all(a, b, true)`:         "", // two variables: cel-go's extension, not enabled
		`1u == 1u`:                       "outside the CEL",
		`self.s.matches("(")`:            "no RE2 regular expression",
		`self.l.exists(a, a.x < self.s)`: "no matching overload",
	} {
		_, err := TranslateRule(src, self, named)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", src, err, want)
		}
	}
	for _, src := range []string{`int(self.n) >= 1 && self.l.all(a, a.x > 0)`, `has(self.o) ? self.o.x == 1 : self.s == ""`, `[1, 2].map(x, x * 2) == [2, 4]`} {
		if _, err := TranslateRule(src, self, named); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}

// FuzzTranslateRule: any rule text is translated or refused, never a
// panic of the generator.
func FuzzTranslateRule(f *testing.F) {
	for _, s := range []string{`self.s == "a"`, `int(self.n) > 0`, `self.l.all(a, a.x > 0)`, `has(self.o)`,
		`self.l.map(a, a.x, a.x + 1).exists_one(y, y == 2)`, `{"a": self.s}["a"] == self.s`, `self.l[0].x % 2 == 0`,
		`-(self.o.x) < 0 || !(self.s in ["a"])`, `self.s.matches("^[a-z]+$")`, `double(self.n) / 2.0 > 1.0`} {
		f.Add(s)
	}
	self, named := ruleTypes()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 500 {
			return
		}
		e, err := TranslateRule(src, self, named)
		if err == nil && e == nil {
			t.Fatalf("%q: no expression and no error", src)
		}
	})
}
