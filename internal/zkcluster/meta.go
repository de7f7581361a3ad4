package zkcluster

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
)

// lockPrefix names the lock nodes, as distributed_lock_service_zookeeper's
// LOCK_NODE_PREFIX; ZooKeeper appends the sequence number.
const lockPrefix = "LOCKNODE"

// Meta is one MetaServer's part in the election and, while it holds the
// lock, the keeper of the meta state. It is the onebox's Elector: Primary
// names the MetaServer that holds the lock and has read the state back.
type Meta struct {
	opts  Options
	self  string
	model *cluster.Model
	seed  *cluster.State
	// takeover is called with the state read back, before this server
	// answers as primary (to apply the kept config flags).
	takeover func(*cluster.State)
	ident    Identity
	log      *log.Logger
	s        *session
	store    *store

	connected atomic.Bool
	// heard is when the last request ZooKeeper answered was sent, in ns
	// since epoch0 on the monotonic clock: the primary's lease (Primary).
	heard   atomic.Int64
	epoch0  time.Time  // heard is measured from here, on the monotonic clock
	storeMu sync.Mutex // one load or commit at a time

	mu       sync.Mutex
	node     string // this server's lock node, "" when it has none
	nodeSID  int64  // the session that owns node
	holder   string // the address in the lowest lock node, "" when unknown
	claiming bool   // the holder is this server and the state is loaded
	said     string // the last leadership line logged
	readBack time.Duration
	refusal  string // why this server refuses to act as primary, "" when it does not

	cancel context.CancelFunc
	done   chan struct{}
}

// MetaConfig is one MetaServer.
type MetaConfig struct {
	// Self is its address, host:port, written into its lock node and
	// named in its backups' 307 Locations.
	Self string
	// Model is the state it serves; while primary, every write to it is
	// committed to ZooKeeper first.
	Model *cluster.Model
	// Seed is the state of a cluster never written (no <root>/apps).
	Seed *cluster.State
	// Takeover sees the state read back, before the server answers as primary.
	Takeover func(*cluster.State)
}

// NewMeta connects; Start joins the election.
func NewMeta(o Options, c MetaConfig) (*Meta, error) {
	m := &Meta{opts: o, self: c.Self, model: c.Model, seed: c.Seed, takeover: c.Takeover, ident: o.Identity,
		log: o.logger(), s: newSession(), done: make(chan struct{}), epoch0: time.Now()}
	if err := m.s.dial(o, m.onState); err != nil {
		return nil, err
	}
	m.store = &store{conn: m.s.conn, root: o.Root()}
	m.model.SetCommit(m.commit)
	return m, nil
}

// Start joins the election and returns at once; the election runs until
// Close.
func (m *Meta) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	go m.heartbeat(ctx)
	go m.run(ctx)
}

// onState follows the session: without one, this server stops claiming
// to be primary at once, before ZooKeeper could have given the lock to
// another.
func (m *Meta) onState(st zk.State) {
	m.connected.Store(st == zk.StateHasSession)
	if st != zk.StateHasSession {
		m.mu.Lock()
		m.claiming = false
		m.mu.Unlock()
	}
	m.s.poke()
}

// Primary is the holder of the lock once it has read the state back; ""
// while that is unknown (no session), the holder is still reading, or
// this server's lease ran out. The lease: ZooKeeper answered a request
// sent at T, so the session lived past T and cannot expire (and the lock
// pass to another) before T plus the session timeout; this server claims
// the lock only until T plus half of it. A process stopped (SIGSTOP, a
// long pause) and resumed thus stops answering as primary at once,
// before its client library has noticed that its session is gone.
func (m *Meta) Primary() string {
	if !m.connected.Load() {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder == m.self && (!m.claiming || !m.leased()) {
		return ""
	}
	return m.holder
}

// leased reports whether ZooKeeper answered a request sent less than half
// a session timeout ago.
func (m *Meta) leased() bool {
	return time.Since(m.epoch0) < time.Duration(m.heard.Load())+m.opts.timeout()/2
}

// heartbeat renews the lease: every sixth of the session timeout, a read
// that ZooKeeper must answer, timed from its sending.
func (m *Meta) heartbeat(ctx context.Context) {
	tick := time.NewTicker(m.opts.timeout() / 6)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		m.storeMu.Lock() // the connection may be renewed
		conn := m.s.conn
		m.storeMu.Unlock()
		sent := time.Since(m.epoch0)
		if _, _, err := conn.Exists(m.opts.Root()); err == nil {
			m.heard.Store(int64(sent))
		}
	}
}

