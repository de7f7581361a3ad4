package cluster

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Model is a State shared by the servers of one cluster, safe for
// concurrent use: readers take a snapshot view under the read lock, the
// POST endpoints change it under the write lock.
type Model struct {
	// wmu serialises the writers (and Replace) of a model with a commit
	// hook, so that the commit, a network round trip, runs outside mu and
	// readers never wait for it.
	wmu    sync.Mutex
	mu     sync.RWMutex
	s      *State
	clock  func() time.Time
	commit func(*State) error
}

// NewModel wraps s; clock is the time source (nil: time.Now), so tests
// can fix "now" for the envs that record it.
func NewModel(s *State, clock func() time.Time) *Model {
	if clock == nil {
		clock = time.Now
	}
	return &Model{s: s, clock: clock}
}

// Now is the model's current time.
func (m *Model) Now() time.Time { return m.clock() }

// Read runs f with the state under the read lock; f must not keep it.
func (m *Model) Read(f func(s *State)) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	f(m.s)
}

// Write runs f with the state under the write lock. With a commit hook
// (SetCommit), f changes a copy, which is committed before anyone sees it
// and installed only when the commit succeeds (its error is returned
// otherwise), so that a MetaServer that lost its lock never answers as if
// it had written. Writers are serialised; readers keep reading the last
// committed state while a commit is under way.
func (m *Model) Write(f func(s *State)) error {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.RLock()
	commit := m.commit
	if commit == nil {
		m.mu.RUnlock()
		m.mu.Lock()
		defer m.mu.Unlock()
		f(m.s)
		return nil
	}
	next := m.s.Clone()
	m.mu.RUnlock()
	f(next)
	if err := commit(next); err != nil {
		return err
	}
	m.mu.Lock()
	m.s = next
	m.mu.Unlock()
	return nil
}

// SetCommit makes every Write commit its result with c (nil: none), as a
// MetaServer keeping its state in ZooKeeper does.
func (m *Model) SetCommit(c func(*State) error) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.commit = c
}

// Replace swaps the whole state, without committing: a MetaServer taking
// over reads its state back, a ReplicaServer follows the primary's.
func (m *Model) Replace(s *State) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.s = s
}

// Clone is a deep copy of s: every exported field, those not in the YAML
// file (the start times of bulk loads and compactions) included.
func (s *State) Clone() *State {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a State has only plain data
	}
	var c State
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return &c
}

// Available reports whether a table is listed by /meta/apps and found by
// the app queries: only AVAILABLE tables are.
func (t *Table) Available() bool { return t.Status == "AVAILABLE" }

// TableByName is the available table of that name, or the first with that
// name in another status (for the busy answers), or nil.
func (s *State) TableByName(name string) *Table {
	var other *Table
	for _, t := range s.Tables {
		if t.Name != name {
			continue
		}
		if t.Available() {
			return t
		}
		if other == nil {
			other = t
		}
	}
	return other
}

