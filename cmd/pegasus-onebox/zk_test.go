package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/zktest"
)

// freePorts reserves n loopback ports, closed again before use.
func freePorts(t *testing.T, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		out = append(out, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	return out
}

// TestRunOnZooKeeper runs the onebox with -zk: its servers elect a
// primary, which answers /meta/cluster naming itself; the backup
// redirects to it; cancelling stops everything.
func TestRunOnZooKeeper(t *testing.T) {
	zk := zktest.Run(t)
	ports := freePorts(t, 5)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-zk", zk.Addr, "-cluster", "onebox-zk", "-meta-ports", strings.Join(ports[:2], ","), "-replica-ports", strings.Join(ports[2:], ",")}, &out, &out)
	}()
	noRedirect := &http.Client{Timeout: time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	answered := map[int]int{}
	deadline := time.Now().Add(20 * time.Second)
	for len(answered) == 0 || answered[200] != 1 || answered[307] != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no primary and backup: %v\n%s", answered, out.String())
		}
		time.Sleep(20 * time.Millisecond)
		answered = map[int]int{}
		for _, p := range ports[:2] {
			resp, err := noRedirect.Get("http://127.0.0.1:" + p + "/meta/cluster")
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && !strings.Contains(string(b), `"primary_meta_server":"127.0.0.1:`+p+`"`) {
				t.Errorf("%s answers naming another primary: %s", p, b)
			}
			answered[resp.StatusCode]++
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(out.String(), "stopped") || !strings.Contains(out.String(), "primary (a new cluster ") {
			t.Errorf("exit %d\n%s", code, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("did not stop")
	}
}

// TestZooKeeperUsage: on ZooKeeper the ports must be given and the
// primary is elected, not named.
func TestZooKeeperUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-zk", "127.0.0.1:1", "-meta-ports", "0,0", "-replica-ports", "0,0,0"},
		{"-zk", "127.0.0.1:1", "-primary", "127.0.0.1:34602"},
		{"-zk", ","},
	} {
		var out bytes.Buffer
		if code := run(context.Background(), args, &out, &out); code == 0 || !strings.Contains(out.String(), "pegasus-onebox:") {
			t.Errorf("%q: exit %d\n%s", args, code, out.String())
		}
	}
}
