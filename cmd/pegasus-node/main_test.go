package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/zktest"
)

// syncBuffer is a bytes.Buffer safe to read while run writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestRunStopsCleanly runs a MetaServer and a ReplicaServer, sees the
// MetaServer become primary with one log line, and stops both as SIGTERM
// does.
func TestRunStopsCleanly(t *testing.T) {
	zk := zktest.Run(t)
	var outs [2]syncBuffer
	var cancels [2]context.CancelFunc
	var dones [2]chan int
	data := t.TempDir()
	for i, role := range []string{"meta", "replica"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i], dones[i] = cancel, make(chan int)
		go func() {
			dones[i] <- run(ctx, []string{"-role", role, "-listen", "127.0.0.1:0", "-zk", zk.Addr, "-cluster", "node-test", "-session-timeout", "2s", "-data", filepath.Join(data, role)}, &outs[i], &outs[i])
		}()
	}
	// A failure below must not leave the nodes running on a ZooKeeper the
	// cleanup stops: cleanups run last registered first.
	t.Cleanup(func() {
		for _, cancel := range cancels {
			cancel()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(outs[0].String(), "primary (a new cluster ") || !strings.Contains(outs[1].String(), "registered as /pegasus/node-test/replica_servers/") {
		if time.Now().After(deadline) {
			t.Fatalf("meta:\n%s\nreplica:\n%s", outs[0].String(), outs[1].String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := range cancels {
		cancels[i]()
		select {
		case code := <-dones[i]:
			if code != 0 || !strings.HasSuffix(outs[i].String(), "pegasus-node: stopped\n") {
				t.Errorf("exit %d\n%s", code, outs[i].String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("did not stop")
		}
	}
	if n := strings.Count(outs[0].String(), ": primary ("); n != 1 {
		t.Errorf("%d lines of becoming primary, want 1:\n%s", n, outs[0].String())
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-role", "both", "-listen", "127.0.0.1:0", "-zk", "127.0.0.1:2181"},
		{"-role", "meta", "-zk", "127.0.0.1:2181"},
		{"-role", "meta", "-listen", "127.0.0.1:0"},
		{"-role", "meta", "-listen", "127.0.0.1:0", "-zk", "localhost"},
		{"-role", "meta", "-listen", "127.0.0.1:0", "-zk", "127.0.0.1:2181", "-cluster", ""},
		{"-role", "meta", "-listen", "127.0.0.1:0", "-zk", "127.0.0.1:2181", "-state", "/does/not/exist"},
		{"-role", "meta", "-listen", "127.0.0.1:0", "-zk", "127.0.0.1:2181", "-features", "nope=true"},
		{"-x"},
	} {
		var out bytes.Buffer
		// Every refusal names the command: ours, or the flag package's usage.
		if code := run(context.Background(), args, &out, &out); code != 2 || !strings.Contains(out.String(), "pegasus-node") {
			t.Errorf("%q: exit %d\n%s", args, code, out.String())
		}
	}
}

// TestIdentityExit: a MetaServer started on a ZooKeeper that holds another
// cluster, or none while the node remembers one, exits 3 saying why;
// -new-cluster lets it seed one.
func TestIdentityExit(t *testing.T) {
	zk := zktest.Run(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "cluster_id"), []byte("feedfeedfeedfeedfeedfeedfeedfeed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-role", "meta", "-listen", "127.0.0.1:0", "-zk", zk.Addr, "-cluster", "exit-test", "-session-timeout", "2s", "-data", data}
	var out syncBuffer
	if code := run(context.Background(), args, &out, &out); code != 3 || !strings.Contains(out.String(), "cluster identity: ZooKeeper has no cluster at /pegasus/exit-test") {
		t.Fatalf("empty coordinator: exit %d\n%s", code, out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var seeded syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, append(args, "-new-cluster"), &seeded, &seeded) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(seeded.String(), "primary (a new cluster ") {
		if time.Now().After(deadline) {
			t.Fatalf("-new-cluster:\n%s", seeded.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d\n%s", code, seeded.String())
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "cluster_id"), []byte("feedfeedfeedfeedfeedfeedfeedfeed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = syncBuffer{}
	args[len(args)-1] = other
	if code := run(context.Background(), args, &out, &out); code != 3 || !strings.Contains(out.String(), "belongs to cluster") {
		t.Fatalf("another cluster: exit %d\n%s", code, out.String())
	}
}
