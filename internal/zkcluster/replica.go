package zkcluster

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
)

// Replica is one ReplicaServer's part in the cluster: an ephemeral node
// <root>/replica_servers/<host:port> for as long as its session lives
// (which is how the primary MetaServer knows it is alive), and the meta
// state followed into its model, so that it answers for the replicas the
// primary assigns it.
type Replica struct {
	opts  Options
	self  string
	model *cluster.Model
	seed  *cluster.State
	log   *log.Logger
	s     *session
	store *store

	mu   sync.Mutex
	said string

	cancel context.CancelFunc
	done   chan struct{}
}

// StartReplica connects and registers self, then follows the state until
// Close. seed is the state served until a primary has written one.
func StartReplica(o Options, self string, model *cluster.Model, seed *cluster.State) (*Replica, error) {
	r := &Replica{opts: o, self: self, model: model, seed: seed, log: o.logger(), s: newSession(), done: make(chan struct{})}
	if err := r.s.dial(o, func(zk.State) { r.s.poke() }); err != nil {
		return nil, err
	}
	r.store = &store{conn: r.s.conn, root: o.Root()}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.run(ctx)
	return r, nil
}

// Close ends the session, which removes the registration at once.
func (r *Replica) Close() {
	r.cancel()
	<-r.done
	r.s.conn.Close()
}

func (r *Replica) say(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s != r.said {
		r.said = s
		r.log.Printf("replica %s: %s", r.self, s)
	}
}

func (r *Replica) run(ctx context.Context) {
	defer close(r.done)
	for ctx.Err() == nil {
		if err := r.round(ctx); err != nil && ctx.Err() == nil {
			r.say(fmt.Sprintf("replica error: %v", err))
			pause(ctx, 200*time.Millisecond)
		}
	}
}

// round registers this server unless its node is there, reads the state
// if it changed, and waits for its node or the state to change.
func (r *Replica) round(ctx context.Context) error {
	if r.s.conn.State() != zk.StateHasSession {
		r.mu.Lock()
		first := r.said == ""
		r.mu.Unlock()
		if !first { // a node starting has no session for a moment
			r.say("no ZooKeeper session")
		}
		if r.s.stuck(r.opts.timeout()) {
			return r.renew()
		}
		r.s.waitUpTo(ctx, r.opts.timeout()/4)
		return nil
	}
	dir := path.Join(r.opts.Root(), replicasDir)
	if err := ensure(r.s.conn, dir); err != nil {
		return err
	}
	node := path.Join(dir, r.self)
	ok, st, nw, err := r.s.existsW(node)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		_, err := r.s.conn.Create(node, []byte(r.self), zk.FlagEphemeral, zk.WorldACL(zk.PermAll))
		if err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("register %s: %w", node, err)
		}
		return nil // watch the node just made
	case st.EphemeralOwner != r.s.conn.SessionID():
		// A former process at this address, killed less than a session
		// timeout ago: wait for its node to go.
		r.say("waiting for the previous registration to expire")
	default:
		r.say("registered as " + node)
	}
	sw, err := r.follow()
	if err != nil {
		return err
	}
	r.s.wait(ctx, nw, sw)
	return nil
}

// renew replaces a connection that ZooKeeper keeps refusing with a new
// session; the registration is made again in it.
func (r *Replica) renew() error {
	r.say("ZooKeeper refuses this session (did it lose its data?): starting a new one")
	old := r.s.conn
	if err := r.s.dial(r.opts, func(zk.State) { r.s.poke() }); err != nil {
		return err
	}
	r.s.renewed()
	r.store.conn = r.s.conn
	old.Close()
	return nil
}

// follow reads the state into the model and watches <root>/apps, whose
// data every commit of the primary changes.
func (r *Replica) follow() (<-chan zk.Event, error) {
	apps := path.Join(r.opts.Root(), appsDir)
	ok, before, w, err := r.s.existsW(apps)
	if err != nil {
		return nil, err
	}
	if !ok {
		return w, nil // no primary has written yet: the last state stays
	}
	held, err := readID(r.s.conn, r.opts.Root())
	if err != nil {
		return nil, err
	}
	mine, err := r.opts.Identity.Load()
	if err != nil {
		return nil, err
	}
	switch {
	case held != "" && mine != "" && held != mine && !r.opts.Identity.NewCluster:
		// Another cluster's state: keep serving the last one of ours.
		r.say(fmt.Sprintf("ZooKeeper's %s belongs to cluster %s, not this node's %s: not following it (-new-cluster joins it)", r.opts.Root(), held, mine))
		return w, nil
	case held != "" && held != mine:
		if err := r.opts.Identity.save(held); err != nil {
			return nil, err
		}
	}
	// The snapshot is one read of the whole state.
	if st, ok, err := r.store.loadSnapshot(r.seed); err != nil || ok {
		if ok {
			r.model.Replace(st)
		}
		return w, err
	}
	// Without one, a read of many znodes may straddle a commit, which bumps
	// the data version of apps: keep only a read the version did not move
	// under.
	for try := 0; try < 20; try++ {
		st, _, err := r.store.load(r.seed)
		if err != nil {
			return nil, err
		}
		_, after, err := r.s.conn.Exists(apps)
		if err != nil {
			return nil, err
		}
		if after.Version == before.Version {
			r.model.Replace(st)
			return w, nil
		}
		before = after
	}
	return nil, fmt.Errorf("%s changed under every read", apps)
}
