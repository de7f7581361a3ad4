package zkcluster

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"path"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/zktest"
)

// zkAddr is the ZooKeeper the tests share; each test uses its own cluster.
var zkAddr string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zkcluster-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s, err := zktest.Start(dir, 90*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	zkAddr = s.Addr
	code := m.Run()
	s.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// opts is a cluster of its own for one test, with a short session (long
// enough that a starved test process on a busy 2-core machine keeps it).
func opts(t testing.TB, lg *log.Logger) Options {
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return Options{Servers: []string{zkAddr}, Cluster: name, SessionTimeout: 2 * time.Second, Log: lg}
}

// dial is a plain session for the tests' own reads and writes.
func dial(t testing.TB) *zk.Conn {
	t.Helper()
	c, _, err := zk.Connect([]string{zkAddr}, 5*time.Second, zk.WithLogger(quiet{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// lockNode makes an ephemeral sequential lock node of c's session.
func lockNode(t testing.TB, c *zk.Conn, o Options) string {
	t.Helper()
	if err := ensure(c, o.LockDir()); err != nil {
		t.Fatal(err)
	}
	n, err := c.Create(o.LockDir()+"/"+lockPrefix, []byte("test"), zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// eventful is the default state with everything the store keeps set.
func eventful() *cluster.State {
	st := cluster.DefaultState()
	temp := st.TableByName("temp")
	temp.BulkLoad, temp.BulkLoadStarted = "DOWNLOADING", time.UnixMilli(1763969400123)
	temp.CompactionStarted = time.UnixMilli(1763969400456)
	temp.Envs["rocksdb.usage_scenario"] = "bulk_load"
	st.Config = map[string]string{"balance_op_count_per_round": "17"}
	st.FunctionLevel = "lively"
	return st
}

// TestStoreRoundTrip commits a state and reads it back: every znode the
// same, the times of bulk load and compaction kept to the millisecond;
// then a change writes only its difference.
func TestStoreRoundTrip(t *testing.T) {
	o := opts(t, nil)
	c := dial(t)
	lock := lockNode(t, c, o)
	s := &store{conn: c, root: o.Root()}
	st, fresh, err := s.load(eventful())
	if err != nil || !fresh {
		t.Fatalf("load of a new cluster: fresh=%v, %v", fresh, err)
	}
	if err := s.commit(st, lock); err != nil {
		t.Fatal(err)
	}
	got, fresh, err := (&store{conn: c, root: o.Root()}).load(nil)
	if err != nil || fresh {
		t.Fatalf("read back: fresh=%v, %v", fresh, err)
	}
	if a, b := encode(o.Root(), st), encode(o.Root(), got); !reflect.DeepEqual(a, b) {
		t.Errorf("read back differs:\n%s", diffText(a, b))
	}
	temp := got.TableByName("temp")
	if !temp.BulkLoadStarted.Equal(time.UnixMilli(1763969400123)) || !temp.CompactionStarted.Equal(time.UnixMilli(1763969400456)) {
		t.Errorf("times: bulk load %v, compaction %v", temp.BulkLoadStarted, temp.CompactionStarted)
	}
	if got.Config["balance_op_count_per_round"] != "17" || got.FunctionLevel != "lively" || len(got.Nodes) != 3 {
		t.Errorf("config %v, level %s, nodes %v", got.Config, got.FunctionLevel, got.Nodes)
	}

	// A change is one set, plus the generation; a duplication removed is
	// a deletion.
	temp.Envs["default_ttl"] = "86400"
	temp.Duplications = nil
	ops := diff(s.last, encode(o.Root(), got))
	if len(ops) != 3 {
		t.Errorf("%d operations for one env and one duplication removed: %+v", len(ops), ops)
	}
	if err := s.commit(got, lock); err != nil {
		t.Fatal(err)
	}
	again, _, err := (&store{conn: c, root: o.Root()}).load(nil)
	if err != nil || again.TableByName("temp").Envs["default_ttl"] != "86400" || len(again.TableByName("temp").Duplications) != 0 {
		t.Errorf("after the change: %+v, %v", again.TableByName("temp"), err)
	}
}

func diffText(a, b map[string][]byte) string {
	var out strings.Builder
	for p := range a {
		if !bytes.Equal(a[p], b[p]) {
			fmt.Fprintf(&out, "%s:\n  %s\n  %s\n", p, a[p], b[p])
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			fmt.Fprintf(&out, "%s: only read back\n", p)
		}
	}
	return out.String()
}

// TestFencing is a deposed primary writing after its successor: its lock
// node went with its session, so its multi-op fails whole and the
// successor's state stands.
func TestFencing(t *testing.T) {
	o := opts(t, nil)
	a, b := dial(t), dial(t)
	lockA := lockNode(t, a, o)
	sa := &store{conn: a, root: o.Root()}
	st, _, err := sa.load(cluster.DefaultState())
	if err != nil {
		t.Fatal(err)
	}
	if err := sa.commit(st, lockA); err != nil {
		t.Fatal(err)
	}
	// A's session expires: ZooKeeper deletes its lock node; B holds.
	if err := b.Delete(lockA, -1); err != nil {
		t.Fatal(err)
	}
	lockB := lockNode(t, b, o)
	sb := &store{conn: b, root: o.Root()}
	stB, _, err := sb.load(nil)
	if err != nil {
		t.Fatal(err)
	}
	stB.TableByName("temp").Envs["by"] = "successor"
	if err := sb.commit(stB, lockB); err != nil {
		t.Fatal(err)
	}
	st.TableByName("temp").Envs["by"] = "deposed"
	st.TableByName("stat").Envs["by"] = "deposed"
	if err := sa.commit(st, lockA); !errors.Is(err, ErrNotPrimary) {
		t.Fatalf("the deposed primary's commit: %v, want ErrNotPrimary", err)
	}
	got, _, err := (&store{conn: b, root: o.Root()}).load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.TableByName("temp").Envs["by"] != "successor" || got.TableByName("stat").Envs["by"] != "" {
		t.Errorf("the deposed primary wrote: temp %v, stat %v", got.TableByName("temp").Envs, got.TableByName("stat").Envs)
	}
	// The failed commit leaves nothing assumed: the store reads back
	// before it writes again.
	if err := sa.commit(st, lockA); !errors.Is(err, ErrNotPrimary) {
		t.Errorf("second commit: %v", err)
	}
}

// syncLog collects log lines.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startMetas runs n MetaServers of one cluster in process.
func startMetas(t *testing.T, o Options, n int) ([]*Meta, []*cluster.Model) {
	var metas []*Meta
	var models []*cluster.Model
	for i := 0; i < n; i++ {
		model := cluster.NewModel(cluster.DefaultState(), nil)
		m, err := NewMeta(o, MetaConfig{Self: fmt.Sprintf("127.0.0.1:%d", 40001+i), Model: model, Seed: cluster.DefaultState()})
		if err != nil {
			t.Fatal(err)
		}
		m.Start()
		t.Cleanup(m.Close)
		metas = append(metas, m)
		models = append(models, model)
	}
	return metas, models
}

// waitPrimary waits until every MetaServer of ms names one of them.
func waitPrimary(t *testing.T, ms []*Meta) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		p := ms[0].Primary()
		agree := p != ""
		for _, m := range ms[1:] {
			agree = agree && m.Primary() == p
		}
		for i, m := range ms {
			if agree && m.self == p {
				return i
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no primary all agree on")
	return -1
}

// TestElection runs three MetaServers and two ReplicaServers in process:
// one primary, named by all; only its writes are kept; the replicas
// register and follow the state; the primary closing hands the lock and
// the state over; a ReplicaServer leaving is UNALIVE.
func TestElection(t *testing.T) {
	var logs syncLog
	o := opts(t, log.New(&logs, "", 0))
	var replicas []*Replica
	var rmodels []*cluster.Model
	for _, a := range []string{"127.0.0.1:34801", "127.0.0.1:34802"} {
		m := cluster.NewModel(cluster.DefaultState(), nil)
		r, err := StartReplica(o, a, m, cluster.DefaultState())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		replicas, rmodels = append(replicas, r), append(rmodels, m)
	}
	metas, models := startMetas(t, o, 3)
	p := waitPrimary(t, metas)
	backup := (p + 1) % 3

	setEnv := func(m *cluster.Model, v string) error {
		return m.Write(func(s *cluster.State) { s.TableByName("temp").Envs["who"] = v })
	}
	if err := setEnv(models[p], "primary"); err != nil {
		t.Fatalf("primary write: %v", err)
	}
	if err := setEnv(models[backup], "backup"); !errors.Is(err, ErrNotPrimary) {
		t.Errorf("backup write: %v, want ErrNotPrimary", err)
	}
	models[backup].Read(func(s *cluster.State) {
		if s.TableByName("temp").Envs["who"] == "backup" {
			t.Errorf("the backup's refused write stayed in its model")
		}
	})
	waitFor(t, "replica follows the env", func() bool { return env(rmodels[0], "who") == "primary" })
	waitFor(t, "nodes alive", func() bool { return aliveCount(models[p]) == 2 })

	metas[p].Close()
	rest := append(append([]*Meta(nil), metas[:p]...), metas[p+1:]...)
	q := waitPrimary(t, rest)
	next := metas[indexOf(metas, rest[q])]
	nextModel := models[indexOf(metas, rest[q])]
	if env(nextModel, "who") != "primary" {
		t.Errorf("the new primary lost the change")
	}
	if next.ReadBack() <= 0 {
		t.Errorf("read-back time not measured")
	}
	waitFor(t, "nodes alive at the new primary", func() bool { return aliveCount(nextModel) == 2 })
	replicas[1].Close()
	waitFor(t, "a closed ReplicaServer UNALIVE", func() bool { return aliveCount(nextModel) == 1 })

	if n := strings.Count(logs.String(), "meta "+next.self+": primary ("); n != 1 {
		t.Errorf("%d lines of %s becoming primary:\n%s", n, next.self, logs.String())
	}
}

func indexOf(ms []*Meta, m *Meta) int {
	for i, x := range ms {
		if x == m {
			return i
		}
	}
	return -1
}

func env(m *cluster.Model, k string) string {
	var v string
	m.Read(func(s *cluster.State) { v = s.TableByName("temp").Envs[k] })
	return v
}

func aliveCount(m *cluster.Model) int {
	n := 0
	m.Read(func(s *cluster.State) {
		for _, x := range s.Nodes {
			if x.Alive {
				n++
			}
		}
	})
	return n
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLostSession is a primary whose ZooKeeper goes away: it stops
// claiming at once, long before its session could expire.
func TestLostSession(t *testing.T) {
	s, err := zktest.Start(t.TempDir(), 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Servers: []string{s.Addr}, Cluster: "lost", SessionTimeout: 30 * time.Second, Log: log.New(&syncLog{}, "", 0)}
	model := cluster.NewModel(cluster.DefaultState(), nil)
	m, err := NewMeta(o, MetaConfig{Self: "127.0.0.1:40001", Model: model, Seed: cluster.DefaultState()})
	if err != nil {
		t.Fatal(err)
	}
	m.Start()
	defer m.Close()
	waitPrimary(t, []*Meta{m})
	stopped := time.Now()
	s.Stop()
	waitFor(t, "primary unknown without ZooKeeper", func() bool { return m.Primary() == "" })
	if d := time.Since(stopped); d > 5*time.Second {
		t.Errorf("still primary %v after ZooKeeper went", d)
	}
	if err := model.Write(func(s *cluster.State) { s.FunctionLevel = "blind" }); !errors.Is(err, ErrNotPrimary) {
		t.Errorf("write without ZooKeeper: %v", err)
	}
}

// BenchmarkReadBack is a takeover's read of the default state.
func BenchmarkReadBack(b *testing.B) {
	o := opts(b, nil)
	c, _, err := zk.Connect([]string{zkAddr}, 5*time.Second, zk.WithLogger(quiet{}))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	lock := lockNode(b, c, o)
	s := &store{conn: c, root: o.Root()}
	st, _, err := s.load(eventful())
	if err == nil {
		err = s.commit(st, lock)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := (&store{conn: c, root: path.Clean(o.Root())}).load(nil); err != nil {
			b.Fatal(err)
		}
	}
}
