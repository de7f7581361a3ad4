//go:build !race

package zkcluster_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/zktest"
)

// chaosTime makes TestChaos run its nemesis for that long (make chaos);
// 0 is the short run of make test: each fault once or twice.
var chaosTime = flag.Duration("chaos.time", 0, "run the chaos checker's nemesis this long (0: the short run)")

// The bounds the checker holds the cluster to, for a session timeout of
// sessionTimeout (2 s).
const (
	// takeoverBound: a killed or stopped primary replaced and answering.
	takeoverBound = sessionTimeout + 3*time.Second
	// backBound: a restarted MetaServer listening and following the primary.
	backBound = 3 * time.Second
	// registerBound: every ReplicaServer registered again after ZooKeeper
	// returned (its sessions may have expired meanwhile).
	registerBound = sessionTimeout + 3*time.Second
	// refuseBound: after ZooKeeper came back empty, the MetaServers refuse
	// (a session renewed after the session timeout, then the check).
	refuseBound = 2*sessionTimeout + 5*time.Second
)

// TestChaos is the fault checker of the cluster on ZooKeeper: three
// MetaServers and three ReplicaServers as pegasus-node processes, writers
// of unique, increasing values through the generated client (one writer
// per register: a table's periodic or once compaction target level),
// readers beside them, and a nemesis that kills the primary, stops it past
// its session timeout, kills and restarts ZooKeeper, and at last wipes
// ZooKeeper's data. It checks: no acknowledged write lost, no read older
// than a write acknowledged before it started, no write reported rejected
// that landed, at most one MetaServer answering as primary at any time,
// no silent reset after the wipe, and every node back within its bound.
func TestChaos(t *testing.T) {
	dir := t.TempDir()
	zks, err := zktest.Start(filepath.Join(dir, "zk"), 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(zks.Stop)
	addrs := freeAddrs(t, 6)
	e := &env{t: t, bin: buildNode(t, dir), zk: zks.Addr, seed: writeSeed(t, dir, addrs[:2], addrs[3:]), data: t.TempDir()}
	for _, a := range addrs[3:] {
		e.replicas = append(e.replicas, e.start("replica", a))
	}
	for _, a := range addrs[:3] {
		e.metas = append(e.metas, e.start("meta", a))
	}
	e.waitPrimary(e.metas, 30*time.Second)
	c := &chaos{e: e, zks: zks, h: &history{acked: map[string][]write{}, rejected: map[string]map[int32]bool{}}}
	c.watches = append(c.watches, c.watchCount())
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	c.startLoad(ctx, &wg)

	c.nemesis()
	stop()
	wg.Wait()
	c.watches = append(c.watches, c.watchCount())
	final := c.finalRead()
	c.report(final)
	c.wipe()
}

// register is one key a single writer writes: a table's compaction env.
type register struct{ table, kind string }

func (r register) String() string { return r.table + "/" + r.kind }

// env is the key of the register in /meta/app_envs.
func (r register) env() string { return "manual_compact." + r.kind + ".target_level" }

var registers = []register{{"temp", "periodic"}, {"temp", "once"}, {"stat", "periodic"}, {"stat", "once"}, {"__detect", "periodic"}, {"__detect", "once"}}

// write is one acknowledged write: its value and when the answer came.
type write struct {
	v   int32
	end time.Time
}

// read is one read of a register.
type read struct {
	reg   string
	v     int32
	start time.Time
}

// history is what the writers and readers saw.
type history struct {
	mu       sync.Mutex
	acked    map[string][]write        // by register, in value order
	rejected map[string]map[int32]bool // answered "rejected" or "no primary"
	unknown  int                       // answered "outcome unknown" or lost on the wire
	samples  map[string]int            // the unknown answers' texts, blurred, counted
	reads    []read
	errs     []string // answers of a kind the checker does not expect
}

// sample counts an unknown outcome's text, numbers and ports blurred.
func (h *history) sample(text string) {
	if h.samples == nil {
		h.samples = map[string]int{}
	}
	text = regexp.MustCompile(`[0-9]+`).ReplaceAllString(text, "N")
	if len(text) > 160 {
		text = text[:160]
	}
	h.samples[text]++
}

// chaos is one run.
type chaos struct {
	e   *env
	zks *zktest.Server
	h   *history

	faults      map[string]int
	retired     []*proc // MetaServer processes killed and replaced, for their logs
	conformTime []time.Duration
	watches     []int // ZooKeeper's watch count: at the start, after each fault, at the end
	takeovers   []time.Duration
	backs       []time.Duration
	registers   []time.Duration
	splitBrain  []string
}

// client is a generated MetaServer client over every MetaServer, with a
// timeout above the server's read-back bound (2×session + 2 s).
func (c *chaos) client() *meta.Client {
	mc, err := meta.NewClient(addrsOf(c.e.metas), meta.WithTimeout(4*sessionTimeout+4*time.Second))
	if err != nil {
		c.e.t.Fatal(err)
	}
	return mc
}

// startLoad starts a writer per register, two readers and the split-brain
// probe, until ctx ends.
func (c *chaos) startLoad(ctx context.Context, wg *sync.WaitGroup) {
	for _, r := range registers {
		wg.Add(1)
		go func() { defer wg.Done(); c.writer(ctx, r) }()
	}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.reader(ctx, i) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); c.probe(ctx) }()
}

