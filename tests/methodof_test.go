package tests

import (
	"bytes"
	"context"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestMethodOfBuildsNothing generates from the spec as it is and from the
// spec without its method-of operations (spec/CONVENTIONS.md): they only
// show standard readers the other method of a methods: any operation, which
// the generated servers already answer, so every generated file must be
// the same byte for byte.
func TestMethodOfBuildsNothing(t *testing.T) {
	var root yaml.Node
	if err := yaml.Unmarshal(spec.Bundled, &root); err != nil {
		t.Fatal(err)
	}
	removed := 0
	paths := mapValue(root.Content[0], "paths")
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 0; j+1 < len(item.Content); {
			x := mapValue(item.Content[j+1], "x-pegasus")
			if x != nil && mapValue(x, "method-of") != nil {
				item.Content = append(item.Content[:j], item.Content[j+2:]...)
				removed++
				continue
			}
			j += 2
		}
	}
	if removed < 25 {
		t.Fatalf("only %d method-of operations in the spec", removed)
	}
	stripped, err := yaml.Marshal(&root)
	if err != nil {
		t.Fatal(err)
	}
	with := generateFiles(t, spec.Bundled)
	without := generateFiles(t, stripped)
	if len(with) != len(without) {
		t.Fatalf("%d files with the method-of operations, %d without", len(with), len(without))
	}
	for p, data := range with {
		if !bytes.Equal(data, without[p]) {
			t.Errorf("%s differs when the spec's method-of operations are removed", p)
		}
	}
}

// mapValue is the value of key in the mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// generateFiles generates every output of the spec, by path.
func generateFiles(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	files, err := gen.Generate(context.Background(), gen.Input{SpecName: "spec/pegasus.yaml", Spec: data})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		out[f.Path] = f.Data
	}
	return out
}
