package specdiff

import (
	"strings"
	"unicode"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// The IR of this branch holds no rules yet (they come with x-pegasus-rules,
// branch rules-engine: ir.Rule and Rules fields on API (Agreements),
// Operation, Type and Field). Once merged, each is one line beside the
// facts of its kind, with irRules turning []*ir.Rule into []rule:
//
//	api:       d.rules("agreements", new.Pos, irRules(old.Agreements), irRules(new.Agreements))
//	operation: d.rules(subj, new.Pos, irRules(old.Rules), irRules(new.Rules))
//	namedType: d.rules(subj, new.Pos, irRules(old.Rules), irRules(new.Rules))
//	field:     d.rules(subj+": "+name, new.Pos, irRules(old.Rules), irRules(new.Rules))
//
// and the answer keywords that branch adds to ir.Field are lines of
// fieldFacts (MaxLength and Max with a classify like minimum's, reversed;
// Format server-breaking) and, for Pattern, d.values(…, makeSet(nil,
// old.Pattern), makeSet(nil, new.Pattern), answered).

// rule is what the comparison reads of a CEL rule (x-pegasus-rules of a
// schema or property, rules of an operation's x-pegasus, an agreement):
// the IR's rules are turned into these where they are compared, so that
// their comparison does not depend on how the IR holds them.
type rule struct {
	Name    string // an agreement's name; "" for schema, property and operation rules
	Source  string // the CEL text as written
	Message string
	Pos     ir.Pos
}

// rules compares two lists of rules of one thing. A rule is matched by its
// name, or by its text up to spacing when it has none. A new rule, or one
// whose text changed, is one more thing servers must satisfy; a rule gone
// checks less.
func (d *differ) rules(subj string, pos ir.Pos, old, new []rule) {
	key := func(r rule) string {
		if r.Name != "" {
			return "name " + r.Name
		}
		return "text " + normalCEL(r.Source)
	}
	both, gone, more := matchNames(old, new, key)
	for _, p := range both {
		o, n := p[0], p[1]
		if normalCEL(o.Source) != normalCEL(n.Source) {
			c := d.add(ServerBreaking, subj, n.Pos, "rule "+n.Name+": "+show(o.Source)+" → "+show(n.Source),
				"servers must satisfy the changed rule, which the conformance suite checks")
			c.Note = "whether it is stricter or looser than before is not decided"
		}
		if o.Message != n.Message {
			so, sn := showPair(o.Message, n.Message)
			d.add(Docs, subj, n.Pos, "rule "+ruleLabel(n)+" message: "+so+" → "+sn, "what the conformance suite says when it fails")
		}
	}
	for _, r := range more {
		d.add(ServerBreaking, subj, r.Pos, "rule added: "+ruleLabel(r), "servers must satisfy it, and the conformance suite checks it")
	}
	for _, r := range gone {
		d.add(WireOnly, subj, r.Pos, "rule removed: "+ruleLabel(r), "the conformance suite checks less; callers may receive answers it excluded")
	}
}

// ruleLabel names a rule in a report line: its name, else its text.
func ruleLabel(r rule) string {
	if r.Name != "" {
		return r.Name
	}
	return show(r.Source)
}

// normalCEL is a CEL text with the spacing that does not matter removed:
// runs of blanks outside string literals become one space, kept only
// between two characters of names or numbers.
func normalCEL(src string) string {
	var b strings.Builder
	var quote rune
	space := false
	word := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
	var last rune
	for i, r := range src {
		switch {
		case quote != 0:
			b.WriteRune(r)
			if r == quote && (i == 0 || src[i-1] != '\\') {
				quote = 0
			}
		case unicode.IsSpace(r):
			space = true
			continue
		default:
			if space && word(last) && word(r) {
				b.WriteByte(' ')
			}
			if r == '"' || r == '\'' {
				quote = r
			}
			b.WriteRune(r)
		}
		space, last = false, r
	}
	return b.String()
}
