//go:build !race

// The servers under test are other processes, built without the race
// detector; `make test`'s race run would only run this test a second time.
// The election and the store are race-checked in process by
// internal/zkcluster's tests.

// Package zkcluster_test is the proof of the stand-in cluster on
// ZooKeeper: ZooKeeper, three MetaServers and three ReplicaServers as
// separate pegasus-node processes, a primary killed and replaced.
package zkcluster_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
)

// sessionTimeout is every node's ZooKeeper session timeout: how long a
// killed node keeps its lock or its registration.
const sessionTimeout = 2 * time.Second

// logBuffer is a process's stderr, safe to read while it writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is one pegasus-node process.
type proc struct {
	role, addr string
	args       []string
	cmd        *exec.Cmd
	log        *logBuffer
	exited     chan error
}

// env is the cluster under test.
type env struct {
	t        *testing.T
	bin, zk  string
	seed     string
	data     string // the nodes' data directories, one per address
	metas    []*proc
	replicas []*proc
}

// buildNode builds cmd/pegasus-node once, into dir.
func buildNode(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "pegasus-node")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/pegasus-kv/pegasus-gen/cmd/pegasus-node")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build pegasus-node: %v\n%s", err, out)
	}
	return bin
}

// freeAddrs reserves n loopback ports (closed again before use).
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	var lns []net.Listener
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().String())
	}
	for _, ln := range lns {
		ln.Close()
	}
	return out
}

// writeSeed writes the default state with its ReplicaServers renamed to
// the ports of the test, so that partitions live on the real processes.
func writeSeed(t *testing.T, dir string, metas, replicas []string) string {
	t.Helper()
	st := cluster.DefaultState()
	rename := map[string]string{}
	for i, n := range st.Nodes {
		rename[n.Address] = replicas[i]
	}
	for i, m := range st.Metas {
		rename[m] = metas[i]
	}
	st.Rename(rename)
	b, err := yaml.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// start runs a node and waits until it serves HTTP.
func (e *env) start(role, addr string) *proc {
	e.t.Helper()
	p := &proc{role: role, addr: addr, log: &logBuffer{}, exited: make(chan error, 1),
		args: []string{"-role", role, "-listen", addr, "-zk", e.zk, "-cluster", "proof", "-state", e.seed,
			"-session-timeout", sessionTimeout.String(), "-max-profile-seconds", "1",
			"-data", filepath.Join(e.data, addr)}}
	p.cmd = exec.Command(e.bin, p.args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	e.t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("%s %s does not listen; its log:\n%s", role, addr, p.log)
	return nil
}

// kill sends SIGKILL and waits for the process to go.
func (p *proc) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.exited:
		p.exited <- nil
	case <-time.After(5 * time.Second):
	}
}

// noRedirect is a client that shows a 307 rather than following it.
var noRedirect = &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// clusterAnswer is what a MetaServer says to GET /meta/cluster: the
// primary it names in a 200, or the Location of its 307.
func clusterAnswer(addr string) (status int, primary, location string) {
	resp, err := noRedirect.Get("http://" + addr + "/meta/cluster")
	if err != nil {
		return 0, "", ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := regexp.MustCompile(`"primary_meta_server":"([^"]*)"`).FindSubmatch(b); m != nil {
		primary = string(m[1])
	}
	return resp.StatusCode, primary, resp.Header.Get("Location")
}

// waitPrimary polls the MetaServers until one answers /meta/cluster
// itself naming itself and every other one redirects to it; it returns
// that one and when it was first seen answering.
func (e *env) waitPrimary(metas []*proc, within time.Duration) (*proc, time.Time) {
	e.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var primary *proc
		var seen time.Time
		others := 0
		for _, m := range metas {
			st, p, loc := clusterAnswer(m.addr)
			switch {
			case st == 200 && p == m.addr:
				primary, seen = m, time.Now()
			case st == 307:
				others++
				_ = loc
			}
		}
		if primary != nil && others == len(metas)-1 && redirectsTo(metas, primary) {
			return primary, seen
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, m := range metas {
		e.t.Logf("%s log:\n%s", m.addr, m.log)
	}
	e.t.Fatalf("no single primary among %v within %v", addrsOf(metas), within)
	return nil, time.Time{}
}

// redirectsTo reports whether every MetaServer but primary answers 307
// with a Location naming primary.
func redirectsTo(metas []*proc, primary *proc) bool {
	for _, m := range metas {
		if m == primary {
			continue
		}
		st, _, loc := clusterAnswer(m.addr)
		if st != 307 || loc != fmt.Sprintf("http://%s/meta/cluster", primary.addr) {
			return false
		}
	}
	return true
}

func addrsOf(ps []*proc) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.addr)
	}
	return out
}

// without is ps less p.
func without(ps []*proc, p *proc) []*proc {
	var out []*proc
	for _, q := range ps {
		if q != p {
			out = append(out, q)
		}
	}
	return out
}

// readBack is the last "state read back in …" a MetaServer logged.
func readBack(p *proc) (time.Duration, bool) {
	ms := regexp.MustCompile(`state read back in (\S+)\)`).FindAllStringSubmatch(p.log.String(), -1)
	if len(ms) == 0 {
		return 0, false
	}
	d, err := time.ParseDuration(ms[len(ms)-1][1])
	return d, err == nil
}
