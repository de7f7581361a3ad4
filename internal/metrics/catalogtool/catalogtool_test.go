package catalogtool

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree writes files under a temporary source tree.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// An upstream-like file: multi-line calls, concatenated literals, an
// escaped quote, parentheses inside a string, a macro body and comments
// that mention METRIC_DEFINE without starting a line with it.
const metricsCPP = `#include "utils/metrics.h"

METRIC_DEFINE_entity(widget);

METRIC_DEFINE_gauge_int64(widget,
                          widget_size_mb,
                          dsn::metric_unit::kMegaBytes,
                          "The size (in MB) of "
                          "a \"widget\"");

// METRIC_DEFINE_counter(widget, commented_out, dsn::metric_unit::kRequests, "no");
#define DEFINE_MORE(x) METRIC_DEFINE_counter(widget, x, dsn::metric_unit::kRequests, "x")

METRIC_DEFINE_concurrent_volatile_counter(
    widget,
    widget_recent_spins,
    dsn::metric_unit::kRounds,
    "The spins, since the last read");
METRIC_DEFINE_percentile_double(server, spin_seconds, dsn::metric_unit::kSeconds, "How long, a spin takes");
`

func TestReadTree(t *testing.T) {
	root := tree(t, map[string]string{
		"src/widget/widget.cpp":        metricsCPP,
		"src/utils/metrics.cpp":        "METRIC_DEFINE_entity(server);\n",
		"src/utils/metrics.h":          "#define METRIC_DEFINE_counter(a, b, c, d) x\nMETRIC_DEFINE_entity(ignored);\n",
		"src/widget/test/widget_t.cpp": "METRIC_DEFINE_counter(widget, test_only, dsn::metric_unit::kRequests, \"t\");\n",
		"src/widget/README.md":         "METRIC_DEFINE_counter(widget, doc_only, dsn::metric_unit::kRequests, \"d\");\n",
	})
	up, err := ReadTree(root)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(up.Entities, ",") != "server,widget" {
		t.Errorf("entities %v", up.Entities)
	}
	want := []Def{
		{"widget", "widget_size_mb", "Gauge", "int64", "MegaBytes", `The size (in MB) of a "widget"`, "src/widget/widget.cpp:5"},
		{"widget", "widget_recent_spins", "VolatileCounter", "int64", "Rounds", "The spins, since the last read", "src/widget/widget.cpp:14"},
		{"server", "spin_seconds", "Percentile", "double", "Seconds", "How long, a spin takes", "src/widget/widget.cpp:19"},
	}
	if len(up.Defs) != len(want) {
		t.Fatalf("defs %+v", up.Defs)
	}
	for i, d := range up.Defs {
		if d != want[i] {
			t.Errorf("def %d: %+v, want %+v", i, d, want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"METRIC_DEFINE_counter(w, x, dsn::metric_unit::kRequests, \"open\"\n", "f.cpp:1: unterminated macro call"},
		{"METRIC_DEFINE_gauge_float(w, x, dsn::metric_unit::kRequests, \"d\");\n", "f.cpp:1: unknown macro METRIC_DEFINE_gauge_float"},
		{"METRIC_DEFINE_counter(w, x, kRequests, \"d\");\n", "f.cpp:1: unit \"kRequests\" is not dsn::metric_unit::k…"},
		{"METRIC_DEFINE_counter(w, x, dsn::metric_unit::kRequests, kDesc);\n", "f.cpp:1: description is not a string literal: \"kDesc\""},
		{"METRIC_DEFINE_counter(w, x, dsn::metric_unit::kRequests);\n", "f.cpp:1: METRIC_DEFINE_counter: 3 arguments, want entity, name, unit, desc"},
		{"METRIC_DEFINE_entity(a, b);\n", "f.cpp:1: METRIC_DEFINE_entity takes one argument"},
	} {
		var up Upstream
		if err := up.parse("f.cpp", c.text); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %s", c.text, err, c.want)
		}
	}
}

func TestCheckAndMerge(t *testing.T) {
	up := &Upstream{Entities: []string{"widget"}, Defs: []Def{
		{Entity: "widget", Name: "a", Type: "Counter", Value: "int64", Unit: "Requests", Desc: "A", Source: "src/w.cpp:3"},
		{Entity: "widget", Name: "b", Type: "Gauge", Value: "int64", Unit: "Bytes", Desc: "B", Source: "src/w.cpp:9"},
	}}
	text := FormatTSV("comment\nlines", []Row{
		{Def: Def{Entity: "widget", Name: "a", Type: "Counter", Value: "int64", Unit: "Requests", Desc: "A", Source: "src/w.cpp"}, Roles: "replica", Sim: "rate 1 2"},
		{Def: Def{Entity: "widget", Name: "gone", Type: "Gauge", Value: "int64", Unit: "Bytes", Desc: "G", Source: "src/w.cpp"}, Roles: "*", Sim: "zero"},
		{Def: Def{Entity: "gadget", Name: "c", Type: "Gauge", Value: "int64", Unit: "Bytes", Desc: "C", Source: "src/w.cpp"}, Roles: "*", Sim: "zero"},
	})
	if !strings.HasPrefix(text, "# comment\n# lines\nentity\tname\t") {
		t.Errorf("format:\n%s", text)
	}
	rows, err := ParseTSV("c.tsv", text)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Check("c.tsv", rows, up), "\n")
	want := strings.Join([]string{
		"c.tsv: widget/b: defined upstream (src/w.cpp:9) but missing (add the row, or run with -write)",
		"c.tsv:5: widget/gone: not defined upstream (remove the row)",
		"c.tsv:6: gadget/c: not defined upstream (remove the row)",
	}, "\n")
	if got != want {
		t.Errorf("check:\n%s\nwant\n%s", got, want)
	}
	rows[0].Desc = "changed"
	if d := Check("c.tsv", rows[:1], &Upstream{Entities: nil, Defs: up.Defs[:1]}); len(d) != 2 ||
		d[0] != `c.tsv:4: widget/a: desc is "changed", upstream "A" (src/w.cpp:3)` ||
		d[1] != `c.tsv:4: widget/a: entity type "widget" has no METRIC_DEFINE_entity upstream` {
		t.Errorf("check: %q", d)
	}
	merged := Merge(rows, up)
	if len(merged) != 2 || merged[0].Sim != "rate 1 2" || merged[0].Desc != "A" || merged[0].Source != "src/w.cpp" ||
		merged[1].Name != "b" || merged[1].Sim != "" || merged[1].Roles != "" {
		t.Errorf("merge: %+v", merged)
	}
}

func TestParseTSVErrors(t *testing.T) {
	head := strings.Join(Columns, "\t") + "\n"
	for _, c := range []struct{ text, want string }{
		{"# only a comment\n", "x.tsv: no header line"},
		{"entity\tname\n", "x.tsv:1: header is \"entity\\tname\", want \"entity\\tname\\ttype\\tvalue\\tunit\\troles\\tsim\\tsource\\tdesc\""},
		{head + "a\tb\n", "x.tsv:2: 2 fields, want 9"},
	} {
		if _, err := ParseTSV("x.tsv", c.text); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %s", c.text, err, c.want)
		}
	}
}
