package zkcluster

import (
	"errors"
	"fmt"
	"log"
	"net"
	"path"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/zktest"
)

// TestIdentity: the first primary creates the cluster id and each node
// keeps it; a node that belongs to another cluster, or finds the
// coordinator empty, refuses to act as primary and says why; -new-cluster
// lets an operator seed over it.
func TestIdentity(t *testing.T) {
	o := opts(t, log.New(&syncLog{}, "", 0))
	dir := t.TempDir()
	o.Identity = Identity{File: filepath.Join(dir, "a", "cluster_id")}
	metas, _ := startMetas(t, o, 1)
	waitPrimary(t, metas)
	id, err := o.Identity.Load()
	if err != nil || len(id) != 32 {
		t.Fatalf("kept id %q, %v", id, err)
	}
	if held, err := readID(dial(t), o.Root()); err != nil || held != id {
		t.Fatalf("ZooKeeper holds %q (%v), the node %q", held, err, id)
	}
	metas[0].Close()

	// A node of another cluster on this coordinator.
	other := o
	other.Identity = Identity{File: filepath.Join(dir, "b", "cluster_id")}
	if err := other.Identity.save("feedfeedfeedfeedfeedfeedfeedfeed"); err != nil {
		t.Fatal(err)
	}
	ms, _ := startMetas(t, other, 1)
	waitFor(t, "a refusal", func() bool { return strings.Contains(ms[0].Unavailable(), "belongs to cluster "+id) })
	if ms[0].Primary() != "" {
		t.Errorf("a node of another cluster acts as primary")
	}
	ms[0].Close()
	other.Identity.NewCluster = true // the operator's word: join this one
	ms, _ = startMetas(t, other, 1)
	waitPrimary(t, ms)
	if now, _ := other.Identity.Load(); now != id {
		t.Errorf("joined with -new-cluster, the node keeps %q, not %q", now, id)
	}
	ms[0].Close()

	// The same node on an empty coordinator (another root stands for it).
	empty := o
	empty.Cluster += "_empty"
	ms, _ = startMetas(t, empty, 1)
	waitFor(t, "a refusal", func() bool { return strings.Contains(ms[0].Unavailable(), "ZooKeeper has no cluster at") })
	ms[0].Close()

	// The operator's word.
	empty.Identity.NewCluster = true
	ms, _ = startMetas(t, empty, 1)
	waitPrimary(t, ms)
	if now, _ := empty.Identity.Load(); now == id || len(now) != 32 {
		t.Errorf("after -new-cluster the node keeps %q (was %q)", now, id)
	}
}

