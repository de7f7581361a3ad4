// Package cluster is the model behind the reference servers: tables with
// partitions, replicas, ballots and primaries; nodes alive and not; table
// envs; duplications; bulk load; backup policies and manual compaction.
// It is loaded from a YAML state file, or from the embedded default state,
// and is shared by every MetaServer and ReplicaServer of one onebox, so
// that a change made through one server is seen through all of them.
package cluster

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// State is the YAML state file.
type State struct {
	// Cluster is [replication] cluster_name, the /metrics "cluster".
	Cluster        string `yaml:"cluster"`
	ZookeeperHosts string `yaml:"zookeeper_hosts"`
	ZookeeperRoot  string `yaml:"zookeeper_root"`
	// FunctionLevel is the meta function level: stopped, blind, freezed, steady or lively.
	FunctionLevel string `yaml:"function_level"`
	// Metas are the MetaServers' host:port, in configuration order.
	Metas []string `yaml:"metas"`
	// Primary is the primary MetaServer; empty means the first of Metas.
	Primary string `yaml:"primary"`
	// Nodes are the ReplicaServers.
	Nodes []Node `yaml:"nodes"`
	// Tables in any order; ids must be unique.
	Tables []*Table `yaml:"tables"`
	// BackupPolicies are cold-backup policies (served only when
	// [meta_server] cold_backup_disabled is false).
	BackupPolicies []*BackupPolicy `yaml:"backup_policies"`
	// Config overrides config flags at start, by flag name.
	Config map[string]string `yaml:"config"`
}

// Node is one ReplicaServer.
type Node struct {
	Address string `yaml:"address"`
	Alive   bool   `yaml:"alive"`
}

// Table is one app.
type Table struct {
	ID   int32  `yaml:"id"`
	Name string `yaml:"name"`
	// Status is AVAILABLE (default), CREATING, DROPPING, DROPPED or RECALLING.
	Status          string            `yaml:"status"`
	Type            string            `yaml:"type"`
	Stateful        *bool             `yaml:"stateful"`
	MaxReplicaCount int               `yaml:"max_replica_count"`
	CreateSecond    int64             `yaml:"create_second"`
	Envs            map[string]string `yaml:"envs"`
	Partitions      []*Partition      `yaml:"partitions"`
	Duplications    []*Duplication    `yaml:"duplications"`
	// BulkLoad is the bulk load status without its BLS_ prefix: INVALID (none), DOWNLOADING, …
	BulkLoad string `yaml:"bulk_load"`

	// BulkLoadStarted is when a bulk load was started through the API; it
	// then moves on with time (see BulkLoadNow).
	BulkLoadStarted time.Time `yaml:"-"`
	// CompactionStarted is when a once-compaction was started through the
	// API; the replicas' compaction status moves on with time.
	CompactionStarted time.Time `yaml:"-"`
}

// Partition is one partition's configuration and the replicas' progress.
type Partition struct {
	Ballot      int64    `yaml:"ballot"`
	Primary     string   `yaml:"primary"`
	Secondaries []string `yaml:"secondaries"`
	// LastCommitted is the last committed decree on the primary.
	LastCommitted int64 `yaml:"last_committed"`
	// DataVersion is the replicas' data version.
	DataVersion uint32 `yaml:"data_version"`
	// Compaction is the manual compaction status of its replicas: idle,
	// queuing, running or finished.
	Compaction string `yaml:"compaction"`
}

// Duplication is one duplication of a table to a remote cluster.
type Duplication struct {
	ID                 int32  `yaml:"id"`
	Remote             string `yaml:"remote"`
	RemoteAppName      string `yaml:"remote_app_name"`
	RemoteReplicaCount int32  `yaml:"remote_replica_count"`
	// Status is DS_INIT, DS_PREPARE, DS_APP, DS_LOG, DS_PAUSE or DS_REMOVED.
	Status string `yaml:"status"`
	// FailMode is FAIL_SLOW, FAIL_SKIP or FAIL_FAST.
	FailMode string `yaml:"fail_mode"`
	// CreateMillis is the creation time in ms since the epoch.
	CreateMillis int64 `yaml:"create_ms"`
	// Confirmed is the confirmed decree per partition index; a partition
	// missing here has not started duplicating.
	Confirmed map[int]int64 `yaml:"confirmed"`
	// Duplicated is the last decree shipped per partition (replica side).
	Duplicated map[int]int64 `yaml:"duplicated"`
}

