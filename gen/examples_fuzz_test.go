package gen_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen"
)

// FuzzExampleChecks feeds the generator's example checks any response
// body, any request query and any request body: whatever they are, the
// generator answers with diagnostics or generates, and never fails as a
// bug (a panic in a stage).
func FuzzExampleChecks(f *testing.F) {
	tmpl, err := os.ReadFile("../tests/testdata/examples-ok.yaml")
	if err != nil {
		f.Fatal(err)
	}
	const body = `{"general":{"name":"stat","size":"3"},"parts":{"0":{"pidx":"0","owner":"a"},"1":{"pidx":"1","owner":"b"}}}`
	f.Add(body+"\n", "nam=stat", "")
	f.Add(`{"general":{"name":"stat"},"parts":{"0":{"pidx":0}}}`, "name=stat&limit=0x10", `{"a":1}`)
	f.Add(`[[[[`, "name=%zz&&=", "{")
	f.Fuzz(func(t *testing.T, resp, query, reqBody string) {
		q := func(s string) string {
			data, _ := json.Marshal(s) // a JSON string is a YAML double-quoted scalar
			return string(data)
		}
		spec := strings.Replace(string(tmpl), "x-pegasus-body: |\n                    "+body+"\n", "x-pegasus-body: "+q(resp)+"\n", 1)
		spec = strings.Replace(spec, "{query: nam=stat, status: 400}", "{query: "+q(query)+", status: 200, body: "+q(reqBody)+"}", 1)
		if !strings.Contains(spec, "x-pegasus-body: "+q(resp)) || !strings.Contains(spec, "{query: "+q(query)) {
			t.Fatal("the template examples-ok.yaml changed: update the fuzz target")
		}
		_, err := gen.Generate(context.Background(), gen.Input{SpecName: "fuzz.yaml", Spec: []byte(spec)})
		if err != nil && strings.Contains(err.Error(), "a bug in pegasus-gen") {
			t.Fatalf("%v\nspec:\n%s", err, spec)
		}
		if query == "nam=stat" && (err == nil || !strings.Contains(err.Error(), `"nam" is not a parameter`)) {
			t.Fatalf("an unknown argument marked 200 was not refused: %v", err)
		}
	})
}
