package gen_test

import (
	"context"
	"fmt"
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
		n := eachValue(parse(t, data), func(*yaml.Node, int) {})
		for k := range n {
			spec := withNull(t, data, k)
			_, err := gen.API(context.Background(), gen.Input{SpecName: "s.yaml", Spec: spec})
			if err != nil {
				checkDiagnostics(t, err, "s.yaml", fmt.Sprintf("%s with value %d of %d null: ", name, k, n))
			}
		}
	}
}

// eachValue calls f with the parent and index of every value under n,
// in document order (a map's values and a list's items, not keys), and
// returns how many there were.
func eachValue(n *yaml.Node, f func(parent *yaml.Node, i int)) int {
	count := 0
	for i, c := range n.Content {
		if n.Kind != yaml.MappingNode || i%2 == 1 {
			f(n, i)
			count++
		}
		count += eachValue(c, f)
	}
	return count
}

// withNull is the spec data with its k-th value (see eachValue) null.
func withNull(t *testing.T, data []byte, k int) []byte {
	doc := parse(t, data)
	i := 0
	eachValue(doc, func(parent *yaml.Node, j int) {
		if i == k {
			parent.Content[j] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		}
		i++
	})
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func parse(t *testing.T, data []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}