// BackupPolicy is a cold-backup policy.
type BackupPolicy struct {
	Name            string  `yaml:"name"`
	ProviderType    string  `yaml:"provider_type"`
	IntervalSeconds int64   `yaml:"interval_seconds"`
	AppIDs          []int32 `yaml:"app_ids"`
	StartTime       string  `yaml:"start_time"`
	Enabled         bool    `yaml:"enabled"`
	HistoryCount    int64   `yaml:"history_count"`
}

//go:embed default_state.yaml
var defaultState []byte

// DefaultState is the embedded onebox state: 2 MetaServers, 3
// ReplicaServers, a few tables, one with a duplication, one not fully
// healthy.
func DefaultState() *State {
	s, err := ParseState("default_state.yaml", defaultState)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return s
}

// LoadState reads a state file.
func LoadState(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseState(path, data)
}

// ParseState decodes and checks a state, refusing unknown keys so that a
// misspelt setting is an error rather than silently ignored.
func ParseState(name string, data []byte) (*State, error) {
	var s State
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := s.normalize(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &s, nil
}

// normalize fills defaults and checks references.
func (s *State) normalize() error {
	if len(s.Metas) == 0 {
		return fmt.Errorf("metas: at least one MetaServer")
	}
	if s.Primary == "" {
		s.Primary = s.Metas[0]
	}
	if !contains(s.Metas, s.Primary) {
		return fmt.Errorf("primary %q is not one of the metas %v", s.Primary, s.Metas)
	}
	for i, t := range s.Tables {
		if t == nil {
			return fmt.Errorf("tables[%d] is empty", i)
		}
		for j, p := range t.Partitions {
			if p == nil {
				return fmt.Errorf("table %q: partitions[%d] is empty", t.Name, j)
			}
		}
		for j, d := range t.Duplications {
			if d == nil {
				return fmt.Errorf("table %q: duplications[%d] is empty", t.Name, j)
			}
		}
	}
	for i, b := range s.BackupPolicies {
		if b == nil {
			return fmt.Errorf("backup_policies[%d] is empty", i)
		}
	}
	if s.FunctionLevel == "" {
		s.FunctionLevel = "steady"
	}
	nodes := map[string]bool{}
	for _, n := range s.Nodes {
		nodes[n.Address] = true
	}
	ids, names := map[int32]bool{}, map[string]bool{}
	for _, t := range s.Tables {
		if ids[t.ID] || t.ID <= 0 {
			return fmt.Errorf("table %q: id %d is not positive or not unique", t.Name, t.ID)
		}
		ids[t.ID] = true
		if t.Status == "" {
			t.Status = "AVAILABLE"
		}
		if names[t.Name] && t.Status == "AVAILABLE" {
			return fmt.Errorf("table %q: two available tables with one name", t.Name)
		}
		names[t.Name] = names[t.Name] || t.Status == "AVAILABLE"
		if t.Type == "" {
			t.Type = "pegasus"
		}
		if t.Stateful == nil {
			yes := true
			t.Stateful = &yes
		}
		if t.MaxReplicaCount == 0 {
			t.MaxReplicaCount = 3
		}
		if t.Envs == nil {
			t.Envs = map[string]string{}
		}
		if t.BulkLoad == "" {
			t.BulkLoad = "INVALID"
		}
		for i, p := range t.Partitions {
			for _, r := range append([]string{p.Primary}, p.Secondaries...) {
				if r != "" && !nodes[r] {
					return fmt.Errorf("table %q partition %d: replica on unknown node %s", t.Name, i, r)
				}
			}
			if p.Compaction == "" {
				p.Compaction = "idle"
			}
		}
		sort.Slice(t.Duplications, func(i, j int) bool { return t.Duplications[i].ID < t.Duplications[j].ID })
	}
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].ID < s.Tables[j].ID })
	for _, d := range s.Metas {
		if !strings.Contains(d, ":") {
			return fmt.Errorf("metas: %q is not host:port", d)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Rename replaces server addresses everywhere in the state (MetaServers,
// the primary, nodes and every replica), so that a onebox listening on
// other ports than its state file names stays consistent: the addresses
// it reports are the ones it can be reached at.
func (s *State) Rename(to map[string]string) {
	re := func(a string) string {
		if b, ok := to[a]; ok {
			return b
		}
		return a
	}
	for i := range s.Metas {
		s.Metas[i] = re(s.Metas[i])
	}
	s.Primary = re(s.Primary)
	for i := range s.Nodes {
		s.Nodes[i].Address = re(s.Nodes[i].Address)
	}
	for _, t := range s.Tables {
		for _, p := range t.Partitions {
			p.Primary = re(p.Primary)
			for i := range p.Secondaries {
				p.Secondaries[i] = re(p.Secondaries[i])
			}
		}
	}
}
