package zkcluster

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
)

// The meta state under the cluster root, as the real MetaServer lays it
// out (meta_service.cpp, server_state.cpp, meta_duplication_service.h):
//
//	<root>/apps                        the generation of the last commit
//	<root>/apps/<app_id>               the table: name, status, envs, …
//	<root>/apps/<app_id>/<pidx>        one partition's configuration
//	<root>/apps/<app_id>/duplication/<dupid>
//	<root>/bulk_load/<app_id>          a table's bulk load status
//	<root>/backup/<policy_name>        a cold-backup policy
//	<root>/meta_config                 function level and flags set by /updateConfig (ours)
//	<root>/replica_servers             the known ReplicaServers (ours); its
//	                                   ephemeral children are the alive ones
const (
	appsDir     = "apps"
	bulkLoadDir = "bulk_load"
	backupDir   = "backup"
	metaConfig  = "meta_config"
	replicasDir = "replica_servers"
	dupDir      = "duplication"
	// snapshotNode (ours) is the whole state of the last commit in one
	// znode, gzipped JSON of the other znodes' paths and data, which a
	// ReplicaServer reads atomically: a read of many znodes straddles
	// commits, and a follower starved of CPU would read again and again.
	snapshotNode = "state_snapshot"
	// maxSnapshot bounds it well under ZooKeeper's 1 MB znode limit; a
	// larger state has none, and followers read the znodes one by one.
	maxSnapshot = 512 << 10
)

// appNode is a table's znode.
type appNode struct {
	Name            string            `json:"app_name"`
	Status          string            `json:"status"`
	Type            string            `json:"app_type"`
	Stateful        bool              `json:"is_stateful"`
	MaxReplicaCount int               `json:"max_replica_count"`
	PartitionCount  int               `json:"partition_count"`
	CreateSecond    int64             `json:"create_second"`
	Envs            map[string]string `json:"envs"`
	// CompactionMillis is when a once-compaction was started through the
	// API (0: none), which the replicas' compaction status follows.
	CompactionMillis int64 `json:"compaction_started_ms,omitempty"`
}

// bulkLoadNode is a table's bulk load.
type bulkLoadNode struct {
	Status        string `json:"status"`
	StartedMillis int64  `json:"started_ms,omitempty"`
}

// metaConfigNode is what a MetaServer keeps besides tables.
type metaConfigNode struct {
	FunctionLevel string            `json:"function_level"`
	Config        map[string]string `json:"config"`
}

// millis is t in ms since the epoch, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data only
	}
	return b
}

// encode is the znodes that hold st, by path, without the generation.
func encode(root string, st *cluster.State) map[string][]byte {
	out := map[string][]byte{}
	apps, bl, bk := path.Join(root, appsDir), path.Join(root, bulkLoadDir), path.Join(root, backupDir)
	out[bl], out[bk] = nil, nil
	for _, t := range st.Tables {
		ap := path.Join(apps, strconv.Itoa(int(t.ID)))
		out[ap] = mustJSON(appNode{Name: t.Name, Status: t.Status, Type: t.Type, Stateful: t.Stateful == nil || *t.Stateful,
			MaxReplicaCount: t.MaxReplicaCount, PartitionCount: len(t.Partitions), CreateSecond: t.CreateSecond,
			Envs: t.Envs, CompactionMillis: millis(t.CompactionStarted)})
		for i, p := range t.Partitions {
			out[path.Join(ap, strconv.Itoa(i))] = mustJSON(p)
		}
		if len(t.Duplications) > 0 {
			out[path.Join(ap, dupDir)] = nil
			for _, d := range t.Duplications {
				out[path.Join(ap, dupDir, strconv.Itoa(int(d.ID)))] = mustJSON(d)
			}
		}
		if t.BulkLoad != "INVALID" || !t.BulkLoadStarted.IsZero() {
			out[path.Join(bl, strconv.Itoa(int(t.ID)))] = mustJSON(bulkLoadNode{Status: t.BulkLoad, StartedMillis: millis(t.BulkLoadStarted)})
		}
	}
	for _, b := range st.BackupPolicies {
		out[path.Join(bk, b.Name)] = mustJSON(b)
	}
	out[path.Join(root, metaConfig)] = mustJSON(metaConfigNode{FunctionLevel: st.FunctionLevel, Config: st.Config})
	var nodes []string
	for _, n := range st.Nodes {
		nodes = append(nodes, n.Address)
	}
	cluster.SortHostPorts(nodes)
	out[path.Join(root, replicasDir)] = mustJSON(nodes)
	return out
}

