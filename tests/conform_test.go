package tests

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/generated/replicaconform"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// failures lists a report's failed cases, for test messages.
func failures(results []metaconform.Result) string {
	var b strings.Builder
	for _, r := range results {
		if r.Outcome == metaconform.Fail {
			b.WriteString(r.Server + " " + r.Check + " " + r.Operation + ": " + r.Case + ": " + r.Message + "\n    " + r.Curl + "\n")
		}
	}
	return b.String()
}

// TestConformOnebox runs both generated suites, read-only, under go test
// against the faithful onebox: the way a server repo runs them.
func TestConformOnebox(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	rep := metaconform.Run(t, metaconform.Target{DefaultState: true, Addrs: c.MetaAddrs()})
	if rep == nil || rep.Primary != c.MetaAddrs()[0] {
		t.Errorf("primary not found: %+v", rep)
	}
	replicaconform.Run(t, replicaconform.Target{DefaultState: true, Addrs: c.ReplicaAddrs()})
}

// TestConformColdBackup runs the meta suite against a onebox with cold
// backup on, so that /meta/backup_policy is checked rather than skipped
// behind its guard, and with the optional features switched the other way
// (envs_list on, pprof off), told to the suite.
func TestConformColdBackup(t *testing.T) {
	st := cluster.DefaultState()
	if st.Config == nil {
		st.Config = map[string]string{}
	}
	st.Config["cold_backup_disabled"] = "false"
	c := startOnebox(t, onebox.Options{State: st, MetaFeatures: map[meta.Feature]bool{meta.FeatureEnvsList: true, meta.FeaturePprof: false}})
	features := map[string]bool{"envs_list": true, "pprof": false}
	rep, err := metaconform.Check(context.Background(), metaconform.Target{DefaultState: true, Addrs: c.MetaAddrs(), Features: features})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		t.Fatalf("failures:\n%s", failures(rep.Results))
	}
	checked := 0
	for _, r := range rep.Results {
		if r.Operation == "GET /meta/backup_policy" {
			if r.Outcome == metaconform.Skip {
				t.Errorf("backup_policy skipped: %s", r.Message)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Errorf("only %d cases of /meta/backup_policy", checked)
	}
	for _, r := range rep.Results {
		if r.Operation == "GET /envs/list" && r.Check == metaconform.CheckPositive && r.Outcome != metaconform.Pass {
			t.Errorf("/envs/list not checked: %+v", r)
		}
		if r.Operation == "GET /pprof/heap" && r.Check != metaconform.CheckPaths && r.Check != metaconform.CheckServerError {
			t.Errorf("/pprof/heap checked although pprof is off: %+v", r)
		}
	}
	// Told the wrong features, the suite notices both.
	rep, err = metaconform.Check(context.Background(), metaconform.Target{DefaultState: true, Addrs: c.MetaAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(failures(rep.Results), `extra entry "/envs/list"`) || !strings.Contains(failures(rep.Results), `missing entry "/pprof/heap"`) {
		t.Errorf("wrong features not noticed:\n%s", failures(rep.Results))
	}
}

// TestConformMutating runs the suites with -mutating: writing operations
// and the stateful scenarios too, which must leave the flags they change
// as they were.
func TestConformMutating(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	ctx := context.Background()
	before, _ := c.Metas[0].Config.Get("config_sync_interval_ms")
	rep, err := metaconform.Check(ctx, metaconform.Target{DefaultState: true, Addrs: c.MetaAddrs(), Mutating: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		t.Fatalf("failures:\n%s", failures(rep.Results))
	}
	scenarios := map[string]metaconform.Outcome{}
	for _, r := range rep.Results {
		if r.Check == metaconform.CheckStateful && r.Server == c.MetaAddrs()[0] {
			scenarios[r.Operation] = r.Outcome
		}
	}
	for _, name := range []string{"scenario update_config", "scenario unknown_flag", "scenario compaction_envs", "scenario bulk_load"} {
		if scenarios[name] != metaconform.Pass {
			t.Errorf("%s: %q, want pass", name, scenarios[name])
		}
	}
	if after, _ := c.Metas[0].Config.Get("config_sync_interval_ms"); after.Value != before.Value {
		t.Errorf("config_sync_interval_ms is %q after the run, was %q", after.Value, before.Value)
	}
	rr, err := replicaconform.Check(ctx, replicaconform.Target{DefaultState: true, Addrs: c.ReplicaAddrs(), Mutating: true})
	if err != nil {
		t.Fatal(err)
	}
	if rr.Failed() || rr.Count(replicaconform.Pass) == 0 {
		t.Fatalf("replica report failed")
	}
}

// TestConformInProcess checks a generated server in process (no cluster):
// the target is an http.Handler.
func TestConformInProcess(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	for _, s := range c.Metas[:1] {
		rep, err := metaconform.Check(context.Background(), metaconform.Target{DefaultState: true, Handler: s.Handler})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Failed() {
			t.Fatalf("failures:\n%s", failures(rep.Results))
		}
	}
}

// TestConformFromEnv runs the suite the way CI against a live cluster
// does: the targets come from the environment.
func TestConformFromEnv(t *testing.T) {
	if _, ok := replicaconform.TargetFromEnv(); ok && os.Getenv("PEGASUS_CONFORM_SELFTEST") == "" {
		t.Skip("PEGASUS_CONFORM_REPLICA is set by the user; TestConformLive runs it")
	}
	c := startOnebox(t, onebox.Options{})
	t.Setenv("PEGASUS_CONFORM_REPLICA", strings.Join(c.ReplicaAddrs(), ","))
	t.Setenv("PEGASUS_CONFORM_MUTATING", "1")
	target, ok := replicaconform.TargetFromEnv()
	if !ok || len(target.Addrs) != 3 || !target.Mutating {
		t.Fatalf("TargetFromEnv = %+v, %v", target, ok)
	}
	replicaconform.Run(t, target)
}

// TestConformLive runs both suites against the cluster named by
// PEGASUS_CONFORM_META and PEGASUS_CONFORM_REPLICA, when set.
func TestConformLive(t *testing.T) {
	mt, mok := metaconform.TargetFromEnv()
	rt, rok := replicaconform.TargetFromEnv()
	if !mok && !rok {
		t.Skip("set PEGASUS_CONFORM_META and/or PEGASUS_CONFORM_REPLICA to check a live cluster")
	}
	if mok {
		metaconform.Run(t, mt)
	}
	if rok {
		replicaconform.Run(t, rt)
	}
}