// TestWipedZooKeeper restarts ZooKeeper on an empty data directory under
// a primary and a ReplicaServer: both start new sessions (rather than
// retrying the refused one forever), the ReplicaServer registers again,
// and the primary refuses to seed a new cluster.
func TestWipedZooKeeper(t *testing.T) {
	s, err := zktest.Start(t.TempDir(), 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	var logs syncLog
	o := Options{Servers: []string{s.Addr}, Cluster: "wiped", SessionTimeout: 2 * time.Second, Log: log.New(&logs, "", 0),
		Identity: Identity{File: filepath.Join(t.TempDir(), "cluster_id")}}
	metas, models := startMetas(t, o, 1)
	waitPrimary(t, metas)
	ro := o
	ro.Identity.File += ".replica"
	r, err := StartReplica(ro, "127.0.0.1:34801", cluster.NewModel(cluster.DefaultState(), nil), cluster.DefaultState())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	for i := 0; i < 20; i++ { // transactions, so that the clients' last zxid is ahead of a new server's
		if err := models[0].Write(func(s *cluster.State) { s.TableByName("temp").Envs["n"] = strconv.Itoa(i) }); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "registered", func() bool { return aliveCount(models[0]) == 1 })
	s.Stop()
	if err := s.StartAgain(true, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	c, _, err := zk.Connect([]string{s.Addr}, 5*time.Second, zk.WithLogger(quiet{}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFor(t, "the ReplicaServer registered again", func() bool {
		kids, _, err := c.Children("/pegasus/wiped/replica_servers")
		return err == nil && len(kids) == 1
	})
	t.Logf("registered again %v after ZooKeeper's return", time.Since(back))
	waitFor(t, "the refusal", func() bool { return strings.Contains(metas[0].Unavailable(), "ZooKeeper has no cluster at") })
	if strings.Count(logs.String(), "primary (a new cluster") != 1 {
		t.Errorf("seeded again:\n%s", logs.String())
	}
	if err := models[0].Write(func(s *cluster.State) { s.FunctionLevel = "x" }); !errors.Is(err, ErrNotPrimary) {
		t.Errorf("a write on the refusing node: %v", err)
	}
}

// TestResolve: a commit whose answer was lost is read back: applied when
// its nonce is among the recent commits' in <root>/apps, even after later
// commits; not applied when its generation was never reached or the
// history covers it without its nonce; unknown past the history.
func TestResolve(t *testing.T) {
	o := opts(t, nil)
	c := dial(t)
	lock := lockNode(t, c, o)
	s := &store{conn: c, root: o.Root()}
	if _, err := s.resolve(nil); err != nil {
		t.Fatal(err)
	}
	if applied, err := s.resolve(genData(1, nil)); err != nil || applied {
		t.Errorf("no state yet: applied %v, %v", applied, err)
	}
	st, _, err := s.load(eventful())
	if err != nil {
		t.Fatal(err)
	}
	apps := path.Join(o.Root(), appsDir)
	var written [][]byte
	for i := 0; i < nonceHistory+2; i++ {
		st.FunctionLevel = strconv.Itoa(i)
		if err := s.commit(st, lock); err != nil {
			t.Fatal(err)
		}
		b, _, err := c.Get(apps)
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, b)
	}
	last := written[len(written)-1]
	check := func(what string, pending []byte, want bool, wantErr error) {
		t.Helper()
		applied, err := s.resolve(pending)
		if applied != want || !errors.Is(err, wantErr) {
			t.Errorf("%s: applied %v, %v", what, applied, err)
		}
	}
	check("the last commit", last, true, nil)
	check("a commit 10 before", written[len(written)-11], true, nil)
	check("the next generation", genData(parseGen(last)+1, last), false, nil)
	check("another nonce at a covered generation", genData(parseGen(last)-3, nil), false, nil)
	check("past the history", genData(1, nil), false, ErrOutcomeUnknown)
	if !lost(zk.ErrConnectionClosed) || !lost(zk.ErrNoServer) || lost(zk.ErrNoNode) || lost(zk.ErrBadVersion) {
		t.Errorf("lost() sorts ZooKeeper's answers wrongly")
	}
	if parseGen(last) != nonceHistory+2 || parseGen([]byte("7")) != 7 || len(strings.Fields(string(last))) != nonceHistory+1 {
		t.Errorf("generation data %q", last)
	}
}

// TestHandshakeBound: a server that takes the connection and never
// answers the session request holds a node for the bound, not for the
// client library's ten receive timeouts.
func TestHandshakeBound(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	c, err := boundedDialer(200*time.Millisecond)("tcp", ln.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(time.Hour)) // the library's handshake deadline
	_, err = c.Read(make([]byte, 4))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || time.Since(start) > 5*time.Second {
		t.Errorf("handshake read: %v after %v", err, time.Since(start))
	}
	if d := handshakeBound(5 * time.Second); d != 2500*time.Millisecond {
		t.Errorf("bound for a 5 s session: %v", d)
	}
}

// TestReplicaIdentity: a ReplicaServer that belongs to another cluster
// keeps its last state rather than following this one's; -new-cluster
// makes it join (and remember) the cluster it finds.
func TestReplicaIdentity(t *testing.T) {
	var logs syncLog
	o := opts(t, log.New(&logs, "", 0))
	metas, models := startMetas(t, o, 1)
	waitPrimary(t, metas)
	if err := models[0].Write(func(s *cluster.State) { s.TableByName("temp").Envs["k"] = "v" }); err != nil {
		t.Fatal(err)
	}
	ro := o
	ro.Identity = Identity{File: filepath.Join(t.TempDir(), "cluster_id")}
	if err := ro.Identity.save("feedfeedfeedfeedfeedfeedfeedfeed"); err != nil {
		t.Fatal(err)
	}
	model := cluster.NewModel(cluster.DefaultState(), nil)
	r, err := StartReplica(ro, "127.0.0.1:34801", model, cluster.DefaultState())
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the refusal", func() bool { return strings.Contains(logs.String(), "not following it") })
	r.Close()
	if env(model, "k") != "" {
		t.Errorf("followed another cluster's state")
	}
	ro.Identity.NewCluster = true
	r, err = StartReplica(ro, "127.0.0.1:34801", model, cluster.DefaultState())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	waitFor(t, "following", func() bool { return env(model, "k") == "v" })
	if id, _ := ro.Identity.Load(); id == "feedfeedfeedfeedfeedfeedfeedfeed" {
		t.Errorf("the joined cluster's id is not kept")
	}
}

// TestSnapshot: the snapshot a commit writes reads back as the same state
// as the znodes; a state too large for one has none, and a stale one is
// removed.
func TestSnapshot(t *testing.T) {
	o := opts(t, nil)
	c := dial(t)
	lock := lockNode(t, c, o)
	s := &store{conn: c, root: o.Root()}
	st, _, err := s.load(eventful())
	if err == nil {
		err = s.commit(st, lock)
	}
	if err != nil {
		t.Fatal(err)
	}
	r := &store{conn: c, root: o.Root()}
	snap, ok, err := r.loadSnapshot(nil)
	if err != nil || !ok {
		t.Fatalf("snapshot: %v, %v", ok, err)
	}
	whole, _, err := r.load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := encode(o.Root(), whole), encode(o.Root(), snap); !reflect.DeepEqual(a, b) {
		t.Errorf("the snapshot differs from the znodes:\n%s", diffText(a, b))
	}
	big := map[string][]byte{}
	for i := 0; i < 8000; i++ {
		big[fmt.Sprintf("/x/%d", i)] = []byte(newID() + newID() + newID() + newID() + newID() + newID() + newID() + newID())
	}
	if snapshotOf(o.Root(), big, nil) != nil {
		t.Errorf("a snapshot over %d bytes", maxSnapshot)
	}
	if ops, there := s.snapshotOps(big, nil); there || len(ops) != 1 {
		t.Errorf("a state outgrowing its snapshot: %+v, %v", ops, there)
	} else if _, ok := ops[0].(*zk.DeleteRequest); !ok {
		t.Errorf("the stale snapshot is not removed: %+v", ops[0])
	}
}