// diff is the operations that turn old into new: deletions deepest
// first, then creations and changes parents first.
func diff(old, new map[string][]byte) []any {
	var del, put []string
	for p := range old {
		if _, ok := new[p]; !ok {
			del = append(del, p)
		}
	}
	for p, b := range new {
		if o, ok := old[p]; !ok || !bytes.Equal(o, b) {
			put = append(put, p)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(del)))
	sort.Strings(put)
	var ops []any
	for _, p := range del {
		ops = append(ops, &zk.DeleteRequest{Path: p, Version: -1})
	}
	for _, p := range put {
		if _, ok := old[p]; ok {
			ops = append(ops, &zk.SetDataRequest{Path: p, Data: new[p], Version: -1})
		} else {
			ops = append(ops, &zk.CreateRequest{Path: p, Data: new[p], Acl: zk.WorldACL(zk.PermAll)})
		}
	}
	return ops
}

// ErrNotPrimary is a write refused because this MetaServer does not hold
// the lock, or found on writing that it no longer does: the change was
// not applied.
var ErrNotPrimary = errors.New("rejected: this MetaServer does not hold the lock: the change is not kept")

// ErrOutcomeUnknown is a commit whose answer was lost with the connection
// and that could not be read back in time: the change may or may not be
// kept. The HTTP answer says so (500 "outcome unknown: …"), never "failed".
var ErrOutcomeUnknown = errors.New("outcome unknown")

// errInFlight is a commit sent whose answer was lost: store.resolve tells
// whether it was applied. commit returns it as an *inFlight.
var errInFlight = errors.New("the connection was lost during the commit")

// inFlight is errInFlight for one commit: token is the data of <root>/apps
// that commit wrote, which store.resolve reads back. Each commit carries its
// own, so that a caller never answers for another commit lost after it.
type inFlight struct{ token []byte }

func (e *inFlight) Error() string        { return errInFlight.Error() }
func (e *inFlight) Is(target error) bool { return target == errInFlight }

// inFlightToken is the token of a commit whose answer was lost, nil for
// any other error.
func inFlightToken(err error) []byte {
	var e *inFlight
	if errors.As(err, &e) {
		return e.token
	}
	return nil
}

// store reads and writes one cluster's meta state.
type store struct {
	conn *zk.Conn
	root string
	// last is what ZooKeeper holds of the state's znodes, as of the last
	// load or commit; nil forces a reload before any commit.
	last map[string][]byte
	gen  int64
	// written says <root>/apps exists: a cluster seeded before.
	written bool
	// newID, when set, is the cluster id the next commit creates.
	newID string
	// genText is <root>/apps' data as of the last load or commit.
	genText []byte
	// snapshot says <root>/state_snapshot exists.
	snapshot bool
}

// snapshotOf is the snapshot of the znodes next and <root>/apps' data
// genText, nil when it would exceed maxSnapshot.
func snapshotOf(root string, next map[string][]byte, genText []byte) []byte {
	m := make(map[string][]byte, len(next)+1)
	for p, b := range next {
		m[strings.TrimPrefix(p, root)] = b
	}
	m["/"+appsDir] = genText
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(m); err != nil || zw.Close() != nil || buf.Len() > maxSnapshot {
		return nil
	}
	return buf.Bytes()
}

