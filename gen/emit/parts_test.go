package emit_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/bench"
	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestPartsRenderAsOne: each Go file made in parts (types, API, server,
// client), rendered a part at a time is byte
// for byte the file rendered as one jen.File, for the bundled spec's roles
// and a spec of many parts; and imports that jennifer would name
// differently across parts (an alias, two packages of one name) render
// as the whole file does.
func TestPartsRenderAsOne(t *testing.T) {
	for _, in := range []gen.Input{{SpecName: spec.Name, Spec: spec.Bundled}, {SpecName: "s.yaml", Spec: bench.SyntheticSpec(300)}} {
		api, err := gen.API(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range api.Roles {
			files, err := emit.PartedFiles(api, role)
			if err != nil || len(files) != 4 {
				t.Fatalf("%d files, %v", len(files), err)
			}
			for name, f := range files {
				if !bytes.Equal(f[0], f[1]) || len(f[1]) < 1000 {
					t.Errorf("%s %s %s: the parts render %d bytes, the whole file %d", in.SpecName, role.Name, name, len(f[0]), len(f[1]))
				}
			}
		}
	}
	for _, c := range []struct {
		paths []string
		// The parts can be joined; else the whole file renders, and the
		// byte comparison below holds by construction: for those rows the
		// test is that joining declines (an import alias or a clash).
		joined bool
	}{
		{[]string{"net/http", "strconv", "net/http"}, true},
		{[]string{"math/rand", "crypto/rand"}, false},
		{[]string{"math/rand/v2", "crypto/rand"}, false},
		{[]string{"example.com/x-y/pkg.v3", "strings"}, false},
		{[]string{"strings"}, true},
		{nil, true},
	} {
		parts, whole, joined, err := emit.PartsWith(c.paths...)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(parts, whole) {
			t.Errorf("%q: in parts\n%s\nwhole\n%s", c.paths, parts, whole)
		}
		if joined != c.joined {
			t.Errorf("%q: joined %v, want %v", c.paths, joined, c.joined)
		}
	}
}
