package zkcluster

import (
	"errors"
	"net"
	"path"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// lossyProxy forwards one client's ZooKeeper connections over loopback and
// can drop what flows one way, then cut the connection: a request that
// never arrives, or an answer that never comes back.
type lossyProxy struct {
	ln            net.Listener
	dropRequests  atomic.Bool
	dropAnswers   atomic.Bool
	droppedToward atomic.Int64 // request bytes dropped
	mu            sync.Mutex
	conns         []net.Conn
}

func startProxy(t *testing.T) *lossyProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &lossyProxy{ln: ln}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			z, err := net.Dial("tcp", zkAddr)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, z)
			p.mu.Unlock()
			go p.pipe(z, c, &p.dropRequests, &p.droppedToward)
			go p.pipe(c, z, &p.dropAnswers, nil)
		}
	}()
	return p
}

// pipe copies src to dst, dropping while drop is set.
func (p *lossyProxy) pipe(dst, src net.Conn, drop *atomic.Bool, dropped *atomic.Int64) {
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && drop.Load() {
			if dropped != nil {
				dropped.Add(int64(n))
			}
		} else if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

// cut closes every connection so far and forwards again.
func (p *lossyProxy) cut() {
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.dropRequests.Store(false)
	p.dropAnswers.Store(false)
}

// TestResolveOwnCommit: two commits of one store whose answers are lost,
// the first never applied and the second applied, resolved out of order:
// each resolves to its own outcome, never the other's.
func TestResolveOwnCommit(t *testing.T) {
	o := opts(t, nil)
	p := startProxy(t)
	c, _, err := zk.Connect([]string{p.ln.Addr().String()}, 20*time.Second, zk.WithLogger(quiet{}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lock := lockNode(t, c, o)
	s := &store{conn: c, root: o.Root()}
	st, _, err := s.load(eventful())
	if err == nil {
		err = s.commit(st, lock)
	}
	if err != nil {
		t.Fatal(err)
	}
	side := dial(t)
	apps := path.Join(o.Root(), appsDir)
	before, _, err := side.Get(apps)
	if err != nil {
		t.Fatal(err)
	}

	lose := func(what string, drop *atomic.Bool, until func() bool) []byte {
		t.Helper()
		if st, _, err = s.load(nil); err != nil {
			t.Fatal(err)
		}
		st.FunctionLevel = what
		p.droppedToward.Store(0)
		drop.Store(true)
		done := make(chan error, 1)
		go func() { done <- s.commit(st, lock) }()
		waitFor(t, what+" sent", until)
		p.cut()
		err := <-done
		tok := inFlightToken(err)
		if !errors.Is(err, errInFlight) || tok == nil {
			t.Fatalf("%s: %v, not a commit in flight", what, err)
		}
		waitFor(t, "the session back", func() bool { return c.State() == zk.StateHasSession })
		return tok
	}
	a := lose("never sent", &p.dropRequests, func() bool { return p.droppedToward.Load() > 100 })
	b := lose("answer dropped", &p.dropAnswers, func() bool {
		now, _, err := side.Get(apps)
		return err == nil && string(now) != string(before)
	})
	if parseGen(a) != parseGen(b) {
		t.Errorf("the two commits' generations %q, %q", a, b)
	}
	if applied, err := s.resolve(a); err != nil || applied {
		t.Errorf("the commit never sent, resolved after the applied one: applied %v, %v", applied, err)
	}
	if applied, err := s.resolve(b); err != nil || !applied {
		t.Errorf("the applied commit: applied %v, %v", applied, err)
	}
	if applied, err := s.resolve(a); err != nil || applied {
		t.Errorf("the commit never sent, again: applied %v, %v", applied, err)
	}
}

// TestResolveEmptyApps: <root>/apps with no data records no commit: a
// commit resolved over it was not applied, and nothing panics.
func TestResolveEmptyApps(t *testing.T) {
	o := opts(t, nil)
	c := dial(t)
	if err := ensure(c, path.Join(o.Root(), appsDir)); err != nil {
		t.Fatal(err)
	}
	s := &store{conn: c, root: o.Root()}
	if applied, err := s.resolve(genData(1, nil)); err != nil || applied {
		t.Errorf("over empty apps data: applied %v, %v", applied, err)
	}
}