// snapshotOps writes the snapshot of a commit, or removes a stale one
// when the state outgrew it.
func (s *store) snapshotOps(next map[string][]byte, genText []byte) (ops []any, there bool) {
	p := path.Join(s.root, snapshotNode)
	snap := snapshotOf(s.root, next, genText)
	switch {
	case snap == nil && s.snapshot:
		return []any{&zk.DeleteRequest{Path: p, Version: -1}}, false
	case snap == nil:
		return nil, false
	case s.snapshot:
		return []any{&zk.SetDataRequest{Path: p, Data: snap, Version: -1}}, true
	}
	return []any{&zk.CreateRequest{Path: p, Data: snap, Acl: zk.WorldACL(zk.PermAll)}}, true
}

// loadSnapshot reads the state from the snapshot, in one read; ok is false
// when there is none (a state too large, or written before snapshots).
func (s *store) loadSnapshot(seed *cluster.State) (st *cluster.State, ok bool, err error) {
	b, _, err := s.conn.Get(path.Join(s.root, snapshotNode))
	if errors.Is(err, zk.ErrNoNode) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %v", snapshotNode, err)
	}
	var m map[string][]byte
	if err := json.NewDecoder(zr).Decode(&m); err != nil {
		return nil, false, fmt.Errorf("%s: %v", snapshotNode, err)
	}
	src := &prefetched{data: map[string]answer{}, kids: map[string]answer{}}
	for p, b := range m {
		full := s.root + p
		src.data[full] = answer{b: b}
		dir := path.Dir(full)
		k := src.kids[dir]
		k.kids = append(k.kids, path.Base(full))
		src.kids[dir] = k
	}
	st, _, err = s.loadFrom(seed, src, true)
	return st, err == nil, err
}

// nonceHistory is how many commits' nonces <root>/apps keeps.
const nonceHistory = 64

// genData is <root>/apps' data for generation gen after prev: the number,
// then this commit's nonce, then the nonces of the commits before it, up
// to nonceHistory in all, so that a commit whose answer was lost is
// recognised even after later commits (a takeover's, another primary's)
// that read it back.
func genData(gen int64, prev []byte) []byte {
	f := []string{strconv.FormatInt(gen, 10), newID()[:16]}
	if old := strings.Fields(string(prev)); len(old) > 1 {
		f = append(f, old[1:min(len(old), nonceHistory)]...)
	}
	return []byte(strings.Join(f, " "))
}

// parseGen is the generation in <root>/apps' data (older data is the bare
// number).
func parseGen(b []byte) int64 {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(f[0], 10, 64)
	return n
}

// commit writes st's changes in one multi-op whose first operation checks
// that lockNode, this MetaServer's ephemeral lock node, still exists at
// version 0: a MetaServer whose session expired (and whose successor may
// already write) fails the whole operation instead of overwriting.
func (s *store) commit(st *cluster.State, lockNode string) error {
	if lockNode == "" || s.last == nil {
		return ErrNotPrimary
	}
	next := encode(s.root, st)
	ops := diff(s.last, next)
	if len(ops) == 0 {
		return nil
	}
	gen := s.gen + 1
	apps, genText := path.Join(s.root, appsDir), genData(gen, s.genText)
	if s.written {
		ops = append(ops, &zk.SetDataRequest{Path: apps, Data: genText, Version: -1})
	} else {
		ops = append([]any{&zk.CreateRequest{Path: apps, Data: genText, Acl: zk.WorldACL(zk.PermAll)}}, ops...)
	}
	if s.newID != "" {
		ops = append([]any{&zk.CreateRequest{Path: path.Join(s.root, idNode), Data: []byte(s.newID), Acl: zk.WorldACL(zk.PermAll)}}, ops...)
	}
	snapOps, snapshot := s.snapshotOps(next, genText)
	ops = append(ops, snapOps...)
	ops = append([]any{&zk.CheckVersionRequest{Path: lockNode, Version: 0}}, ops...)
	res, err := s.conn.Multi(ops...)
	if err != nil {
		s.last = nil // read back before writing again
		if lost(err) {
			return &inFlight{token: genText}
		}
		if len(res) > 0 && res[0].Error != nil {
			return fmt.Errorf("%w (%v)", ErrNotPrimary, res[0].Error)
		}
		return fmt.Errorf("%w: %v", ErrNotPrimary, err)
	}
	s.last, s.gen, s.written, s.newID, s.genText, s.snapshot = next, gen, true, "", genText, snapshot
	return nil
}

