// Package catalogtool reads the metric catalogue out of an Apache Pegasus
// source tree (the METRIC_DEFINE_* statements under src/) and compares it
// with, or merges it into, the onebox's catalog.tsv. The command
// internal/metrics/cmd/metriccat is its front end.
package catalogtool

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Def is one METRIC_DEFINE_<macro>(entity, name, unit, desc) statement.
type Def struct {
	Entity, Name string
	// Type is the metric_type the macro gives: Gauge, Counter,
	// VolatileCounter or Percentile.
	Type string
	// Value is the value type: int64 or double.
	Value string
	// Unit is the metric_unit without its k prefix ("MegaBytes").
	Unit string
	Desc string
	// Source is the file, relative to the tree, and its line.
	Source string
}

// Key is the (entity type, metric name) pair.
func (d Def) Key() string { return d.Entity + "/" + d.Name }

// macros maps each defining macro to its metric_type and value type
// (src/utils/metrics.h).
var macros = map[string][2]string{
	"gauge_int64":                 {"Gauge", "int64"},
	"gauge_double":                {"Gauge", "double"},
	"counter":                     {"Counter", "int64"},
	"concurrent_counter":          {"Counter", "int64"},
	"volatile_counter":            {"VolatileCounter", "int64"},
	"concurrent_volatile_counter": {"VolatileCounter", "int64"},
	"percentile_int64":            {"Percentile", "int64"},
	"percentile_double":           {"Percentile", "double"},
}

// Upstream is what a source tree defines: the metrics and the entity
// prototypes (METRIC_DEFINE_entity).
type Upstream struct {
	Defs     []Def
	Entities []string
}

// ReadTree parses every .h/.cpp file under root/src except tests and
// src/utils/metrics.h (which defines the macros). Files are read in path
// order, so the result is stable.
func ReadTree(root string) (*Upstream, error) {
	var files []string
	src := filepath.Join(root, "src")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "test" || d.Name() == "tests" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".h") || strings.HasSuffix(p, ".cpp") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	up := &Upstream{}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		if rel == "src/utils/metrics.h" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := up.parse(rel, string(data)); err != nil {
			return nil, err
		}
	}
	return up, nil
}

// parse adds the definitions of one file. A definition is a statement
// starting a line with METRIC_DEFINE_; macro bodies (#define lines) and
// comments never start that way.
func (up *Upstream) parse(file, text string) error {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "METRIC_DEFINE_") {
			continue
		}
		open := strings.IndexByte(line, '(')
		if open < 0 {
			return fmt.Errorf("%s:%d: no '(' after the macro name", file, i+1)
		}
		macro := strings.TrimPrefix(line[:open], "METRIC_DEFINE_")
		stmt, end, err := statement(lines, i, open)
		if err != nil {
			return fmt.Errorf("%s:%d: %v", file, i+1, err)
		}
		args, err := splitArgs(stmt)
		if err != nil {
			return fmt.Errorf("%s:%d: %v", file, i+1, err)
		}
		if macro == "entity" {
			if len(args) != 1 {
				return fmt.Errorf("%s:%d: METRIC_DEFINE_entity takes one argument", file, i+1)
			}
			up.Entities = append(up.Entities, args[0])
			i = end
			continue
		}
		d, err := define(macro, args)
		if err != nil {
			return fmt.Errorf("%s:%d: %v", file, i+1, err)
		}
		d.Source = fmt.Sprintf("%s:%d", file, i+1)
		up.Defs = append(up.Defs, d)
		i = end
	}
	return nil
}

// statement is the text between the macro's '(' and its matching ')',
// which may span lines, and the index of the line where it ends.
func statement(lines []string, start, open int) (string, int, error) {
	var b strings.Builder
	depth, inStr := 0, false
	for i := start; i < len(lines); i++ {
		line := lines[i]
		j := 0
		if i == start {
			j = open
		}
		for ; j < len(line); j++ {
			c := line[j]
			switch {
			case inStr && c == '\\' && j+1 < len(line):
				b.WriteByte(c)
				j++
				c = line[j]
			case c == '"':
				inStr = !inStr
			case !inStr && c == '(':
				depth++
				if depth == 1 {
					continue
				}
			case !inStr && c == ')':
				depth--
				if depth == 0 {
					return b.String(), i, nil
				}
			}
			b.WriteByte(c)
		}
		b.WriteByte('\n')
	}
	return "", 0, fmt.Errorf("unterminated macro call")
}

// splitArgs splits at top-level commas, outside strings and parentheses.
func splitArgs(s string) ([]string, error) {
	var args []string
	depth, inStr, from := 0, false, 0
	for j := 0; j < len(s); j++ {
		switch c := s[j]; {
		case inStr && c == '\\':
			j++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			args = append(args, strings.TrimSpace(s[from:j]))
			from = j + 1
		}
	}
	if inStr {
		return nil, fmt.Errorf("unterminated string")
	}
	return append(args, strings.TrimSpace(s[from:])), nil
}

// define builds a Def from a metric macro and its arguments.
func define(macro string, args []string) (Def, error) {
	kind, ok := macros[macro]
	if !ok {
		return Def{}, fmt.Errorf("unknown macro METRIC_DEFINE_%s", macro)
	}
	if len(args) < 4 {
		return Def{}, fmt.Errorf("METRIC_DEFINE_%s: %d arguments, want entity, name, unit, desc", macro, len(args))
	}
	unit, ok := strings.CutPrefix(strings.ReplaceAll(args[2], " ", ""), "dsn::metric_unit::k")
	if !ok {
		return Def{}, fmt.Errorf("unit %q is not dsn::metric_unit::k…", args[2])
	}
	desc, err := stringLiterals(args[3])
	if err != nil {
		return Def{}, err
	}
	return Def{Entity: args[0], Name: args[1], Type: kind[0], Value: kind[1], Unit: unit, Desc: desc}, nil
}

// stringLiterals is the value of adjacent C string literals ("a " "b").
func stringLiterals(s string) (string, error) {
	var b strings.Builder
	s = strings.TrimSpace(s)
	for s != "" {
		if s[0] != '"' {
			return "", fmt.Errorf("description is not a string literal: %.40q", s)
		}
		j := 1
		for ; j < len(s) && s[j] != '"'; j++ {
			if s[j] == '\\' && j+1 < len(s) {
				j++
				switch s[j] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(s[j])
				}
				continue
			}
			b.WriteByte(s[j])
		}
		if j >= len(s) {
			return "", fmt.Errorf("unterminated string literal")
		}
		s = strings.TrimSpace(s[j+1:])
	}
	return b.String(), nil
}
