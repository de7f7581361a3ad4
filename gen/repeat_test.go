package gen_test

import (
	"context"
	"os"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen"
)

// TestSafeToRepeat: in the bundled spec every operation that does not
// mutate is safe to repeat, a write only when the spec marks it idempotent
// (the default, never sent twice, is the safe one), and the writes whose
// upstream code was read for it are marked as that code behaves. A write
// added to the spec needs no edit here.
func TestSafeToRepeat(t *testing.T) {
	data, err := os.ReadFile("../spec/pegasus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	api, err := gen.API(context.Background(), gen.Input{SpecName: "spec/pegasus.yaml", Spec: data})
	if err != nil {
		t.Fatal(err)
	}
	// updateConfig and updateUsageScenario set a value to the state given
	// (flags.cpp update_flag; update_scenario_handler, APP_ENV_OP_SET); a
	// repeated startCompaction starts another (its trigger time is the
	// server's clock) and a repeated startBulkLoad answers ERR_BUSY.
	read := map[string]bool{"updateConfig": true, "updateUsageScenario": true, "startCompaction": false, "startBulkLoad": false}
	seen := 0
	for _, op := range api.Operations {
		if !op.Mutates && !op.SafeToRepeat {
			t.Errorf("%s: does not mutate, yet is not safe to repeat", op.ID)
		}
		want, ok := read[op.ID]
		if !ok {
			continue
		}
		seen++
		if !op.Mutates || op.SafeToRepeat != want {
			t.Errorf("%s: mutates %v, safe to repeat %v; want a write, safe to repeat %v", op.ID, op.Mutates, op.SafeToRepeat, want)
		}
	}
	if seen != len(read) {
		t.Errorf("found %d of the %d writes read upstream", seen, len(read))
	}
}