// lost reports an error after which a request sent may have been applied:
// the connection went before its answer came. ZooKeeper's own answers
// (no node, bad version, …) mean a multi-op was not applied at all.
func lost(err error) bool {
	return !isServerError(err)
}

// isServerError reports an error ZooKeeper answered (it is one of the
// library's named errors for a server error code).
func isServerError(err error) bool {
	for _, e := range []error{zk.ErrNoNode, zk.ErrNodeExists, zk.ErrBadVersion, zk.ErrNotEmpty,
		zk.ErrNoChildrenForEphemerals, zk.ErrBadArguments, zk.ErrInvalidACL, zk.ErrAuthFailed, zk.ErrNoAuth, zk.ErrAPIError} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// resolve tells whether the commit whose answer was lost, and whose
// inFlight token is token, was applied, by
// reading <root>/apps back on a live session (sync first, so that the read
// follows every write the server took before): applied when its nonce is
// among the recent commits', not applied when the generation never got
// there or the history covers it without the nonce. Otherwise (more than
// nonceHistory commits since) ErrOutcomeUnknown.
func (s *store) resolve(token []byte) (applied bool, err error) {
	if token == nil {
		return false, nil
	}
	apps := path.Join(s.root, appsDir)
	if _, err := s.conn.Sync(apps); err != nil && !errors.Is(err, zk.ErrNoNode) {
		return false, err
	}
	b, _, err := s.conn.Get(apps)
	if errors.Is(err, zk.ErrNoNode) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	mine := strings.Fields(string(token))
	if len(mine) < 2 {
		return false, nil
	}
	// Empty data records no commit: generation 0, no nonces.
	var seen []string
	if now := strings.Fields(string(b)); len(now) > 1 {
		seen = now[1:]
	}
	for _, n := range seen {
		if n == mine[1] {
			return true, nil
		}
	}
	gen, cur := parseGen([]byte(mine[0])), parseGen(b)
	if gen > cur || gen > cur-int64(len(seen)) {
		return false, nil
	}
	return false, fmt.Errorf("%w: more than %d commits since, the commit's answer cannot be read back", ErrOutcomeUnknown, nonceHistory)
}

// load reads the state back. fresh reports a cluster never written
// (no <root>/apps), whose state is then seed's, not yet written.
func (s *store) load(seed *cluster.State) (st *cluster.State, fresh bool, err error) {
	ok, _, err := s.conn.Exists(path.Join(s.root, snapshotNode))
	if err != nil {
		return nil, false, err
	}
	s.snapshot = ok
	return s.loadFrom(seed, s.prefetch(), false)
}

// loadFrom reads the state from pre, reading what it lacks from
// ZooKeeper unless closed (a snapshot, which has every znode: one it
// lacks does not exist).
func (s *store) loadFrom(seed *cluster.State, pre *prefetched, closed bool) (st *cluster.State, fresh bool, err error) {
	raw := map[string][]byte{}
	if closed {
		pre.closed = true
	}
	get := func(p string) ([]byte, bool, error) {
		b, err := pre.get(s.conn, p)
		if errors.Is(err, zk.ErrNoNode) {
			return nil, false, nil
		}
		if err == nil {
			raw[p] = b
		}
		return b, err == nil, err
	}
	children := func(p string) ([]string, error) {
		c, err := pre.children(s.conn, p)
		if errors.Is(err, zk.ErrNoNode) {
			return nil, nil
		}
		sort.Strings(c)
		return c, err
	}
	// Known paths outside the apps are read first, so that seeding a fresh
	// cluster sets rather than creates the ones a ReplicaServer made.
	for _, p := range []string{bulkLoadDir, backupDir, metaConfig, replicasDir} {
		if _, _, err := get(path.Join(s.root, p)); err != nil {
			return nil, false, err
		}
	}
	genb, ok, err := get(path.Join(s.root, appsDir))
	if err != nil {
		return nil, false, err
	}
	s.written = ok
	if !ok {
		s.last, s.gen = raw, 0
		return seed.Clone(), true, nil
	}
	delete(raw, path.Join(s.root, appsDir)) // the generation is no part of the state
	s.gen, s.genText = parseGen(genb), genb
	st = &cluster.State{}
	if err := s.loadTables(st, get, children); err != nil {
		return nil, false, err
	}
	if err := s.loadRest(st, raw, get, children); err != nil {
		return nil, false, err
	}
	s.last = raw
	return st, false, nil
}

// prefetched is the answers to reads sent all at once, so that a load
// of the paths the last one found takes about one round trip rather than
// one per znode: a follower whose read straddles a commit must read again,
// and a read of many sequential round trips straddled nearly every commit
// at a hundred writes a second.
type prefetched struct {
	data map[string]answer
	kids map[string]answer
	// closed says data and kids are everything: what they lack is no node.
	closed bool
}

// answer is one read's result.
type answer struct {
	b    []byte
	kids []string
	err  error
}

// prefetch reads every znode and listing the last load saw, concurrently
// (the client library pipelines them on its one connection).
func (s *store) prefetch() *prefetched {
	pre := &prefetched{data: map[string]answer{}, kids: map[string]answer{}}
	if s.last == nil {
		return pre
	}
	paths := []string{path.Join(s.root, appsDir)}
	dirs := []string{path.Join(s.root, appsDir), path.Join(s.root, bulkLoadDir), path.Join(s.root, backupDir)}
	for p := range s.last {
		paths = append(paths, p)
		if path.Base(p) == dupDir {
			dirs = append(dirs, p)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _, err := s.conn.Get(p)
			mu.Lock()
			pre.data[p] = answer{b: b, err: err}
			mu.Unlock()
		}()
	}
	for _, p := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kids, _, err := s.conn.Children(p)
			mu.Lock()
			pre.kids[p] = answer{kids: kids, err: err}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return pre
}

// get is the prefetched answer for p, or a read now.
func (pre *prefetched) get(c *zk.Conn, p string) ([]byte, error) {
	if a, ok := pre.data[p]; ok {
		return a.b, a.err
	}
	if pre.closed {
		return nil, zk.ErrNoNode
	}
	b, _, err := c.Get(p)
	return b, err
}

// children is the prefetched listing of p, or a read now.
func (pre *prefetched) children(c *zk.Conn, p string) ([]string, error) {
	if a, ok := pre.kids[p]; ok {
		return append([]string(nil), a.kids...), a.err
	}
	if pre.closed {
		return nil, zk.ErrNoNode
	}
	kids, _, err := c.Children(p)
	return kids, err
}

type getFunc func(p string) ([]byte, bool, error)
type childrenFunc func(p string) ([]string, error)

// loadTables reads <root>/apps: each table, its partitions in index order
// and its duplications.
func (s *store) loadTables(st *cluster.State, get getFunc, children childrenFunc) error {
	apps := path.Join(s.root, appsDir)
	ids, err := children(apps)
	if err != nil {
		return err
	}
	for _, idText := range ids {
		id, err := strconv.Atoi(idText)
		if err != nil {
			continue // not a table of ours
		}
		ap := path.Join(apps, idText)
		b, ok, err := get(ap)
		if err != nil {
			return err
		}
		if !ok {
			// Listed, then gone: a commit is under way. Half a state
			// is never installed; the caller reads again.
			return fmt.Errorf("%s went while it was read", ap)
		}
		var a appNode
		if err := json.Unmarshal(b, &a); err != nil {
			return fmt.Errorf("%s: %v", ap, err)
		}
		stateful := a.Stateful
		t := &cluster.Table{ID: int32(id), Name: a.Name, Status: a.Status, Type: a.Type, Stateful: &stateful,
			MaxReplicaCount: a.MaxReplicaCount, CreateSecond: a.CreateSecond, Envs: a.Envs, BulkLoad: "INVALID",
			CompactionStarted: fromMillis(a.CompactionMillis)}
		if t.Envs == nil {
			t.Envs = map[string]string{}
		}
		for i := 0; i < a.PartitionCount; i++ {
			p := &cluster.Partition{}
			if err := getJSON(get, path.Join(ap, strconv.Itoa(i)), p); err != nil {
				return err
			}
			t.Partitions = append(t.Partitions, p)
		}
		dups, err := children(path.Join(ap, dupDir))
		if err != nil {
			return err
		}
		if dups != nil {
			_, _, _ = get(path.Join(ap, dupDir))
		}
		for _, d := range dups {
			dup := &cluster.Duplication{}
			if err := getJSON(get, path.Join(ap, dupDir, d), dup); err != nil {
				return err
			}
			t.Duplications = append(t.Duplications, dup)
		}
		sort.Slice(t.Duplications, func(i, j int) bool { return t.Duplications[i].ID < t.Duplications[j].ID })
		st.Tables = append(st.Tables, t)
	}
	sort.Slice(st.Tables, func(i, j int) bool { return st.Tables[i].ID < st.Tables[j].ID })
	return nil
}

// getJSON reads the znode at p into v; a missing one is an error.
func getJSON(get getFunc, p string, v any) error {
	b, ok, err := get(p)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s is missing", p)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", p, err)
	}
	return nil
}

