package soak

import (
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestSoakShort runs a small soak against a plain (not race-built) onebox,
// so that make soak's program keeps working between soaks: every phase
// sends traffic, and nothing is found wrong.
func TestSoakShort(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pegasus-onebox")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/pegasus-onebox").CombinedOutput(); err != nil {
		t.Fatalf("building the onebox: %v\n%s", err, out)
	}
	cfg := Config{Onebox: bin, Hostile: 200, Clients: 4, Duration: time.Second, Seed: 7, SymbolPosts: 2}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() || rep.Hostile.Requests != 200 || rep.Mixed.Requests == 0 || rep.Writes == 0 || rep.PeakRSSBytes <= 0 || rep.Servers != 5 ||
		rep.SymbolComplete != 2 {
		t.Errorf("report %+v", rep)
	}
	if rep.Hostile.ByStatus[400] == 0 || rep.Hostile.Dropped == 0 {
		t.Errorf("the hostile requests did not reach the servers' refusals: %+v", rep.Hostile.ByStatus)
	}
}
