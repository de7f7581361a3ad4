package gen_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen"
)

var update = flag.Bool("update", false, "rewrite golden files and expected diagnostics")

// TestBadSpecs generates from every spec in tests/testdata/bad and compares
// the diagnostics, one a line, with the .want file beside it.
func TestBadSpecs(t *testing.T) {
	specs, err := filepath.Glob("../tests/testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) < 10 {
		t.Fatalf("only %d bad specs", len(specs))
	}
	for _, p := range specs {
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			specName := "testdata/bad/" + filepath.Base(p)
			_, err = gen.Generate(context.Background(), gen.Input{SpecName: specName, Spec: data})
			if err == nil {
				t.Fatal("a bad spec generated without error")
			}
			ds := gen.Diagnostics(err)
			if len(ds) == 0 {
				t.Fatalf("error without diagnostics: %v", err)
			}
			var got bytes.Buffer
			for _, d := range ds {
				if d.Pos.Line == 0 {
					t.Errorf("diagnostic without a position: %s", d)
				}
				got.WriteString(d.String() + "\n")
			}
			wantFile := strings.TrimSuffix(p, ".yaml") + ".want"
			if *update {
				if err := os.WriteFile(wantFile, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test ./gen -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("diagnostics differ\n--- got\n%s--- want\n%s", got.Bytes(), want)
			}
		})
	}
}

// TestExamplesChecked: the right version of testdata/bad/example-mistakes,
// whose examples agree with their operations, generates without a
// diagnostic; the bad one is refused (TestBadSpecs) with one for each
// mistake.
func TestExamplesChecked(t *testing.T) {
	data, err := os.ReadFile("../tests/testdata/examples-ok.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gen.Generate(context.Background(), gen.Input{SpecName: "examples-ok.yaml", Spec: data}); err != nil {
		t.Fatalf("the right examples were refused: %v", err)
	}
}

// TestExampleRulesKept: testdata/bad/example-rules with its examples
// corrected (each then keeps every rule it broke) generates without a
// diagnostic, so the rules judged there are judged right, not refused.
func TestExampleRulesKept(t *testing.T) {
	data, err := os.ReadFile("../tests/testdata/bad/example-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.NewReplacer(
		`size: '300'`, `size: '30'`, `"size":"300"`, `"size":"30"`,
		`owner: ''`, `owner: c`, `"owner":""`, `"owner":"c"`,
		`query: name=other`, `query: name=big`,
		`general: {name: bare, size: '0'}`, `{general: {name: bare, size: '0'}, parts: {'0': {pidx: '0', owner: a}}}`,
		`{"general":{"name":"bare","size":"0"}}`, `{"general":{"name":"bare","size":"0"},"parts":{"0":{"pidx":"0","owner":"a"}}}`,
		`count: -3`, `count: 3`, `"count": -3`, `"count": 3`,
	).Replace(string(data))
	if fixed == string(data) {
		t.Fatal("nothing corrected")
	}
	if _, err := gen.Generate(context.Background(), gen.Input{SpecName: "example-rules-ok.yaml", Spec: []byte(fixed)}); err != nil {
		t.Fatalf("the corrected examples were refused: %v", err)
	}
}
