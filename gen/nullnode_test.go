package gen_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/gen"
)

// TestAnyValueNull: a spec with any one value written null (a list item,
// a map's value) gets placed diagnostics, never a panic. Go's fuzzer found
// such specs one at a time, each a nil the builder had not expected (a
// step, a media type, a response, an object type refused already); this
// walks every value of the specs that reach rules, examples and scenarios.
func TestAnyValueNull(t *testing.T) {
	for _, name := range []string{"rules.yaml", "example-answer.yaml", "conform-scenarios.yaml", "body-field-kinds.yaml", "request-rules.yaml"} {
		data, err := os.ReadFile(filepath.Join("../tests/testdata/bad", name))
		if err != nil {
			t.Fatal(err)
		}
		n := len(values(t, data, -1))
		for k := range n {
			spec := values(t, data, k)[0]
			_, err := gen.API(context.Background(), gen.Input{SpecName: "s.yaml", Spec: spec})
			if err == nil {
				continue
			}
			ds := gen.Diagnostics(err)
			if len(ds) == 0 {
				t.Errorf("%s with value %d of %d null: %v", name, k, n, err)
			}
			for _, d := range ds {
				if d.Pos.File != "s.yaml" || d.Pos.Line < 1 || d.Pos.Col < 1 {
					t.Errorf("%s with value %d of %d null: unplaced: %s", name, k, n, d)
				}
			}
		}
	}
}

// values is the spec data with its k-th value (in document order, a map's
// values and a list's items) written null, or with k < 0 one entry per
// value, unchanged, to count them.
func values(t *testing.T, data []byte, k int) [][]byte {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	i := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for j, c := range n.Content {
			if n.Kind != yaml.MappingNode || j%2 == 1 {
				if i == k {
					n.Content[j] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
				}
				i++
				if k < 0 {
					out = append(out, nil)
				}
			}
			walk(c)
		}
	}
	walk(&doc)
	if k >= 0 {
		b, err := yaml.Marshal(&doc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
