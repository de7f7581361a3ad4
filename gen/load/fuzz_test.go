package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
)

// FuzzLoad feeds any bytes to the spec loader: it ends, quickly, with a
// spec or with diagnostics (positioned in the file, in the spec's terms, never a Go panic or
// a Go type name), and a loaded spec can be validated.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("../../tests/testdata/bad/*.yaml")
	seeds = append(seeds, "../../tests/testdata/kvadmin.yaml")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{"", "openapi: 3.0.3\n", "{}", "[", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
		"a: &a [*a]\n", "a: &a {b: *a}\n", "openapi: 3.0.3\npaths:\n  /x:\n    get:\n      responses: {'200': {$ref: '#/x'}}\n",
		"\t\x00\xff", "{\"openapi\": \"3.0.3\", \"paths\": {\"/x\": 1}}",
		"a: &a [x,x,x,x]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\nd: [*c,*c,*c,*c]\n",
		"x: " + strings.Repeat("[", 11000) + strings.Repeat("]", 11000) + "\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		start := time.Now()
		s, err := Load(ctx, "fuzz.yaml", data)
		if err == nil {
			err = s.Valid()
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("%d bytes took %v", len(data), d)
		}
		if err == nil {
			return
		}
		var de *diag.Error
		if !errors.As(err, &de) || len(de.List) == 0 {
			t.Fatalf("not diagnostics: %v", err)
		}
		for _, d := range de.List {
			if msg := d.String(); !strings.HasPrefix(msg, "fuzz.yaml:") || strings.Contains(msg, "goroutine ") ||
				strings.Contains(msg, "openapi3.") || strings.Contains(msg, "map[string]") || strings.Contains(msg, "Go value") {
				t.Fatalf("diagnostic %q", msg)
			}
		}
	})
}
