package catalogtool

import (
	"fmt"
	"sort"
	"strings"
)

// Columns are the catalogue's columns, in order. entity, name, type,
// value, unit, source and desc are upstream's; roles and sim are the
// onebox's (which servers carry the metric, and how it moves).
var Columns = []string{"entity", "name", "type", "value", "unit", "roles", "sim", "source", "desc"}

// Row is one line of catalog.tsv.
type Row struct {
	Def
	Roles, Sim string
	// Line is the row's line in the file, for diagnostics.
	Line int
}

// ParseTSV reads catalog.tsv: '#' comment lines, the header line, then
// one row per metric with exactly len(Columns) tab-separated fields.
func ParseTSV(name, text string) ([]Row, error) {
	var rows []Row
	header := false
	seen := map[string]int{}
	for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if !header {
			if strings.Join(f, ",") != strings.Join(Columns, ",") {
				return nil, fmt.Errorf("%s:%d: header is %q, want %q", name, i+1, line, strings.Join(Columns, "\t"))
			}
			header = true
			continue
		}
		if len(f) != len(Columns) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", name, i+1, len(f), len(Columns))
		}
		r := Row{Def: Def{Entity: f[0], Name: f[1], Type: f[2], Value: f[3], Unit: f[4], Source: f[7], Desc: f[8]},
			Roles: f[5], Sim: f[6], Line: i + 1}
		if prev, ok := seen[r.Key()]; ok {
			return nil, fmt.Errorf("%s:%d: %s repeats line %d", name, i+1, r.Key(), prev)
		}
		seen[r.Key()] = i + 1
		rows = append(rows, r)
	}
	if !header {
		return nil, fmt.Errorf("%s: no header line", name)
	}
	return rows, nil
}

// FormatTSV writes rows under a comment header.
func FormatTSV(comment string, rows []Row) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(comment, "\n"), "\n") {
		b.WriteString("# " + l + "\n")
	}
	b.WriteString(strings.Join(Columns, "\t") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join([]string{r.Entity, r.Name, r.Type, r.Value, r.Unit, r.Roles, r.Sim, r.Source, r.Desc}, "\t") + "\n")
	}
	return b.String()
}

// sourceFile is a Def's source without its line number: the catalogue
// records the file, which does not churn with unrelated edits.
func sourceFile(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i]
	}
	return s
}

// Check compares the catalogue with upstream and returns one message per
// difference, sorted: a pair upstream defines that the catalogue lacks, a
// pair the catalogue has that upstream does not define, a column that
// differs, an entity type upstream has no prototype for.
func Check(name string, rows []Row, up *Upstream) []string {
	var out []string
	byKey := map[string]Def{}
	for _, d := range up.Defs {
		byKey[d.Key()] = d
	}
	entities := map[string]bool{}
	for _, e := range up.Entities {
		entities[e] = true
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.Key()] = true
		d, ok := byKey[r.Key()]
		if !ok {
			out = append(out, fmt.Sprintf("%s:%d: %s: not defined upstream (remove the row)", name, r.Line, r.Key()))
			continue
		}
		for _, c := range [][3]string{{"type", r.Type, d.Type}, {"value", r.Value, d.Value}, {"unit", r.Unit, d.Unit},
			{"source", r.Source, sourceFile(d.Source)}, {"desc", r.Desc, d.Desc}} {
			if c[1] != c[2] {
				out = append(out, fmt.Sprintf("%s:%d: %s: %s is %q, upstream %q (%s)", name, r.Line, r.Key(), c[0], c[1], c[2], d.Source))
			}
		}
		if !entities[r.Entity] {
			out = append(out, fmt.Sprintf("%s:%d: %s: entity type %q has no METRIC_DEFINE_entity upstream", name, r.Line, r.Key(), r.Entity))
		}
	}
	for _, d := range up.Defs {
		if !have[d.Key()] {
			out = append(out, fmt.Sprintf("%s: %s: defined upstream (%s) but missing (add the row, or run with -write)", name, d.Key(), d.Source))
		}
	}
	sort.Strings(out)
	return out
}

// Merge is the catalogue rewritten from upstream, in upstream's order,
// each row keeping the onebox columns it had; a new pair gets empty ones,
// which the loader refuses until they are filled in.
func Merge(rows []Row, up *Upstream) []Row {
	old := map[string]Row{}
	for _, r := range rows {
		old[r.Key()] = r
	}
	out := make([]Row, 0, len(up.Defs))
	for _, d := range up.Defs {
		r := Row{Def: d}
		r.Source = sourceFile(d.Source)
		if o, ok := old[d.Key()]; ok {
			r.Roles, r.Sim = o.Roles, o.Sim
		}
		out = append(out, r)
	}
	return out
}

// Header is the comment written above the rows by -write.
func Header(rev string) string {
	if rev == "" {
		rev = "HEAD"
	}
	return `The metric catalogue of Apache Pegasus: every METRIC_DEFINE_* under src/ (tests excluded) at ` + rev + `,
one (entity type, metric) pair a line, in upstream's file order. Check it against a checkout with
  go run ./internal/metrics/cmd/metriccat -src <tree>        (-write regenerates it, keeping roles and sim)
entity, name, type, value, unit, source and desc are upstream's. roles and sim are the onebox's:
  roles: the servers that carry the metric: meta, replica, or * (every process)
  sim:   rate LO HI              a counter counting LO..HI events a second per entity at load 1 (scaled by -load)
         level LO HI JIT DRIFT   a gauge around a base in LO..HI, JIT relative jitter a second, DRIFT relative drift an hour
         const LO HI             a gauge fixed at a per-entity value in LO..HI
         lat LO HI               a percentile whose p50 is in LO..HI, p90..p999 at fixed multiples above it
         model                   set by the onebox from its cluster model on every scrape
         zero                    stays 0: the event does not happen in a steady onebox (no split, bulk load, …)`
}
