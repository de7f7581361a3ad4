package specdiff

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// api compares the whole documents: top-level facts, then each kind of
// named thing.
func (d *differ) api(old, new *ir.API) {
	facts(d, "document", new.Pos, apiFacts, old, new)
	d.named(old, new)
	d.operations(old.Operations, new.Operations)
	d.types(old.Types, new.Types)
	d.conform(old, new)
}

var apiFacts = []fact[*ir.API]{
	{name: "title", class: Docs, reason: "documentation only", get: func(a *ir.API) string { return a.Title }},
	{name: "version", class: Docs, reason: "documentation only", get: func(a *ir.API) string { return a.Version }},
	{name: "description", class: Docs, reason: "documentation only", get: func(a *ir.API) string { return a.Description }},
}

var roleFacts = []fact[*ir.Role]{
	{name: "Go package", class: ClientBreaking, reason: "callers import the role's package by this name", get: func(r *ir.Role) string { return r.Package }},
	{name: "conformance package", class: ServerBreaking, reason: "server tests import the suite by this name", get: func(r *ir.Role) string { return r.ConformPackage }},
	{name: "conformance variable", class: ServerBreaking, reason: "server tests name their servers in this environment variable", get: func(r *ir.Role) string { return r.ConformEnv }},
	{name: "default port", class: WireOnly, reason: "where clients and servers listen by default", get: func(r *ir.Role) string { return strconv.Itoa(r.DefaultPort) }},
	{name: "title", class: Docs, reason: "documentation only", get: func(r *ir.Role) string { return r.Title }},
}

var featureFacts = []fact[*ir.Feature]{
	{name: "Go name", class: ClientBreaking, reason: "code naming the feature's constant and option no longer compiles", get: func(f *ir.Feature) string { return f.ConstName }},
	{name: "default", class: ServerBreaking, reason: "servers switch the feature's operations on or off by default", get: func(f *ir.Feature) string { return strconv.FormatBool(f.Default) }},
	{name: "description", class: Docs, reason: "documentation only", get: func(f *ir.Feature) string { return f.Description }},
}

var guardFacts = []fact[*ir.Guard]{
	{name: "Go name", class: ServerBreaking, reason: "servers implement the guard's method by this name", get: func(g *ir.Guard) string { return g.GoName }},
	{name: "status", class: ServerBreaking, reason: "servers answer this status when the guard does not hold", get: func(g *ir.Guard) string { return strconv.Itoa(g.Status) }},
	{name: "body", class: ServerBreaking, reason: "servers answer this text when the guard does not hold", get: func(g *ir.Guard) string { return g.Body }},
	{name: "description", class: Docs, reason: "documentation only", get: func(g *ir.Guard) string { return g.Description }},
}

// named compares roles, features and guards, matched by name.
func (d *differ) named(old, new *ir.API) {
	at := [2]ir.Pos{old.Pos, new.Pos} // none of them has a place of its own in the IR: the documents'
	matched(d, "role", old.Roles, new.Roles, func(r *ir.Role) string { return r.Name }, roleFacts,
		change{ClientBreaking, "callers of the role's package lose it"}, change{Addition, "a new role: a new package"}, at)
	matched(d, "feature", old.Features, new.Features, func(f *ir.Feature) string { return f.Name }, featureFacts,
		change{ClientBreaking, "code naming the feature's constant or option no longer compiles"}, change{Addition, "a new optional set of operations"}, at)
	matched(d, "guard", old.Guards, new.Guards, func(g *ir.Guard) string { return g.Name }, guardFacts,
		change{ServerBreaking, "operations it guarded are now always answered"},
		change{ServerBreaking, "servers implement a new method of the Guards interface"}, at)
}

// change is the class of a removal or an addition and why.
type change struct {
	class  Class
	reason string
}

// matched compares two lists of named things by name with their table.
// at are the places of OLD and NEW, where removals and the rest are cited.
func matched[T any](d *differ, kind string, old, new []T, key func(T) string, table []fact[T], removed, added change, at [2]ir.Pos) {
	both, gone, more := matchNames(old, new, key)
	for _, p := range both {
		facts(d, kind+" "+key(p[1]), at[1], table, p[0], p[1])
	}
	for _, o := range gone {
		d.add(removed.class, kind+" "+key(o), at[0], "removed", removed.reason)
	}
	for _, n := range more {
		d.add(added.class, kind+" "+key(n), at[1], "added", added.reason)
	}
}

// conform compares the conformance suite's facts: how it finds the
// primary, its variables and its stateful scenarios.
func (d *differ) conform(old, new *ir.API) {
	oc, nc := old.Conform, new.Conform
	if oc == nil {
		oc = &ir.Conform{}
	}
	if nc == nil {
		nc = &ir.Conform{}
	}
	facts(d, "conformance", new.Pos, conformFacts, oc, nc)
	both, gone, more := matchNames(oc.Scenarios, nc.Scenarios, func(s *ir.Scenario) string { return s.Name })
	for _, p := range both {
		if scenarioText(p[0]) != scenarioText(p[1]) {
			d.add(ServerBreaking, "scenario "+p[1].Name, p[1].Pos, "steps changed",
				"servers must pass the changed stateful check")
		}
		if p[0].Description != p[1].Description {
			d.add(Docs, "scenario "+p[1].Name, p[1].Pos, "description changed", "documentation only")
		}
	}
	for _, s := range gone {
		d.add(WireOnly, "scenario "+s.Name, s.Pos, "removed", "the conformance suite checks less")
	}
	for _, s := range more {
		d.add(ServerBreaking, "scenario "+s.Name, s.Pos, "added", "a new stateful check servers must pass")
	}
}

var conformFacts = []fact[*ir.Conform]{
	{name: "primary", class: WireOnly, reason: "how the conformance suite finds the primary", get: func(c *ir.Conform) string {
		if c.Primary == nil {
			return ""
		}
		return c.Primary.Operation.ID + " " + c.Primary.Field
	}},
	{name: "variables", class: WireOnly, reason: "the values the conformance suite's scenarios send", get: func(c *ir.Conform) string {
		var s []string
		for _, v := range c.Vars {
			s = append(s, v.Name+"="+v.Value)
		}
		return joined(s)
	}},
}

// scenarioText is a scenario's checks as one comparable string.
func scenarioText(s *ir.Scenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "roles %v\n", s.Roles)
	for _, steps := range [][]*ir.Step{s.Steps, s.Restore} {
		for _, st := range steps {
			fmt.Fprintf(&b, "%s %q %q %d", st.Operation.ID, st.Query, st.Body, st.Status)
			for _, e := range st.Expect {
				fmt.Fprintf(&b, " =%s:%q", e.Field, e.Value)
			}
			for _, e := range st.Differs {
				fmt.Fprintf(&b, " !%s:%q", e.Field, e.Value)
			}
			fmt.Fprintf(&b, " present%v", st.Present)
			for _, sv := range st.Save {
				fmt.Fprintf(&b, " save %s<-%s|%q(%v)", sv.Var, sv.Field, sv.Default, sv.HasDefault)
			}
			b.WriteString("\n")
		}
		b.WriteString("restore\n")
	}
	return b.String()
}