// writer writes 1, 2, 3, … into r, one at a time.
func (c *chaos) writer(ctx context.Context, r register) {
	mc := c.client()
	for v := int32(1); ctx.Err() == nil; v++ {
		body := meta.ManualCompactionInfo{AppName: r.table, Type: r.kind, TargetLevel: v, BottommostLevelCompaction: "skip", TriggerTime: "3:00"}
		res, err := mc.StartCompaction(context.Background(), &meta.StartCompactionRequest{Body: body})
		end := time.Now()
		c.h.mu.Lock()
		switch kind, text := classify(err); {
		case err == nil && res.Error == "ERR_OK":
			c.h.acked[r.String()] = append(c.h.acked[r.String()], write{v, end})
		case kind == "rejected":
			if c.h.rejected[r.String()] == nil {
				c.h.rejected[r.String()] = map[int32]bool{}
			}
			c.h.rejected[r.String()][v] = true
		case kind == "unknown":
			c.h.unknown++
			c.h.sample(text)
		default:
			c.h.errs = append(c.h.errs, fmt.Sprintf("write %s=%d: %+v %s", r, v, res, text))
		}
		c.h.mu.Unlock()
		pause(ctx, 5*time.Millisecond)
	}
}

// classify sorts a write's error: "rejected" (a 503 "rejected", or no
// primary for the whole call: not applied), "unknown" (the client's
// ErrOutcomeUnknown: a 500 "outcome unknown", or no answer), or "" with
// its text.
func classify(err error) (string, string) {
	if err == nil {
		return "", ""
	}
	if errors.Is(err, meta.ErrOutcomeUnknown) { // a 500 "outcome unknown", or sent and no answer
		return "unknown", err.Error()
	}
	if errors.Is(err, meta.ErrNoPrimary) { // 503 "no primary MetaServer" for the whole call: nothing ran
		return "rejected", err.Error()
	}
	var se *meta.StatusError
	if errors.As(err, &se) {
		body := string(se.Body)
		if se.Status == 503 && strings.HasPrefix(body, "rejected: ") {
			return "rejected", body
		}
		return "", err.Error()
	}
	if neverSent(err) {
		return "rejected", err.Error() // no connection opened: nothing ran
	}
	return "unknown", err.Error() // the connection went: no answer
}

// neverSent reports an error all of whose parts are failures to connect.
func neverSent(err error) bool {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !neverSent(e) {
				return false
			}
		}
		return len(j.Unwrap()) > 0
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// reader reads every register's table in turn.
func (c *chaos) reader(ctx context.Context, i int) {
	mc := c.client()
	for n := i; ctx.Err() == nil; n++ {
		r := registers[n%len(registers)]
		start := time.Now()
		envs, err := mc.GetMetaAppEnvs(context.Background(), &meta.GetMetaAppEnvsRequest{Name: r.table})
		if err == nil {
			for _, rr := range registers {
				if rr.table != r.table {
					continue
				}
				v, _ := strconv.Atoi(envs[rr.env()])
				c.h.mu.Lock()
				c.h.reads = append(c.h.reads, read{rr.String(), int32(v), start})
				c.h.mu.Unlock()
			}
		}
		pause(ctx, 10*time.Millisecond)
	}
}

