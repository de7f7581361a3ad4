package gen_test

import (
	"context"
	"os"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen"
)

// TestSafeToRepeat: in the bundled spec every operation that does not
// mutate is safe to repeat, and of the writes exactly those that set a
// value to the state given: a client sends no other write twice.
func TestSafeToRepeat(t *testing.T) {
	data, err := os.ReadFile("../spec/pegasus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	api, err := gen.API(context.Background(), gen.Input{SpecName: "spec/pegasus.yaml", Spec: data})
	if err != nil {
		t.Fatal(err)
	}
	writes := map[string]bool{"updateConfig": true, "updateUsageScenario": true, "startCompaction": false, "startBulkLoad": false}
	for _, op := range api.Operations {
		want, isWrite := writes[op.ID]
		if isWrite != op.Mutates {
			t.Errorf("%s: mutates %v, want %v", op.ID, op.Mutates, isWrite)
		}
		if !isWrite {
			want = true
		}
		if op.SafeToRepeat != want {
			t.Errorf("%s: safe to repeat %v, want %v", op.ID, op.SafeToRepeat, want)
		}
	}
}
