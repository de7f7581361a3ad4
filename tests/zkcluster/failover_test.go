//go:build !race

package zkcluster_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/generated/replicaconform"
	"github.com/pegasus-kv/pegasus-gen/internal/zktest"
)

// failoverBound is the bound from the kill of the primary to a
// new one answering.
const failoverBound = 15 * time.Second

// TestFailover is the proof: ZooKeeper, three MetaServers and three
// ReplicaServers as processes; one primary and the conformance suites
// passing; changes made through the primary; the primary killed, another
// taking over with the changes within the bound while the generated
// client keeps working and never hears from a server that is not primary;
// the suites passing against the survivors; the killed one rejoining as
// a backup; a killed ReplicaServer UNALIVE within the session timeout.
func TestFailover(t *testing.T) {
	zks := zktest.Run(t)
	dir := t.TempDir()
	addrs := freeAddrs(t, 6)
	e := &env{t: t, bin: buildNode(t, dir), zk: zks.Addr, seed: writeSeed(t, dir, addrs[:2], addrs[3:]), data: t.TempDir()}
	for _, a := range addrs[3:] {
		e.replicas = append(e.replicas, e.start("replica", a))
	}
	for _, a := range addrs[:3] {
		e.metas = append(e.metas, e.start("meta", a))
	}
	ctx := context.Background()

	// 1. One primary; both suites pass, the first time with the writing
	// operations and scenarios too (their writes go through ZooKeeper).
	primary, _ := e.waitPrimary(e.metas, 30*time.Second)
	e.conform(ctx, addrsOf(e.metas), primary.addr, true)

	// 2. Changes through the primary: an env (usage scenario), a
	// once-compaction the replicas follow, a flag meta keeps.
	rec := &recorder{base: http.DefaultTransport}
	mc, err := meta.NewClient(addrsOf(e.metas), meta.WithHTTPClient(&http.Client{Transport: rec}), meta.WithTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	e.change(ctx, mc, primary)

	// 3 and 4. Kill the primary while the client calls.
	calls := startCalls(ctx, mc, rec)
	if !calls.waitFor(primary.addr, 3, 5*time.Second) {
		t.Fatalf("the client gets no answer from the primary")
	}
	killed := primary
	primary, took := e.failover(primary)
	e.sameState(ctx, primary)
	if !calls.waitFor(primary.addr, 3, 5*time.Second) {
		t.Errorf("the client does not reach the new primary")
	}
	ok, failed, wrong := calls.stop()
	t.Logf("client through the failover: %d answers (%d from the old primary, %d from the new), %d failed calls",
		ok, calls.answered(killed.addr), calls.answered(primary.addr), failed)
	if len(wrong) > 0 {
		t.Errorf("answers from a server that is not primary: %v", wrong)
	}

	// 5. The suites pass against the survivors; the killed one rejoins.
	e.conform(ctx, addrsOf(without(e.metas, killed)), primary.addr, false)
	e.rejoin(killed, primary)

	// Two more failovers, for the figures.
	times := []time.Duration{took}
	for i := 0; i < 2; i++ {
		old := primary
		primary, took = e.failover(old)
		times = append(times, took)
		e.rejoin(old, primary)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	rb, _ := readBack(primary)
	t.Logf("kill of the primary to a new primary answering: %v, median %v (session timeout %v); state read back at the last takeover in %v",
		times, times[len(times)/2], sessionTimeout, rb)

	// 6. A killed ReplicaServer goes UNALIVE within the session timeout.
	e.replicaDies(ctx, mc)

	// SIGTERM stops every node cleanly; a primary stopping hands over at once.
	e.terminate(primary)
}

// conform runs both suites: the MetaServers at metas, of which primary
// is the primary, and the ReplicaServers.
func (e *env) conform(ctx context.Context, metas []string, primary string, mutating bool) {
	e.t.Helper()
	rep, err := metaconform.Check(ctx, metaconform.Target{Addrs: metas, Mutating: mutating})
	if err != nil {
		e.t.Fatal(err)
	}
	if rep.Failed() || rep.Primary != primary {
		e.t.Fatalf("meta suite against %v (primary %s, found %s):\n%s", metas, primary, rep.Primary, failures(rep.Results))
	}
	rr, err := replicaconform.Check(ctx, replicaconform.Target{Addrs: addrsOf(e.replicas), Mutating: mutating})
	if err != nil {
		e.t.Fatal(err)
	}
	if rr.Failed() || rr.Count(replicaconform.Pass) == 0 {
		e.t.Fatalf("replica suite failed")
	}
}

func failures(results []metaconform.Result) string {
	var b strings.Builder
	for _, r := range results {
		if r.Outcome == metaconform.Fail {
			b.WriteString(r.Server + " " + r.Check + " " + r.Operation + ": " + r.Case + ": " + r.Message + "\n")
		}
	}
	return b.String()
}

// change makes the changes of step 2 and sees the replicas follow the
// compaction.
func (e *env) change(ctx context.Context, mc *meta.Client, primary *proc) {
	e.t.Helper()
	res, err := mc.UpdateUsageScenario(ctx, &meta.UpdateUsageScenarioRequest{Body: meta.UsageScenarioInfo{AppName: "temp", Scenario: "bulk_load"}})
	if err != nil || res.Error != "ERR_OK" {
		e.t.Fatalf("usage scenario: %+v, %v", res, err)
	}
	res, err = mc.StartCompaction(ctx, &meta.StartCompactionRequest{Body: meta.ManualCompactionInfo{AppName: "temp", Type: "once", TargetLevel: -1, BottommostLevelCompaction: "skip"}})
	if err != nil || res.Error != "ERR_OK" {
		e.t.Fatalf("compaction: %+v, %v", res, err)
	}
	only, err := meta.NewClient([]string{primary.addr})
	if err != nil {
		e.t.Fatal(err)
	}
	if r, err := only.UpdateConfig(ctx, &meta.UpdateConfigRequest{Config: meta.NewArgs("balance_op_count_per_round", "17")}); err != nil || r.UpdateStatus != "ERR_OK" {
		e.t.Fatalf("updateConfig: %+v, %v", r, err)
	}
	rc, err := replica.NewClient([]string{e.replicas[0].addr})
	if err != nil {
		e.t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := rc.GetReplicaManualCompaction(ctx, &replica.GetReplicaManualCompactionRequest{AppID: 2})
		if err == nil && s.Status.Idle == 0 {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the ReplicaServer did not follow the compaction: %+v, %v", s, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sameState checks that the new primary has the changes of step 2.
func (e *env) sameState(ctx context.Context, primary *proc) {
	e.t.Helper()
	c, err := meta.NewClient([]string{primary.addr})
	if err != nil {
		e.t.Fatal(err)
	}
	envs, err := c.GetMetaAppEnvs(ctx, &meta.GetMetaAppEnvsRequest{Name: "temp"})
	if err != nil || envs["rocksdb.usage_scenario"] != "bulk_load" || envs["manual_compact.once.target_level"] != "-1" {
		e.t.Errorf("envs of temp on the new primary: %v, %v", envs, err)
	}
	f, err := c.GetConfig(ctx, &meta.GetConfigRequest{Name: "balance_op_count_per_round"})
	if err != nil || f.Value != "17" {
		e.t.Errorf("balance_op_count_per_round on the new primary: %+v, %v", f, err)
	}
}

// failover kills the primary and waits for another; it returns the new
// primary and the time from the kill to its first answer.
func (e *env) failover(primary *proc) (*proc, time.Duration) {
	e.t.Helper()
	killedAt := time.Now()
	primary.kill()
	next, seen := e.waitPrimary(without(e.metas, primary), failoverBound)
	took := seen.Sub(killedAt)
	if took > failoverBound {
		e.t.Errorf("new primary after %v, more than %v", took, failoverBound)
	}
	if _, ok := readBack(next); !ok {
		e.t.Errorf("%s took over without logging its read-back:\n%s", next.addr, next.log)
	}
	return next, took
}

// rejoin restarts a killed MetaServer and waits for it to be a backup of
// primary.
func (e *env) rejoin(old, primary *proc) {
	e.t.Helper()
	restarted := e.start("meta", old.addr)
	for i, m := range e.metas {
		if m == old {
			e.metas[i] = restarted
		}
	}
	if p, _ := e.waitPrimary(e.metas, 10*time.Second); p != primary {
		e.t.Fatalf("after %s rejoined the primary is %s, want %s", old.addr, p.addr, primary.addr)
	}
	if !strings.Contains(restarted.log.String(), "backup; the primary is "+primary.addr) {
		e.t.Errorf("%s did not log joining as backup:\n%s", old.addr, restarted.log)
	}
}

// replicaDies kills a ReplicaServer and times it going UNALIVE.
func (e *env) replicaDies(ctx context.Context, mc *meta.Client) {
	e.t.Helper()
	victim := e.replicas[2]
	killedAt := time.Now()
	victim.kill()
	// ZooKeeper expires the session within the timeout and a tick of its
	// last ping; the watch, the primary's round and the polling add
	// milliseconds, a starved JVM on a busy 2-core machine up to a second.
	bound := sessionTimeout + 3*time.Second
	for time.Since(killedAt) < bound+5*time.Second {
		n, err := mc.ListMetaNodes(ctx, &meta.ListMetaNodesRequest{})
		if err == nil {
			if statusOf(n, victim.addr) == "UNALIVE" && n.Summary.AliveNodeCount == 2 {
				took := time.Since(killedAt)
				e.t.Logf("killed ReplicaServer UNALIVE after %v (session timeout %v)", took, sessionTimeout)
				if took > bound {
					e.t.Errorf("UNALIVE only after %v", took)
				}
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("%s never UNALIVE", victim.addr)
}

// statusOf is a node's status in /meta/nodes, "" when not listed.
func statusOf(n *meta.MetaNodesInfo, addr string) string {
	for _, d := range n.Details {
		if d.Address == addr {
			return string(d.Status)
		}
	}
	return ""
}

// terminate sends SIGTERM to the primary first (a backup must take over
// at once: the lock node goes with the clean stop), then to the rest.
func (e *env) terminate(primary *proc) {
	e.t.Helper()
	stoppedAt := time.Now()
	_ = primary.cmd.Process.Signal(syscall.SIGTERM)
	e.exitsCleanly(primary)
	_, seen := e.waitPrimary(without(e.metas, primary), 5*time.Second)
	e.t.Logf("SIGTERM of the primary to a new primary answering: %v", seen.Sub(stoppedAt))
	for _, p := range append(without(e.metas, primary), e.replicas[:2]...) {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		e.exitsCleanly(p)
	}
}

func (e *env) exitsCleanly(p *proc) {
	e.t.Helper()
	select {
	case err := <-p.exited:
		p.exited <- err
		if err != nil || !strings.Contains(p.log.String(), "pegasus-node: stopped") {
			e.t.Errorf("%s %s: exit %v\n%s", p.role, p.addr, err, p.log)
		}
	case <-time.After(10 * time.Second):
		e.t.Errorf("%s %s did not stop on SIGTERM", p.role, p.addr)
	}
}

// recorder notes which server gave the last 200.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	host string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err == nil && resp.StatusCode == 200 {
		r.mu.Lock()
		r.host = req.URL.Host
		r.mu.Unlock()
	}
	return resp, err
}

func (r *recorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.host
	r.host = ""
	return h
}

// calls is the generated client calling /meta/cluster in a loop.
type calls struct {
	done   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	from   []string // who answered, in order
	failed int
	wrong  []string
}

// startCalls calls until stop; an answer must come from the server it
// names as primary.
func startCalls(ctx context.Context, mc *meta.Client, rec *recorder) *calls {
	c := &calls{done: make(chan struct{})}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			select {
			case <-c.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			rec.take()
			info, err := mc.GetMetaCluster(ctx)
			from := rec.take()
			c.mu.Lock()
			switch {
			case err != nil:
				c.failed++
			case from != info.PrimaryMetaServer:
				c.wrong = append(c.wrong, from+" answered naming "+info.PrimaryMetaServer)
			default:
				c.from = append(c.from, from)
			}
			c.mu.Unlock()
		}
	}()
	return c
}

// answered reports how many answers came from addr.
func (c *calls) answered(addr string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range c.from {
		if f == addr {
			n++
		}
	}
	return n
}

// waitFor waits until addr has answered n times.
func (c *calls) waitFor(addr string, n int, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if c.answered(addr) >= n {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func (c *calls) stop() (ok, failed int, wrong []string) {
	close(c.done)
	c.wg.Wait()
	return len(c.from), c.failed, c.wrong
}
