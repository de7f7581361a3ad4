package specdiff

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// valueSet is the strings a schema allows: every string, a finite set (an
// enum, or a pattern whose language is finite and small), or the language
// of an unbounded pattern.
type valueSet struct {
	any     bool
	finite  bool
	values  []string // finite: sorted, without repeats
	pattern string
	re      *regexp.Regexp // the pattern, when Go's syntax reads it
	bad     bool           // a pattern Go's syntax does not read
}

// expandLimit bounds the strings a pattern is expanded into; a pattern
// allowing more is treated as unbounded.
const expandLimit = 4096

// makeSet is the set an enum and a pattern allow together.
func makeSet(enum []string, pattern string) valueSet {
	s := valueSet{pattern: pattern}
	if pattern != "" {
		re, err := regexp.Compile(pattern)
		s.re, s.bad = re, err != nil
	}
	switch {
	case len(enum) > 0:
		s.finite = true
		for _, v := range enum {
			if s.re == nil || s.re.MatchString(v) {
				s.values = append(s.values, v)
			}
		}
	case pattern == "":
		s.any = true
	case !s.bad:
		s.values, s.finite = finite(pattern)
	}
	slices.Sort(s.values)
	s.values = slices.Compact(s.values)
	return s
}

// direction says what removing or adding an allowed value means: who
// sends the values decides who it breaks.
type direction struct {
	removed    Class
	removedWhy string
	added      Class
	addedWhy   string
}

var (
	// sent: values callers send (request members, parameters).
	sent = direction{ClientBreaking, "callers sending them are now rejected", ServerBreaking, "servers must now accept them"}
	// answered: texts servers answer.
	answered = direction{ServerBreaking, "servers answering them now fail the conformance suite", Addition, "callers may now receive them"}
	// constants: an answer's enum, each value a Go constant.
	constants = direction{ClientBreaking, "their Go constants are gone, and servers answering them now fail the conformance suite", Addition, "callers may now receive them (new constants)"}
)

// values compares two sets of allowed strings by meaning: an enum and a
// pattern allowing the same strings are no change.
func (d *differ) values(subj string, pos ir.Pos, what string, o, n valueSet, dir direction) {
	var removed, added []string
	switch {
	case o.any && n.any:
		return
	case o.finite && n.finite:
		removed, added = minus(o.values, n.values), minus(n.values, o.values)
	case !o.any && !n.any && !o.finite && !n.finite && o.pattern == n.pattern:
		return
	case o.bad || n.bad:
		c := d.add(Undecided, subj, pos, fmt.Sprintf("%s: %s → %s", what, o, n), "the allowed values changed; whether they narrowed could not be decided")
		c.Note = "a pattern is not in the regular-expression syntax pegasus-gen reads"
		return
	case o.any:
		removed = []string{"other strings"}
	case n.any:
		added = []string{"any string"}
	case o.finite:
		removed = rejected(o.values, n.re)
		added = []string{"other strings matching " + strconv.Quote(n.pattern)}
	case n.finite:
		removed = []string{"other strings matching " + strconv.Quote(o.pattern)}
		added = rejected(n.values, o.re)
	default:
		if simplified(o.pattern) == simplified(n.pattern) {
			return
		}
		if disjoint(o.pattern, n.pattern) { // every old string gone, every new one new
			removed = []string{"every string matching " + strconv.Quote(o.pattern)}
			added = []string{"the strings matching " + strconv.Quote(n.pattern) + " (the two begin differently: no string matches both)"}
			break
		}
		c := d.add(Undecided, subj, pos, fmt.Sprintf("%s: %s → %s", what, o, n), "the allowed values changed; whether they narrowed could not be decided")
		c.Note = "both patterns allow unboundedly many strings and differ; pegasus-gen does not decide whether one contains the other"
		return
	}
	if len(removed) > 0 {
		d.add(dir.removed, subj, pos, fmt.Sprintf("%s: no longer allows %s (%s → %s)", what, quoted(removed), o.short(), n.short()), dir.removedWhy)
	}
	if len(added) > 0 {
		d.add(dir.added, subj, pos, fmt.Sprintf("%s: now allows %s (%s → %s)", what, quoted(added), o.short(), n.short()), dir.addedWhy)
	}
}

// String shows the set as the spec wrote it.
func (s valueSet) String() string {
	switch {
	case s.any:
		return "any string"
	case s.pattern != "":
		return "pattern " + strconv.Quote(s.pattern)
	}
	return "enum " + quoted(s.values)
}

