// Package specdiff compares two versions of a spec by meaning and says who
// each change breaks: the callers of the generated clients, the servers that
// implement the stubs (and so the conformance suite that checks them), or
// nobody's code but the bytes on the wire.
//
// It compares the IR both specs build (gen/ir), never their text, so a schema
// written another way that means the same is no change: an enum of single
// characters and a character-class pattern that allows exactly those strings
// are the same set of values. What it cannot decide (two different unbounded
// patterns) it reports as undecided rather than guessing.
//
// The comparisons are tables of facts (ops.go, types.go): a new field of the
// IR is compared by adding one line to the table of its kind.
package specdiff

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// Class says whom a change breaks.
type Class int

// The classes, most severe first: the order of a report.
const (
	// ClientBreaking: callers of the generated client must change their
	// code, or send requests the servers now reject.
	ClientBreaking Class = iota
	// ServerBreaking: servers implementing the stubs must change, and a
	// server written to OLD fails NEW's conformance suite.
	ServerBreaking
	// Undecided: a change whose effect could not be decided (two different
	// unbounded patterns); read it.
	Undecided
	// WireOnly: the bytes or the conformance suite's requests change, but
	// neither callers' nor servers' code has to.
	WireOnly
	// Addition: something new that nothing written to OLD depends on.
	Addition
	// Docs: descriptions, summaries and examples' names only.
	Docs
)

var classNames = [...]string{"client-breaking", "server-breaking", "undecided", "wire-only", "addition", "docs"}

// String is the class's name in every output format.
func (c Class) String() string { return classNames[c] }

// Title is the heading of the class's section in text and Markdown.
func (c Class) Title() string {
	return [...]string{
		"Breaking for client callers",
		"Breaking for servers and the conformance suite",
		"Undecided (read these)",
		"Wire-only changes",
		"Additions",
		"Documentation",
	}[c]
}

// Breaking reports whether the class fails the gate.
func (c Class) Breaking() bool { return c == ClientBreaking || c == ServerBreaking }

// MarshalText writes the class by name in JSON.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Change is one difference between OLD and NEW.
type Change struct {
	Class Class `json:"class"`
	// Subject is what changed: an operation ("GET /meta/app (getMetaApp)"),
	// a schema, a feature, a guard, a role or a scenario.
	Subject string `json:"subject"`
	// What says what changed, with the old and new values.
	What string `json:"what"`
	// Reason says why the change is in its class.
	Reason string `json:"reason"`
	// Where is file:line of the change in NEW, or in OLD for a removal.
	Where string `json:"where,omitempty"`
	// Note adds what a reader should know: a likely rename, or why an
	// equivalence could not be decided.
	Note string `json:"note,omitempty"`
	pos  ir.Pos
}

// Report is every change between two specs.
type Report struct {
	Old     string   `json:"old"`
	New     string   `json:"new"`
	Changes []Change `json:"changes"`
	// OldProblems and NewProblems are what this version of pegasus-gen
	// finds wrong in each spec (an older spec may predate a rule it
	// checks): the specs are compared as they build all the same.
	OldProblems []string `json:"old_problems,omitempty"`
	NewProblems []string `json:"new_problems,omitempty"`
}

// Breaking reports whether any change breaks callers or servers.
func (r *Report) Breaking() bool {
	return slices.ContainsFunc(r.Changes, func(c Change) bool { return c.Class.Breaking() })
}

// Count is the number of changes of class c.
func (r *Report) Count(c Class) int {
	n := 0
	for _, ch := range r.Changes {
		if ch.Class == c {
			n++
		}
	}
	return n
}

// Of are the changes of class c, in report order.
func (r *Report) Of(c Class) []Change {
	var out []Change
	for _, ch := range r.Changes {
		if ch.Class == c {
			out = append(out, ch)
		}
	}
	return out
}

// Classes are all classes in report order, for templates.
func (r *Report) Classes() []Class {
	return []Class{ClientBreaking, ServerBreaking, Undecided, WireOnly, Addition, Docs}
}