// loadRest reads the bulk loads, backup policies, meta config and known
// ReplicaServers (raw already holds the last two).
func (s *store) loadRest(st *cluster.State, raw map[string][]byte, get getFunc, children childrenFunc) error {
	bl, err := children(path.Join(s.root, bulkLoadDir))
	if err != nil {
		return err
	}
	for _, idText := range bl {
		id, err := strconv.Atoi(idText)
		if err != nil {
			continue
		}
		var b bulkLoadNode
		if err := getJSON(get, path.Join(s.root, bulkLoadDir, idText), &b); err != nil {
			return err
		}
		if t := st.TableByID(int32(id)); t != nil {
			t.BulkLoad, t.BulkLoadStarted = b.Status, fromMillis(b.StartedMillis)
		}
	}
	policies, err := children(path.Join(s.root, backupDir))
	if err != nil {
		return err
	}
	for _, name := range policies {
		p := &cluster.BackupPolicy{}
		if err := getJSON(get, path.Join(s.root, backupDir, name), p); err != nil {
			return err
		}
		st.BackupPolicies = append(st.BackupPolicies, p)
	}
	var mc metaConfigNode
	if b, ok := raw[path.Join(s.root, metaConfig)]; ok {
		if err := json.Unmarshal(b, &mc); err != nil {
			return fmt.Errorf("%s: %v", path.Join(s.root, metaConfig), err)
		}
	}
	st.FunctionLevel, st.Config = mc.FunctionLevel, mc.Config
	if st.FunctionLevel == "" {
		st.FunctionLevel = "steady"
	}
	var nodes []string
	if b, ok := raw[path.Join(s.root, replicasDir)]; ok && len(b) > 0 {
		if err := json.Unmarshal(b, &nodes); err != nil {
			return fmt.Errorf("%s: %v", path.Join(s.root, replicasDir), err)
		}
	}
	for _, n := range nodes {
		st.Nodes = append(st.Nodes, cluster.Node{Address: n})
	}
	return nil
}
