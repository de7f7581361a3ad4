// Package diag holds the diagnostics every stage reports: a place in the
// spec, the subject (an operation or schema) and what is wrong.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// Diagnostic is one problem with a spec. It prints as
// "file:line:col: subject: message", the form editors and CI logs link.
type Diagnostic struct {
	Pos     ir.Pos
	Subject string // "GET /meta/app", "schema MetaAppInfo", or "" for the document
	Message string
}

// String formats the diagnostic for people and tools.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Pos.File != "" {
		fmt.Fprintf(&b, "%s:%d:%d: ", d.Pos.File, d.Pos.Line, d.Pos.Col)
	}
	if d.Subject != "" {
		b.WriteString(d.Subject)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// List collects diagnostics; a stage keeps going after a problem so that the
// user sees every problem in one run, not one per run.
type List []Diagnostic

// Add records a diagnostic.
func (l *List) Add(pos ir.Pos, subject, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// Sorted returns the diagnostics by file, line, column and text, without
// duplicates, so output does not depend on map iteration in the stages.
func (l List) Sorted() List {
	out := append(List(nil), l...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.String() < b.String()
	})
	j := 0
	for i := range out {
		if i > 0 && out[i] == out[j-1] {
			continue
		}
		out[j] = out[i]
		j++
	}
	return out[:j]
}

// Error is a non-empty List as an error: one diagnostic a line, sorted.
type Error struct{ List List }

// Error is the diagnostics, one a line, sorted.
func (e *Error) Error() string {
	lines := make([]string, 0, len(e.List))
	for _, d := range e.List.Sorted() {
		lines = append(lines, d.String())
	}
	return strings.Join(lines, "\n")
}

// Err returns the list as an *Error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return &Error{List: l}
}
