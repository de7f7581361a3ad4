package pegasusrt

import (
	"os"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// specExamples are the queries and bodies of the spec's x-pegasus-examples,
// the recorded requests of every operation, for fuzz seeds.
var specExamples = sync.OnceValues(func() (queries, bodies []string) {
	data, err := os.ReadFile("../../spec/pegasus.yaml")
	if err != nil {
		return nil, nil
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return nil, nil
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "x-pegasus-examples" && n.Content[i+1].Kind == yaml.SequenceNode {
					for _, ex := range n.Content[i+1].Content {
						var e struct{ Query, Body string }
						if ex.Decode(&e) == nil {
							queries = append(queries, e.Query)
							if e.Body != "" {
								bodies = append(bodies, e.Body)
							}
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	return queries, bodies
})

// TestSpecExamplesFound keeps the seeds from silently disappearing.
func TestSpecExamplesFound(t *testing.T) {
	q, b := specExamples()
	if len(q) < 50 || len(b) < 5 {
		t.Fatalf("%d queries and %d bodies in the spec's examples", len(q), len(b))
	}
}