// probe asks every MetaServer, every 100 ms, whether it answers as the
// primary: two at once is a split brain.
func (c *chaos) probe(ctx context.Context) {
	for ctx.Err() == nil {
		var primaries []string
		for _, m := range c.metasNow() {
			if st, p, _ := clusterAnswer(m.addr); st == 200 && p == m.addr {
				primaries = append(primaries, m.addr)
			}
		}
		if len(primaries) > 1 {
			c.h.mu.Lock()
			c.splitBrain = append(c.splitBrain, fmt.Sprintf("%s: %v", time.Now().Format("15:04:05.000"), primaries))
			c.h.mu.Unlock()
		}
		pause(ctx, 100*time.Millisecond)
	}
}

// metasNow is the MetaServer processes, which the nemesis replaces.
func (c *chaos) metasNow() []*proc {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	return append([]*proc(nil), c.e.metas...)
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// nemesis runs the faults: the short plan once, or cycles of it for
// chaosTime.
func (c *chaos) nemesis() {
	c.faults = map[string]int{}
	plan := []func(){c.killPrimary, c.stopPrimary, c.restartZooKeeper, c.killPrimary}
	deadline := time.Now().Add(*chaosTime)
	for first := true; first || time.Now().Before(deadline); first = false {
		for _, f := range plan {
			pause(context.Background(), time.Second) // writes between faults
			f()
			c.conform()
			c.watches = append(c.watches, c.watchCount())
		}
	}
	pause(context.Background(), time.Second)
}

// conform runs both read-only conformance suites against the cluster as
// the fault left it, the load still running: green after every fault.
func (c *chaos) conform() {
	metas := c.metasNow()
	primary, _ := c.e.waitPrimary(metas, takeoverBound)
	start := time.Now()
	c.e.conform(context.Background(), addrsOf(metas), primary.addr, false)
	c.conformTime = append(c.conformTime, time.Since(start))
}

// watchCount is how many watches ZooKeeper holds.
func (c *chaos) watchCount() int {
	n, err := c.zks.Watches()
	if err != nil {
		c.e.t.Fatal(err)
	}
	return n
}

// killPrimary kill -9s the primary, times the takeover, then starts it
// again and times its return as a backup.
func (c *chaos) killPrimary() {
	e := c.e
	old, _ := e.waitPrimary(c.metasNow(), takeoverBound)
	t0 := time.Now()
	old.kill()
	primary, seen := e.waitPrimary(without(c.metasNow(), old), takeoverBound)
	c.takeovers = append(c.takeovers, seen.Sub(t0))
	c.faults["kill -9 primary"]++
	c.restart(old, primary)
}

// restart starts p's process again and times its return as a backup.
func (c *chaos) restart(old, primary *proc) {
	e := c.e
	t0 := time.Now()
	p := e.start(old.role, old.addr)
	deadline := t0.Add(backBound)
	for !redirectsTo([]*proc{p, primary}, primary) {
		if time.Now().After(deadline) {
			e.t.Fatalf("restarted %s not following %s within %v; its log:\n%s", p.addr, primary.addr, backBound, p.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.backs = append(c.backs, time.Since(t0))
	c.h.mu.Lock()
	for i, m := range e.metas {
		if m == old {
			e.metas[i] = p
		}
	}
	c.retired = append(c.retired, old)
	c.h.mu.Unlock()
}

// stopPrimary SIGSTOPs the primary past its session timeout, times the
// takeover, then SIGCONTs it: it must come back as a backup.
func (c *chaos) stopPrimary() {
	e := c.e
	old, _ := e.waitPrimary(c.metasNow(), takeoverBound)
	t0 := time.Now()
	_ = old.cmd.Process.Signal(syscall.SIGSTOP)
	primary, seen := e.waitPrimary(without(c.metasNow(), old), takeoverBound)
	c.takeovers = append(c.takeovers, seen.Sub(t0))
	pause(context.Background(), sessionTimeout) // well past its session
	_ = old.cmd.Process.Signal(syscall.SIGCONT)
	if p, _ := e.waitPrimary(c.metasNow(), backBound+sessionTimeout); p != primary {
		e.t.Fatalf("after SIGCONT the primary is %s, not %s", p.addr, primary.addr)
	}
	c.faults["SIGSTOP primary past the session timeout"]++
}

// restartZooKeeper kills ZooKeeper for longer than the session timeout and
// starts it again on its data: a primary, and every ReplicaServer
// registered, within their bounds.
func (c *chaos) restartZooKeeper() {
	c.zks.Stop()
	// Past the session timeout; in long runs every other outage is 10 s,
	// the one after which a ReplicaServer once took 35 s to return.
	outage := sessionTimeout + time.Second
	if *chaosTime > 0 && c.faults["ZooKeeper killed and restarted"]%2 == 1 {
		outage = 10 * time.Second
	}
	pause(context.Background(), outage)
	if err := c.zks.StartAgain(false, 60*time.Second); err != nil {
		c.e.t.Fatal(err)
	}
	back := time.Now()
	c.e.waitPrimary(c.metasNow(), registerBound)
	c.registers = append(c.registers, c.waitRegistered(back, registerBound))
	c.faults["ZooKeeper killed and restarted"]++
}

// waitRegistered waits until every ReplicaServer is registered in
// ZooKeeper, and says how long after since that was.
func (c *chaos) waitRegistered(since time.Time, within time.Duration) time.Duration {
	e := c.e
	conn, _, err := zk.Connect([]string{c.zks.Addr}, 5*time.Second, zk.WithLogger(quietLog{}))
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	for {
		kids, _, err := conn.Children("/pegasus/proof/replica_servers")
		if err == nil && len(kids) == len(e.replicas) {
			return time.Since(since)
		}
		if time.Since(since) > within {
			for _, r := range e.replicas {
				e.t.Logf("%s log:\n%s", r.addr, r.log)
			}
			e.t.Fatalf("ReplicaServers registered %v (%v), not all %d within %v of ZooKeeper's return", kids, err, len(e.replicas), within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}

// finalRead reads every register from the primary once the load stopped.
func (c *chaos) finalRead() map[string]int32 {
	e := c.e
	e.waitPrimary(c.metasNow(), takeoverBound)
	mc := c.client()
	out := map[string]int32{}
	for _, r := range registers {
		envs, err := mc.GetMetaAppEnvs(context.Background(), &meta.GetMetaAppEnvsRequest{Name: r.table})
		if err != nil {
			e.t.Fatalf("final read of %s: %v", r.table, err)
		}
		v, _ := strconv.Atoi(envs[r.env()])
		out[r.String()] = int32(v)
	}
	return out
}

// report checks the history and prints the figures.
func (c *chaos) report(final map[string]int32) {
	t, h := c.e.t, c.h
	h.mu.Lock()
	defer h.mu.Unlock()
	acked, lost, stale, landed := 0, 0, 0, 0
	for reg, ws := range h.acked {
		acked += len(ws)
		for _, w := range ws {
			if w.v > final[reg] {
				lost++
				t.Errorf("acknowledged write %s=%d lost (final %d)", reg, w.v, final[reg])
			}
		}
		if h.rejected[reg][final[reg]] {
			landed++
			t.Errorf("write %s=%d reported rejected, but it is the final value", reg, final[reg])
		}
	}
	for _, r := range h.reads {
		if h.rejected[r.reg][r.v] {
			landed++
			t.Errorf("write %s=%d reported rejected, but a read saw it", r.reg, r.v)
		}
		if want := ackedBefore(h.acked[r.reg], r.start); r.v < want {
			stale++
			if stale <= 5 {
				t.Errorf("stale read of %s at %s: %d, but %d was acknowledged before it started", r.reg, r.start.Format("15:04:05.000"), r.v, want)
			}
		}
	}
	rejected := 0
	for _, m := range h.rejected {
		rejected += len(m)
	}
	for _, s := range h.errs {
		t.Errorf("unexpected answer: %s", s)
	}
	for _, s := range c.splitBrain {
		t.Errorf("two MetaServers answered as primary: %s", s)
	}
	var faults []string
	for k, n := range c.faults {
		faults = append(faults, fmt.Sprintf("%d× %s", n, k))
	}
	sort.Strings(faults)
	t.Logf("chaos: %d acknowledged writes, %d rejected, %d outcome unknown; %d reads; %d lost, %d stale reads, %d reported rejected but landed, %d split-brain samples",
		acked, rejected, h.unknown, len(h.reads), lost, stale, landed, len(c.splitBrain))
	t.Logf("chaos: faults %s; pegasus-conform's suites green after each (%s)", strings.Join(faults, ", "), spread(c.conformTime))
	for text, n := range h.samples {
		t.Logf("chaos: %d× outcome unknown: %s", n, text)
	}
	t.Logf("chaos: takeover %s; restarted MetaServer back %s; ReplicaServers registered after ZooKeeper's return %s",
		spread(c.takeovers), spread(c.backs), spread(c.registers))
	applied, notApplied := 0, 0
	for _, m := range append(append([]*proc(nil), c.retired...), c.e.metas...) {
		applied += strings.Count(m.log.String(), "answer was lost was read back: applied")
		notApplied += strings.Count(m.log.String(), "answer was lost was read back: not applied")
	}
	t.Logf("chaos: commits whose answer was lost, read back: %d applied, %d not applied; resident memory per node %s",
		applied, notApplied, c.rss())
	first, last := c.watches[0], c.watches[len(c.watches)-1]
	t.Logf("chaos: ZooKeeper's watches at the start, after each fault, at the end: %v", c.watches)
	if last > first+len(c.e.metas)+len(c.e.replicas) {
		t.Errorf("watches grew from %d to %d", first, last)
	}
	if acked == 0 || len(h.reads) == 0 {
		t.Errorf("no acknowledged write or no read: the checker checked nothing")
	}
}

// rss is the smallest and largest resident set of the live nodes.
func (c *chaos) rss() string {
	lo, hi := -1, 0
	for _, p := range append(append([]*proc(nil), c.e.metas...), c.e.replicas...) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
		if err != nil {
			return "unknown"
		}
		m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(b)
		if m == nil {
			return "unknown"
		}
		kb, _ := strconv.Atoi(string(m[1]))
		if lo < 0 || kb < lo {
			lo = kb
		}
		hi = max(hi, kb)
	}
	return fmt.Sprintf("%d–%d MB", lo/1024, (hi+1023)/1024)
}

// ackedBefore is the highest value acknowledged before t.
func ackedBefore(ws []write, t time.Time) int32 {
	var v int32
	for _, w := range ws {
		if w.end.Before(t) && w.v > v {
			v = w.v
		}
	}
	return v
}

// spread is "min–max (n)" of ds.
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return fmt.Sprintf("%v–%v (%d)", s[0].Round(10*time.Millisecond), s[len(s)-1].Round(10*time.Millisecond), len(s))
}

// wipe restarts ZooKeeper on an empty data directory: the MetaServers must
// refuse to seed a new cluster (503 naming the cluster identity, a log
// line) rather than reset the state, and the ReplicaServers register again.
func (c *chaos) wipe() {
	e := c.e
	before := map[*proc]int{}
	for _, m := range c.metasNow() {
		before[m] = len(m.log.String())
	}
	c.zks.Stop()
	if err := c.zks.StartAgain(true, 60*time.Second); err != nil {
		e.t.Fatal(err)
	}
	back := time.Now()
	mc := c.client()
	for {
		_, err := mc.GetMetaAppEnvs(context.Background(), &meta.GetMetaAppEnvsRequest{Name: "temp"})
		if errors.Is(err, meta.ErrNoPrimary) && strings.Contains(err.Error(), "cluster identity") {
			e.t.Logf("chaos: after ZooKeeper lost its data, refused in %v: %v", time.Since(back).Round(10*time.Millisecond), err)
			break
		}
		if time.Since(back) > refuseBound {
			for _, m := range c.metasNow() {
				e.t.Logf("%s log:\n%s", m.addr, m.log)
			}
			e.t.Fatalf("no refusal within %v of ZooKeeper's return on empty data: %v", refuseBound, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.registers = append(c.registers, c.waitRegistered(back, refuseBound))
	res, err := mc.StartCompaction(context.Background(), &meta.StartCompactionRequest{Body: meta.ManualCompactionInfo{AppName: "temp", Type: "periodic", TargetLevel: 1, BottommostLevelCompaction: "skip", TriggerTime: "3:00"}})
	if kind, _ := classify(err); kind != "rejected" {
		e.t.Errorf("a write on the refusing cluster: %+v, %v; want it rejected (no primary: nothing applied)", res, err)
	}
	for _, m := range c.metasNow() {
		if after := m.log.String()[before[m]:]; strings.Contains(after, "primary (a new cluster") {
			e.t.Errorf("%s seeded a new cluster after the wipe:\n%s", m.addr, after)
		}
	}
}
