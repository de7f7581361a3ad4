package tests

import (
	"context"
	"os"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/generated/replicaconform"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// TestConformOnebox runs both generated suites, read-only, against a
// faithful onebox: every check passes.
func TestConformOnebox(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	ctx := context.Background()
	mr, err := metaconform.Check(ctx, metaconform.Target{Addrs: c.MetaAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	mr.WriteSummary(os.Stdout)
	rr, err := replicaconform.Check(ctx, replicaconform.Target{Addrs: c.ReplicaAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	rr.WriteSummary(os.Stdout)
	if mr.Failed() || rr.Failed() {
		t.Fail()
	}
}