// Diff compares two built specs; oldName and newName name them in the report.
func Diff(oldName string, old *ir.API, newName string, new *ir.API) *Report {
	d := &differ{}
	d.api(old, new)
	for i := range d.changes {
		c := &d.changes[i]
		if c.pos.File != "" && c.pos.Line > 0 {
			c.Where = c.pos.File + ":" + strconv.Itoa(c.pos.Line)
		}
	}
	slices.SortStableFunc(d.changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Class, b.Class), cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(a.pos.Line, b.pos.Line), cmp.Compare(a.What, b.What))
	})
	return &Report{Old: oldName, New: newName, Changes: d.changes}
}

// differ collects changes.
type differ struct {
	changes []Change
}

// add records a change.
func (d *differ) add(c Class, subject string, pos ir.Pos, what, reason string) *Change {
	d.changes = append(d.changes, Change{Class: c, Subject: subject, What: what, Reason: reason, pos: pos})
	return &d.changes[len(d.changes)-1]
}

// fact is one comparable property of a T: its value as a string, the class
// of a change and why. classify, when set, decides the class from the two
// values instead (a limit made stricter or looser).
type fact[T any] struct {
	name     string
	class    Class
	reason   string
	get      func(T) string
	classify func(old, new string) (Class, string)
}

// facts compares every fact of old and new.
func facts[T any](d *differ, subject string, pos ir.Pos, table []fact[T], old, new T) {
	for _, f := range table {
		o, n := f.get(old), f.get(new)
		if o == n {
			continue
		}
		class, reason := f.class, f.reason
		if f.classify != nil {
			class, reason = f.classify(o, n)
		}
		so, sn := showPair(o, n)
		d.add(class, subject, pos, fmt.Sprintf("%s: %s → %s", f.name, so, sn), reason)
	}
}

// show quotes a value for a reader, shortened when long.
func show(s string) string {
	if s == "" {
		return "(none)"
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return strconv.Quote(s)
}

// showPair quotes two values; when either is long it starts both a little
// before where they first differ, so that a reader sees the change.
func showPair(o, n string) (string, string) {
	ro, rn := []rune(o), []rune(n)
	if len(ro) <= 80 && len(rn) <= 80 {
		return show(o), show(n)
	}
	i := 0
	for i < len(ro) && i < len(rn) && ro[i] == rn[i] {
		i++
	}
	if i <= 20 {
		return show(o), show(n)
	}
	cut := func(r []rune) string {
		if len(r) == 0 {
			return "(none)"
		}
		return "…" + show(string(r[i-20:]))
	}
	return cut(ro), cut(rn)
}

// removable classifies a fact whose presence gives code something to use:
// adding it is an addition, removing or renaming it breaks class.
func removable(class Class, removed string) func(o, n string) (Class, string) {
	return func(o, n string) (Class, string) {
		switch {
		case o == "":
			return Addition, "new; nothing written to OLD uses it"
		case n == "":
			return class, removed
		}
		return class, removed + " (renamed)"
	}
}

// opt is a *string as a fact's value.
func opt(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// yes is a bool as a fact's value.
func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// matchNames pairs two lists by key: both, only in old, only in new, each
// in the order of its list.
func matchNames[T any](old, new []T, key func(T) string) (both [][2]T, removed, added []T) {
	inNew := map[string]T{}
	for _, n := range new {
		inNew[key(n)] = n
	}
	inOld := map[string]bool{}
	for _, o := range old {
		inOld[key(o)] = true
		if n, ok := inNew[key(o)]; ok {
			both = append(both, [2]T{o, n})
		} else {
			removed = append(removed, o)
		}
	}
	for _, n := range new {
		if !inOld[key(n)] {
			added = append(added, n)
		}
	}
	return both, removed, added
}

// joined is a list as one fact value.
func joined(s []string) string { return strings.Join(s, ", ") }