// short is String for a reader's line: a long enum is counted.
func (s valueSet) short() string {
	if s.finite && s.pattern == "" && len(s.values) > 6 {
		return fmt.Sprintf("an enum of %d values", len(s.values))
	}
	return s.String()
}

// quoted lists values quoted, the phrases values() uses as they are; at
// most 20, then how many more.
func quoted(vs []string) string {
	var q []string
	for _, v := range vs {
		if strings.HasPrefix(v, "other strings") || v == "any string" {
			q = append(q, v)
		} else {
			q = append(q, strconv.Quote(v))
		}
	}
	if len(q) > 20 {
		q = append(q[:20], fmt.Sprintf("… %d more", len(q)-20))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// minus is a without b's values.
func minus(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// rejected are the values re does not match.
func rejected(vs []string, re *regexp.Regexp) []string {
	var out []string
	for _, v := range vs {
		if !re.MatchString(v) {
			out = append(out, v)
		}
	}
	return out
}

// simplified is a pattern in a canonical spelling, so that two spellings
// of one expression compare equal.
func simplified(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return pattern
	}
	return re.Simplify().String()
}

// finite is the language of a pattern anchored at both ends whose
// language is finite and at most expandLimit strings, or false.
func finite(pattern string) ([]string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	return anchored(re.Simplify())
}

// anchored expands ^…$, or an alternation or group of such.
func anchored(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpCapture:
		return anchored(re.Sub[0])
	case syntax.OpAlternate:
		var all []string
		for _, s := range re.Sub {
			l, ok := anchored(s)
			if !ok || len(all)+len(l) > expandLimit {
				return nil, false
			}
			all = append(all, l...)
		}
		return all, true
	case syntax.OpConcat:
		n := len(re.Sub)
		if n >= 2 && isBegin(re.Sub[0]) && isEnd(re.Sub[n-1]) {
			return lang(&syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1 : n-1]})
		}
	}
	return nil, false
}

// isBegin and isEnd are the anchors at the ends of the whole text; under
// (?m) ^ and $ match at every line, so such a pattern allows unboundedly
// many strings and is not expanded.
func isBegin(re *syntax.Regexp) bool { return re.Op == syntax.OpBeginText }
func isEnd(re *syntax.Regexp) bool   { return re.Op == syntax.OpEndText }

// lang is the finite language of an unanchored expression, or false when
// it is unbounded, too large or uses what this does not expand.
func lang(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && strings.ToLower(string(re.Rune)) != strings.ToUpper(string(re.Rune)) {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		return class(re.Rune)
	case syntax.OpCapture:
		return lang(re.Sub[0])
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			l, ok := lang(s)
			if !ok || len(out)*len(l) > expandLimit {
				return nil, false
			}
			out = product(out, l)
		}
		return out, true
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l, ok := lang(s)
			if !ok || len(out)+len(l) > expandLimit {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, true
	case syntax.OpQuest:
		l, ok := lang(re.Sub[0])
		return append(l, ""), ok
	}
	return nil, false // star, plus, any character, anchors inside, word boundaries
}

// class lists the runes of a character class given as ranges.
func class(ranges []rune) ([]string, bool) {
	var out []string
	for i := 0; i+1 < len(ranges); i += 2 {
		if len(out)+int(ranges[i+1]-ranges[i])+1 > expandLimit {
			return nil, false
		}
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			out = append(out, string(r))
		}
	}
	return out, true
}

// product is every a followed by every b.
func product(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// disjoint reports whether no string matches both patterns, as far as their
// anchored literal beginnings tell: ^table not found: … and ^app not found: …
// share no string, while ^ERR_ and ^ERR_[A-Z] may.
func disjoint(a, b string) bool {
	pa, oka := anchoredPrefix(a)
	pb, okb := anchoredPrefix(b)
	if !oka || !okb {
		return false
	}
	return !strings.HasPrefix(pa, pb) && !strings.HasPrefix(pb, pa)
}

// anchoredPrefix is the literal text every match of pattern begins with,
// when the pattern is anchored at the start of the text.
func anchoredPrefix(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if len(subs) == 0 || subs[0].Op != syntax.OpBeginText {
		return "", false
	}
	var prefix strings.Builder
	for _, sub := range subs[1:] {
		if sub.Op != syntax.OpLiteral || sub.Flags&syntax.FoldCase != 0 {
			break
		}
		prefix.WriteString(string(sub.Rune))
	}
	return prefix.String(), true
}
