package specdiff

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/template"
)

// Usage is what pegasus-gen diff -h prints before its flags.
const Usage = `Usage: pegasus-gen diff [-format text|json|markdown] [-strict] [-as-built] OLD NEW

Compares two versions of the spec by meaning (the IR both build, not their text) and lists
every change, classified: breaking for client callers, breaking for servers and the
conformance suite, undecided, wire-only, additions and documentation.

OLD and NEW are files, or git revisions of the repository the current directory is in:
REV:PATH (HEAD~1:spec/pegasus.yaml, origin/main:./my.yaml) or REV alone for
REV:` + DefaultPath + `. A file that exists wins over a revision of the same name.
Flags may come before or after OLD and NEW; -- ends them.

Exit status: 0 no breaking change, 1 breaking changes (and undecided ones with -strict),
2 bad input (a flag, an unreadable file, an unknown revision, a NEW that generation
refuses, its problems listed). An OLD that this version finds problems in is
compared as it builds, its problems listed: it may predate a rule this version checks;
-as-built does the same for NEW, to read a history of such revisions.

Flags:
`

// Command is pegasus-gen diff: parse args, compare, print, and return the
// exit status.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pegasus-gen diff", flag.ContinueOnError)
	format := fs.String("format", "text", "output format: text, json or markdown (for a pull-request comment)")
	strict := fs.Bool("strict", false, "count undecided changes as breaking")
	asBuilt := fs.Bool("as-built", false, "compare a NEW this version refuses as it builds, its problems listed (to read revisions written for an older pegasus-gen)")
	fs.SetOutput(io.Discard)
	specs, err := parseInterleaved(fs, args)
	if err != nil {
		w, code := stderr, 2
		if errors.Is(err, flag.ErrHelp) {
			w, code = stdout, 0
		} else {
			fmt.Fprintf(stderr, "pegasus-gen diff: %v\n", err)
		}
		fmt.Fprint(w, Usage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		return code
	}
	if len(specs) != 2 {
		fmt.Fprintf(stderr, "pegasus-gen diff: want OLD and NEW, got %d argument(s) (pegasus-gen diff -h)\n", len(specs))
		return 2
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		fmt.Fprintf(stderr, "pegasus-gen diff: -format %q: want text, json or markdown\n", *format)
		return 2
	}
	rep, err := Specs(ctx, specs[0], specs[1])
	if err != nil {
		fmt.Fprintf(stderr, "pegasus-gen diff: %v\n", err)
		return 2
	}
	if len(rep.NewProblems) > 0 && !*asBuilt { // generation refuses NEW: what it would break is not yet worth reading
		le := &LoadError{Name: rep.New, Lines: rep.NewProblems}
		fmt.Fprintf(stderr, "pegasus-gen diff: NEW: %v\n", le)
		return 2
	}
	if err := rep.Write(stdout, *format); err != nil {
		fmt.Fprintf(stderr, "pegasus-gen diff: %v\n", err)
		return 2
	}
	if rep.Breaking() || *strict && rep.Count(Undecided) > 0 {
		return 1
	}
	return 0
}

// parseInterleaved parses flags before, between and after the arguments
// (pegasus-gen diff OLD NEW -format markdown), as a CI line is often
// written; "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var specs []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" {
			return append(specs, left...), nil
		}
		if len(left) == 0 {
			return specs, nil
		}
		specs, args = append(specs, left[0]), left[1:]
	}
}

//go:embed *.tmpl
var tmplFiles embed.FS

var tmpl = sync.OnceValues(func() (*template.Template, error) {
	return template.New("report").Option("missingkey=error").Funcs(template.FuncMap{
		"summary": summary,
		"md":      mdCell,
	}).ParseFS(tmplFiles, "*.tmpl")
})

// Write prints the report as text, json or markdown.
func (r *Report) Write(w io.Writer, format string) error {
	if format == "json" {
		out := *r
		if out.Changes == nil {
			out.Changes = []Change{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Report
			Breaking bool           `json:"breaking"`
			Counts   map[string]int `json:"counts"`
		}{out, r.Breaking(), r.counts()})
	}
	t, err := tmpl()
	if err != nil {
		return err
	}
	name := map[string]string{"text": "report.txt.tmpl", "markdown": "report.md.tmpl"}[format]
	if name == "" {
		return fmt.Errorf("unknown format %q", format)
	}
	if err := t.ExecuteTemplate(w, name, r); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// counts are the number of changes of each class, by name.
func (r *Report) counts() map[string]int {
	m := map[string]int{}
	for _, c := range r.Classes() {
		m[c.String()] = r.Count(c)
	}
	return m
}

// summary is the counts in a line: "2 client-breaking, 1 addition".
func summary(r *Report) string {
	if len(r.Changes) == 0 {
		return "no changes by meaning"
	}
	var parts []string
	for _, c := range r.Classes() {
		if n := r.Count(c); n > 0 {
			name := c.String()
			if c == Addition && n > 1 {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	return strings.Join(parts, ", ")
}

// mdCell makes a string safe in a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`").Replace(s)
}