// ReadBack is how long the last takeover took to read the state back.
func (m *Meta) ReadBack() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.readBack
}

// Close leaves the election (a successor takes the lock at once rather
// than after the session timeout) and closes the session.
func (m *Meta) Close() {
	if m.cancel != nil {
		m.cancel()
		<-m.done
	}
	m.mu.Lock()
	node := m.node
	m.claiming, m.holder = false, ""
	m.mu.Unlock()
	if node != "" {
		_ = m.s.conn.Delete(node, -1)
	}
	m.s.conn.Close()
}

// commit is the model's commit hook: only the primary writes, fenced by
// its lock node. A failed commit gives up the claim; the next round reads
// the state back before claiming again.
func (m *Meta) commit(st *cluster.State) error {
	m.mu.Lock()
	node, ok := m.node, m.claiming
	m.mu.Unlock()
	if !ok || !m.connected.Load() {
		return ErrNotPrimary
	}
	m.storeMu.Lock()
	err := m.store.commit(st, node)
	m.storeMu.Unlock()
	if err != nil {
		m.mu.Lock()
		m.claiming = false
		m.mu.Unlock()
		m.s.poke()
	}
	if errors.Is(err, errInFlight) {
		return m.resolve(inFlightToken(err))
	}
	return err
}

// resolve answers for the commit whose answer was lost and whose inFlight
// token is token (its own, never another's): once a session is
// back (within resolveBound), whether <root>/apps holds what it wrote;
// otherwise ErrOutcomeUnknown. Never "failed" for a write that landed.
func (m *Meta) resolve(token []byte) error {
	deadline := time.Now().Add(m.resolveBound())
	for time.Now().Before(deadline) {
		if m.connected.Load() {
			m.storeMu.Lock()
			applied, err := m.store.resolve(token)
			m.storeMu.Unlock()
			switch {
			case errors.Is(err, ErrOutcomeUnknown):
				return err
			case err == nil && applied:
				m.log.Printf("meta %s: a commit whose answer was lost was read back: applied", m.self)
				return nil
			case err == nil:
				m.log.Printf("meta %s: a commit whose answer was lost was read back: not applied", m.self)
				return fmt.Errorf("%w: the commit's answer was lost and it was not applied", ErrNotPrimary)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%w: the connection to ZooKeeper was lost during the commit and not back within %s", ErrOutcomeUnknown, m.resolveBound())
}

// resolveBound is how long a write whose commit's answer was lost waits
// for a session to read it back: long enough for a session to be renewed
// (stuck's bound) and a few seconds more.
func (m *Meta) resolveBound() time.Duration { return 2*m.opts.timeout() + 2*time.Second }

// Unavailable says why this MetaServer cannot name a primary, "" when it
// can: no ZooKeeper session, or a refusal to act as primary.
func (m *Meta) Unavailable() string {
	m.mu.Lock()
	refusal := m.refusal
	m.mu.Unlock()
	switch {
	case refusal != "":
		return refusal
	case !m.connected.Load():
		return "this MetaServer has no ZooKeeper session (ZooKeeper " + strings.Join(m.opts.Servers, ",") + " unreachable or refusing it)"
	case m.Primary() == "":
		return "the election has no primary yet"
	}
	return ""
}

func (m *Meta) run(ctx context.Context) {
	defer close(m.done)
	for ctx.Err() == nil {
		if err := m.round(ctx); err != nil && ctx.Err() == nil {
			m.say(fmt.Sprintf("election: %v; primary unknown", err))
			m.mu.Lock()
			m.claiming, m.holder = false, ""
			m.mu.Unlock()
			if errors.Is(err, ErrIdentity) {
				pause(ctx, time.Second) // until an operator acts
			} else {
				pause(ctx, 200*time.Millisecond)
			}
		}
	}
}

// say logs s when it differs from the last line: one line per change.
func (m *Meta) say(s string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s != m.said {
		m.said = s
		m.log.Printf("meta %s: %s", m.self, s)
	}
}

// sayAfterFirst says s unless nothing was said yet: a node starting has
// no session for a moment, which is no change of leadership.
func (m *Meta) sayAfterFirst(s string) {
	m.mu.Lock()
	first := m.said == ""
	m.mu.Unlock()
	if !first {
		m.say(s)
	}
}

// round makes sure this server has a lock node, finds the holder and
// waits for what can change it: its predecessor's node for a backup; its
// own node, the lock directory and the ReplicaServers for the primary.
func (m *Meta) round(ctx context.Context) error {
	if !m.connected.Load() {
		m.sayAfterFirst("no ZooKeeper session; primary unknown")
		if m.s.stuck(m.opts.timeout()) {
			return m.renew()
		}
		m.s.waitUpTo(ctx, m.opts.timeout()/4)
		return nil
	}
	mine, err := m.ensureLockNode()
	if err != nil {
		return err
	}
	kids, err := m.lockNodes(mine)
	if err != nil {
		return err
	}
	i := sort.SearchStrings(kids, mine)
	if i == len(kids) || kids[i] != mine {
		return nil // our node went with the session: make another
	}
	if i > 0 {
		return m.follow(ctx, kids[0], kids[i-1])
	}
	return m.lead(ctx, mine, kids)
}

// renew replaces a connection that ZooKeeper keeps refusing with a new
// session (its lock node, if any, expires with the old one).
func (m *Meta) renew() error {
	m.say("ZooKeeper refuses this session (did it lose its data?): starting a new one")
	old := m.s.conn
	m.storeMu.Lock()
	err := m.s.dial(m.opts, m.onState)
	if err == nil {
		m.s.renewed()
		m.store.conn, m.store.last = m.s.conn, nil
	}
	m.storeMu.Unlock()
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.node, m.claiming = "", false
	m.mu.Unlock()
	old.Close()
	return nil
}

// ensureLockNode creates this server's ephemeral sequential lock node
// unless it still has one, and returns its name.
func (m *Meta) ensureLockNode() (string, error) {
	m.mu.Lock()
	node := m.node
	m.mu.Unlock()
	if node != "" {
		ok, st, err := m.s.conn.Exists(node)
		if err != nil {
			return "", err
		}
		if ok && st.EphemeralOwner == m.s.conn.SessionID() {
			m.mu.Lock()
			m.nodeSID = st.EphemeralOwner
			m.mu.Unlock()
			return path.Base(node), nil
		}
	}
	if err := ensure(m.s.conn, m.opts.LockDir()); err != nil {
		return "", err
	}
	node, err := m.s.conn.Create(m.opts.LockDir()+"/"+lockPrefix, []byte(m.self), zk.FlagEphemeral|zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil {
		return "", fmt.Errorf("create lock node: %w", err)
	}
	sid := m.s.conn.SessionID()
	m.mu.Lock()
	m.node, m.nodeSID, m.claiming = node, sid, false
	m.mu.Unlock()
	return path.Base(node), nil
}

// lockNodes lists the lock nodes in sequence order, first removing any
// other node of this session (a create whose answer was lost), as
// lock_struct's remove_duplicated_locknode does.
func (m *Meta) lockNodes(mine string) ([]string, error) {
	// Watched from this read on (lead waits on the same watch), so a
	// MetaServer joining after it is not missed until the next change.
	kids, _, err := m.s.childrenW(m.opts.LockDir())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range kids {
		if !strings.HasPrefix(k, lockPrefix) {
			continue
		}
		if k != mine {
			if ok, st, err := m.s.conn.Exists(m.opts.LockDir() + "/" + k); err == nil && ok && st.EphemeralOwner == m.s.conn.SessionID() {
				_ = m.s.conn.Delete(m.opts.LockDir()+"/"+k, -1)
				continue
			}
		}
		out = append(out, k)
	}
	sort.Strings(out) // one prefix, ten-digit sequence numbers
	return out, nil
}

// follow is a backup's round: the holder is the lowest node; wait for the
// predecessor to go (then this server may be the lowest) or the lowest
// to go (then the holder changes).
func (m *Meta) follow(ctx context.Context, lowest, pred string) error {
	dir := m.opts.LockDir() + "/"
	holder, hw, err := m.s.getW(dir + lowest)
	if errors.Is(err, zk.ErrNoNode) {
		return nil
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.holder, m.claiming, m.refusal = string(holder), false, ""
	m.mu.Unlock()
	m.say(fmt.Sprintf("backup; the primary is %s", holder))
	var pw <-chan zk.Event
	if pred != lowest {
		ok, _, w, err := m.s.existsW(dir + pred)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		pw = w
	}
	m.s.wait(ctx, hw, pw)
	return nil
}

// lead is the holder's round: read the state back if this server has not
// yet, then keep the MetaServer list and the alive ReplicaServers in the
// model, and wait for a change of either or of its own lock node.
func (m *Meta) lead(ctx context.Context, mine string, kids []string) error {
	m.mu.Lock()
	m.holder = m.self
	claiming := m.claiming
	m.mu.Unlock()
	metas, err := m.members(kids)
	if err != nil {
		return err
	}
	alive, rw, err := m.aliveReplicas()
	if err != nil {
		return err
	}
	view := func(s *cluster.State) { m.setView(s, metas, alive) }
	if !claiming {
		err = m.takeOver(view)
	} else {
		err = m.model.Write(view)
	}
	if err != nil {
		return err
	}
	_, lw, err := m.s.childrenW(m.opts.LockDir())
	if err != nil {
		return err
	}
	ok, _, ow, err := m.s.existsW(m.opts.LockDir() + "/" + mine)
	if err != nil || !ok {
		return err
	}
	m.s.wait(ctx, lw, ow, rw)
	return nil
}

// takeOver reads the state back (seeding a cluster never written), sets
// the view of the election and registrations, hands the state to the
// server and starts claiming.
func (m *Meta) takeOver(view func(*cluster.State)) error {
	m.mu.Lock()
	node := m.node
	m.mu.Unlock()
	m.storeMu.Lock()
	start := time.Now()
	st, fresh, err := m.store.load(m.seed)
	took := time.Since(start)
	id := ""
	if err == nil {
		id, err = m.checkIdentity(fresh)
	}
	if err == nil {
		st.Cluster, st.ZookeeperHosts, st.ZookeeperRoot = m.opts.Cluster, strings.Join(m.opts.Servers, ","), m.opts.Root()
		view(st)
		// Seeding writes the whole state; otherwise only ReplicaServers
		// registered since the last primary are new.
		err = m.store.commit(st, node)
	}
	m.storeMu.Unlock()
	if errors.Is(err, ErrIdentity) {
		return err
	}
	if err == nil {
		err = m.ident.save(id)
	}
	if err != nil {
		return fmt.Errorf("read the state back: %w", err)
	}
	if m.takeover != nil {
		m.takeover(st)
	}
	m.model.Replace(st)
	m.mu.Lock()
	// Claim only in the session that owns the lock node: a session lost
	// and another made during the read-back has no lock, whatever
	// connected says now.
	m.claiming, m.readBack = m.connected.Load() && m.s.conn.SessionID() == m.nodeSID, took
	m.mu.Unlock()
	what := fmt.Sprintf("state read back in %s", took.Round(10*time.Microsecond))
	if fresh {
		what = "a new cluster " + id + ", seeded"
	}
	m.say(fmt.Sprintf("primary (%s)", what))
	return nil
}

// checkIdentity compares the coordinator's cluster id with the one this
// node remembers: the id to keep (the store creates it with the next commit
// when new), or ErrIdentity, which this server then says (log and answers)
// until the coordinator and the node agree again.
func (m *Meta) checkIdentity(fresh bool) (string, error) {
	held, err := readID(m.store.conn, m.opts.Root())
	if err != nil {
		return "", err
	}
	create, err := m.ident.decide(m.opts.Root(), held, fresh)
	m.mu.Lock()
	m.refusal = ""
	if err != nil {
		m.refusal = err.Error()
	}
	m.mu.Unlock()
	if err != nil {
		return "", err
	}
	m.store.newID = create
	if create != "" {
		return create, nil
	}
	return held, nil
}

// members are the MetaServers in the election, in host:port order.
func (m *Meta) members(kids []string) ([]string, error) {
	var out []string
	for _, k := range kids {
		b, _, err := m.s.conn.Get(m.opts.LockDir() + "/" + k)
		if errors.Is(err, zk.ErrNoNode) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	cluster.SortHostPorts(out)
	return out, nil
}

// aliveReplicas lists the registered ReplicaServers and watches the list.
func (m *Meta) aliveReplicas() (map[string]bool, <-chan zk.Event, error) {
	dir := path.Join(m.opts.Root(), replicasDir)
	if err := ensure(m.s.conn, dir); err != nil {
		return nil, nil, err
	}
	kids, w, err := m.s.childrenW(dir)
	if err != nil {
		return nil, nil, err
	}
	alive := map[string]bool{}
	for _, k := range kids {
		alive[k] = true
	}
	return alive, w, nil
}

// setView puts the election and the registrations into the state: the
// MetaServers, this primary, each node alive or not, and any registered
// ReplicaServer the state did not know yet (which the commit then keeps).
func (m *Meta) setView(s *cluster.State, metas []string, alive map[string]bool) {
	s.Metas, s.Primary = metas, m.self
	known := map[string]bool{}
	for i := range s.Nodes {
		known[s.Nodes[i].Address] = true
		s.Nodes[i].Alive = alive[s.Nodes[i].Address]
	}
	var added []string
	for a := range alive {
		if !known[a] {
			added = append(added, a)
		}
	}
	cluster.SortHostPorts(added)
	for _, a := range added {
		s.Nodes = append(s.Nodes, cluster.Node{Address: a, Alive: true})
	}
}