// TableByID is the table with that id, or nil.
func (s *State) TableByID(id int32) *Table {
	for _, t := range s.Tables {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Hosts reports whether the partition has a replica, primary or
// secondary, on the node at addr.
func (p *Partition) Hosts(addr string) bool {
	if p.Primary == addr {
		return true
	}
	for _, s := range p.Secondaries {
		if s == addr {
			return true
		}
	}
	return false
}

// ReplicaCount is how many replicas a partition has: its primary, if any,
// and its secondaries.
func (p *Partition) ReplicaCount() int {
	n := len(p.Secondaries)
	if p.Primary != "" {
		n++
	}
	return n
}

// Health counts a table's partitions the way the MetaServer does
// (replication_common.cpp add_app_info, meta_http_service list_app):
// fully healthy has a primary and all replicas; write-unhealthy has no
// primary or fewer than two replicas; read-unhealthy has no primary.
type Health struct {
	FullyHealthy, Unhealthy, WriteUnhealthy, ReadUnhealthy int
}

// Health of t.
func (t *Table) Health() Health {
	var h Health
	for _, p := range t.Partitions {
		n := p.ReplicaCount()
		switch {
		case p.Primary == "":
			h.WriteUnhealthy++
			h.ReadUnhealthy++
		case n >= t.MaxReplicaCount:
			h.FullyHealthy++
		case n < 2:
			h.WriteUnhealthy++
		}
	}
	h.Unhealthy = len(t.Partitions) - h.FullyHealthy
	return h
}

// bulkLoadPhases is how a bulk load started through the API moves on.
var bulkLoadPhases = []struct {
	after  time.Duration
	status string
}{{0, "DOWNLOADING"}, {2 * time.Second, "DOWNLOADED"}, {4 * time.Second, "INGESTING"}, {6 * time.Second, "SUCCEED"}}

// BulkLoadNow is the table's bulk load status (without BLS_) at now.
func (t *Table) BulkLoadNow(now time.Time) string {
	if t.BulkLoadStarted.IsZero() {
		return t.BulkLoad
	}
	status := t.BulkLoad
	for _, p := range bulkLoadPhases {
		if now.Sub(t.BulkLoadStarted) >= p.after {
			status = p.status
		}
	}
	return status
}

// CompactionNow is a partition's manual compaction status at now: after a
// once-compaction was started through the API, queuing, then running,
// then finished.
func (t *Table) CompactionNow(p *Partition, now time.Time) string {
	if t.CompactionStarted.IsZero() {
		return p.Compaction
	}
	switch d := now.Sub(t.CompactionStarted); {
	case d < time.Second:
		return "queuing"
	case d < 3*time.Second:
		return "running"
	}
	return "finished"
}

// CompareHostPort orders addresses as rpc_host_port's operator< does: by
// host string, then numerically by port.
func CompareHostPort(a, b string) int {
	ha, pa := splitHostPort(a)
	hb, pb := splitHostPort(b)
	if ha != hb {
		return strings.Compare(ha, hb)
	}
	switch {
	case pa < pb:
		return -1
	case pa > pb:
		return 1
	}
	return 0
}

func splitHostPort(s string) (string, int) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	p, _ := strconv.Atoi(s[i+1:])
	return s[:i], p
}

// SortHostPorts sorts addresses in host_port order.
func SortHostPorts(addrs []string) {
	sort.Slice(addrs, func(i, j int) bool { return CompareHostPort(addrs[i], addrs[j]) < 0 })
}

// BalanceScores are the standard deviations of primary and of all replica
// counts over the alive nodes, as server_state::get_cluster_balance_score
// computes them from the available tables.
func (s *State) BalanceScores() (primary, total float64) {
	prim, all := map[string]float64{}, map[string]float64{}
	var alive []string
	for _, n := range s.Nodes {
		if n.Alive {
			alive = append(alive, n.Address)
			prim[n.Address], all[n.Address] = 0, 0
		}
	}
	for _, t := range s.Tables {
		if !t.Available() {
			continue
		}
		for _, p := range t.Partitions {
			if _, ok := prim[p.Primary]; ok {
				prim[p.Primary]++
				all[p.Primary]++
			}
			for _, sec := range p.Secondaries {
				if _, ok := all[sec]; ok {
					all[sec]++
				}
			}
		}
	}
	return stddev(prim, alive), stddev(all, alive)
}

// stddev is the population standard deviation of the counts of nodes.
func stddev(counts map[string]float64, nodes []string) float64 {
	if len(nodes) <= 1 {
		return 0
	}
	var sum float64
	for _, n := range nodes {
		sum += counts[n]
	}
	mean := sum / float64(len(nodes))
	var sq float64
	for _, n := range nodes {
		d := counts[n] - mean
		sq += d * d
	}
	return math.Sqrt(sq / float64(len(nodes)))
}
