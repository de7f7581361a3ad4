package tests

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestExamplesInSpecOrder: every response's examples reach the IR (and so
// the reference and the suites) in the order the spec writes them, not
// alphabetically.
func TestExamplesInSpecOrder(t *testing.T) {
	api, err := gen.API(context.Background(), gen.Input{SpecName: spec.Name, Spec: spec.Bundled, Config: &gen.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(spec.Bundled, &doc); err != nil {
		t.Fatal(err)
	}
	unordered := 0
	for _, op := range api.Operations {
		for _, r := range op.Responses {
			examples := lookup(doc.Content[0], "paths", op.Path, strings.ToLower(op.Method), "responses", strconv.Itoa(r.Status), "content", "text/plain", "examples")
			if examples == nil {
				continue
			}
			var want, got []string
			for i := 0; i < len(examples.Content); i += 2 {
				want = append(want, examples.Content[i].Value)
			}
			for _, e := range r.Examples {
				got = append(got, e.Name)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s %d: examples %q, want the spec's order %q", op.Method, op.Path, r.Status, got, want)
			}
			if !slices.IsSorted(want) {
				unordered++
			}
		}
	}
	if unordered == 0 {
		t.Error("no response of the spec lists its examples out of alphabetical order: the test proves nothing")
	}
}

// lookup walks a YAML mapping by keys; nil when one is missing.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}
