package cluster

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultState(t *testing.T) {
	s := DefaultState()
	if len(s.Metas) != 2 || s.Primary != "127.0.0.1:34601" || len(s.Nodes) != 3 || len(s.Tables) != 3 {
		t.Fatalf("default state: %d metas, primary %s, %d nodes, %d tables", len(s.Metas), s.Primary, len(s.Nodes), len(s.Tables))
	}
	if h := s.TableByName("stat").Health(); h.FullyHealthy != 2 || h.Unhealthy != 2 {
		t.Errorf("stat health %+v: the default state has one table not fully healthy", h)
	}
	if len(s.TableByName("temp").Duplications) != 1 {
		t.Error("temp has a duplication")
	}
}

func TestParseStateErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown key":  "metas: ['a:1']\nnodez: []\n",
		"no metas":     "nodes: []\n",
		"unknown node": "metas: ['a:1']\nnodes: [{address: 'n:1', alive: true}]\ntables: [{id: 1, name: t, partitions: [{primary: 'm:1'}]}]\n",
		"duplicate id": "metas: ['a:1']\ntables: [{id: 1, name: t}, {id: 1, name: u}]\n",
		"bad address":  "metas: ['a']\n",
		"nil table":    "metas: ['a:1']\ntables: [~]\n",
		"nil part":     "metas: ['a:1']\ntables: [{id: 1, name: t, partitions: [~]}]\n",
		"nil dup":      "metas: ['a:1']\ntables: [{id: 1, name: t, duplications: [~]}]\n",
		"nil policy":   "metas: ['a:1']\nbackup_policies: [~]\n",
		"bad primary":  "metas: ['a:1']\nprimary: 'b:2'\n",
	} {
		if _, err := ParseState(name, []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.HasPrefix(err.Error(), name+":") {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestRenameAndOrder(t *testing.T) {
	s := DefaultState()
	s.Rename(map[string]string{"127.0.0.1:34801": "127.0.0.1:9", "127.0.0.1:34601": "127.0.0.1:10"})
	if s.Primary != "127.0.0.1:10" || s.Nodes[0].Address != "127.0.0.1:9" || s.TableByID(1).Partitions[0].Primary != "127.0.0.1:9" {
		t.Errorf("rename incomplete: %s %s", s.Primary, s.Nodes[0].Address)
	}
	addrs := []string{"b:1", "a:10", "a:9"}
	SortHostPorts(addrs)
	if strings.Join(addrs, " ") != "a:9 a:10 b:1" {
		t.Errorf("host_port order: %v", addrs)
	}
}

func TestBulkLoadAndCompactionMoveOn(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tb := &Table{BulkLoad: "DOWNLOADING", BulkLoadStarted: t0, CompactionStarted: t0}
	p := &Partition{Compaction: "idle"}
	for d, want := range map[time.Duration][2]string{0: {"DOWNLOADING", "queuing"}, 2 * time.Second: {"DOWNLOADED", "running"}, 7 * time.Second: {"SUCCEED", "finished"}} {
		if got := [2]string{tb.BulkLoadNow(t0.Add(d)), tb.CompactionNow(p, t0.Add(d))}; got != want {
			t.Errorf("after %v: %v, want %v", d, got, want)
		}
	}
}
