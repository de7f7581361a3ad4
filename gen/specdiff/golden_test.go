package specdiff

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

// TestGolden compares the reports of a fixed pair, testdata/base.yaml and
// testdata/new.yaml, in every format with testdata/golden.*; -update
// rewrites them (review the diff).
func TestGolden(t *testing.T) {
	for format, file := range map[string]string{"text": "testdata/golden.txt", "json": "testdata/golden.json", "markdown": "testdata/golden.md"} {
		t.Run(format, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Command(context.Background(), []string{"-format", format, "testdata/base.yaml", "testdata/new.yaml"}, &out, &errb)
			if code != 1 || errb.Len() > 0 {
				t.Fatalf("exit %d, want 1 (breaking changes); stderr: %s", code, errb.String())
			}
			if *update {
				if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./gen/specdiff -run Golden -update)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s report differs from %s (go test ./gen/specdiff -run Golden -update, then review)\n--- got\n%s", format, file, out.Bytes())
			}
		})
	}
}
