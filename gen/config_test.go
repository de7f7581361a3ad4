package gen_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen"
)

// goInternals matches what a config error must never show: a Go
// qualified name or encoding/json's and yaml's Go words.
var goInternals = regexp.MustCompile(`\b(gen|build|load|yaml|json)\.[A-Z]|Go value|into (bool|string|u?int|float|map|\[\])|openapi3`)

// FuzzParseConfig: any bytes are a config or a list of diagnostics, each
// placed in the file and in the user's terms; never a panic.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"out: api\nroles:\n  meta: {package: metaapi}\nfeatures: {pprof: false}\noutputs: [server, client]\n",
		"outputz: [client]\n", "roles: [meta]\n", "features: {pprof: maybe}\n", "roles: {meta: [\n", "\t", "- a\n", "roles:\n  meta:\n    package: [x]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := gen.ParseConfig("pegasus-gen.yaml", data)
		if err == nil {
			if c == nil {
				t.Fatal("no config and no error")
			}
			return
		}
		checkDiagnostics(t, err, "pegasus-gen.yaml", "")
	})
}

// FuzzAPI: any bytes are an API or a list of placed diagnostics, in the
// user's terms; never a panic. The seeds are the bad specs and kvadmin.
func FuzzAPI(f *testing.F) {
	seeds, _ := filepath.Glob("../tests/testdata/bad/*.yaml")
	seeds = append(seeds, "../tests/testdata/kvadmin.yaml")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := gen.API(context.Background(), gen.Input{SpecName: "s.yaml", Spec: data})
		if err == nil {
			return
		}
		checkDiagnostics(t, err, "s.yaml", "")
	})
}

// checkDiagnostics fails t unless err is a list of diagnostics, each
// placed in file and in the user's terms; what names the input in the
// failure.
func checkDiagnostics(t *testing.T, err error, file, what string) {
	t.Helper()
	ds := gen.Diagnostics(err)
	if len(ds) == 0 {
		t.Fatalf("%serror without diagnostics: %v", what, err)
	}
	for _, d := range ds {
		if d.Pos.File != file || d.Pos.Line < 1 || d.Pos.Col < 1 {
			t.Errorf("%sunplaced: %s", what, d)
		}
		if goInternals.MatchString(d.Message) {
			t.Errorf("%sGo internals: %s", what, d)
		}
	}
}

// TestParseConfigKeepsWhatItCanUse: with problems that leave the spec and
// out keys sound, the config comes back with the error, for Run to report
// the problems with those against the spec; otherwise it does not.
func TestParseConfigKeepsWhatItCanUse(t *testing.T) {
	c, err := gen.ParseConfig("c.yaml", []byte("out: api\noutputz: [x]\nroles: {meta: {}}\n"))
	if err == nil || c == nil || c.Out != "api" || len(c.Roles) != 1 {
		t.Errorf("sound spec and out: config %+v, error %v", c, err)
	}
	for _, body := range []string{"spec: [x]\noutputz: 1\n", "out: {a: b}\n", "- a\n"} {
		if c, err := gen.ParseConfig("c.yaml", []byte(body)); err == nil || c != nil {
			t.Errorf("%q: config %+v, error %v", body, c, err)
		}
	}
}
