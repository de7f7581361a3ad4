package main

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestRunStopsCleanly starts the onebox on free ports and cancels it, as
// SIGTERM does.
func TestRunStopsCleanly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-meta-ports", "0,0", "-replica-ports", "0,0,0", "-features", "envs_list=true"}, &out, &out)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C stops.") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Count(out.String(), "MetaServer ") != 2 || strings.Count(out.String(), "ReplicaServer ") != 3 {
		t.Errorf("output:\n%s", out.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(out.String(), "stopped") {
			t.Errorf("exit %d\n%s", code, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-meta-ports", "1"}, {"-features", "nope=true"}, {"-state", "/does/not/exist"}, {"-x"}, {"-load", "-1"}, {"-primary", "127.0.0.1:1", "-meta-ports", "0,0", "-replica-ports", "0,0,0"}} {
		var out bytes.Buffer
		if code := run(context.Background(), args, &out, &out); code != 2 {
			t.Errorf("%q: exit %d", args, code)
		}
	}
}

// TestHintsFollowPrimary: with -primary naming the second MetaServer, the
// printed curl lines ask the primary for tables and the other one for its
// 307.
func TestHintsFollowPrimary(t *testing.T) {
	var ports []string
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
		ln.Close()
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-meta-ports", strings.Join(ports, ","), "-replica-ports", "0,0,0", "-primary", "127.0.0.1:" + ports[1]}, &out, &out)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C stops.") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	got := out.String()
	if !strings.Contains(got, "curl 'http://127.0.0.1:"+ports[1]+"/meta/app") || !strings.Contains(got, "curl -i http://127.0.0.1:"+ports[0]+"/meta/cluster") {
		t.Errorf("hints do not follow -primary %s:\n%s", ports[1], got)
	}
}
