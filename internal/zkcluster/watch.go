package zkcluster

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"
)

// session is what both roles share: the connection, a wake-up on every
// change of the session's state, and the wait for the next watch.
type session struct {
	conn *zk.Conn
	wake chan struct{}
	// epoch counts the connections dialed; a replaced one's events are
	// dropped.
	epoch atomic.Int64

	mu sync.Mutex
	// lostAt is when the session was last lost (or the connection
	// dialed), zero while there is one; reached says a TCP connection to
	// ZooKeeper was made since, so the server is up but gave no session.
	lostAt  time.Time
	reached bool
	// watches are the watches set and not fired yet, by kind and path.
	// The client library cannot remove a watch, so one set again each
	// round would pile up until its node changed: a path keeps one until
	// it fires. Only the role's own loop uses them.
	watches map[string]<-chan zk.Event
}

// note follows the session's state for stuck.
func (s *session) note(st zk.State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case zk.StateHasSession:
		s.lostAt, s.reached = time.Time{}, false
	case zk.StateConnected:
		s.reached = true
	default:
		if s.lostAt.IsZero() {
			s.lostAt = time.Now()
		}
	}
}

// stuck reports a connection that has had no session for longer than d
// although ZooKeeper took its TCP connections: a server that lost its
// data refuses a client that has seen a later transaction, and the
// library retries with the same transaction id forever, so the node must
// start over with a new session (renew). A ZooKeeper that is down is not
// stuck: the session may still be there when it returns.
func (s *session) stuck(d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reached && !s.lostAt.IsZero() && time.Since(s.lostAt) > d
}

// renewed installs a new connection dialed by dial: the watches of the old
// one go with it.
func (s *session) renewed() {
	s.watches = map[string]<-chan zk.Event{}
}

func newSession() *session {
	return &session{wake: make(chan struct{}, 1), watches: map[string]<-chan zk.Event{}}
}

// pending is the watch on key set earlier and not fired yet, or nil. A
// fired watch's channel holds its event or is closed, so a receive that
// does not block means it fired.
func (s *session) pending(key string) <-chan zk.Event {
	w, ok := s.watches[key]
	if !ok {
		return nil
	}
	select {
	case <-w:
		delete(s.watches, key)
		return nil
	default:
		return w
	}
}

// existsW is conn.ExistsW, setting a watch only when path has none pending.
func (s *session) existsW(path string) (bool, *zk.Stat, <-chan zk.Event, error) {
	if w := s.pending("exists " + path); w != nil {
		ok, st, err := s.conn.Exists(path)
		return ok, st, w, err
	}
	ok, st, w, err := s.conn.ExistsW(path)
	if err == nil {
		s.watches["exists "+path] = w
	}
	return ok, st, w, err
}

// childrenW is conn.ChildrenW, setting a watch only when path has none
// pending.
func (s *session) childrenW(path string) ([]string, <-chan zk.Event, error) {
	if w := s.pending("children " + path); w != nil {
		kids, _, err := s.conn.Children(path)
		return kids, w, err
	}
	kids, _, w, err := s.conn.ChildrenW(path)
	if err == nil {
		s.watches["children "+path] = w
	}
	return kids, w, err
}

// getW is conn.GetW, setting a watch only when path has none pending.
func (s *session) getW(path string) ([]byte, <-chan zk.Event, error) {
	if w := s.pending("get " + path); w != nil {
		data, _, err := s.conn.Get(path)
		return data, w, err
	}
	data, _, w, err := s.conn.GetW(path)
	if err == nil {
		s.watches["get "+path] = w
	}
	return data, w, err
}

// poke wakes the loop without blocking the client library's goroutine.
func (s *session) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// wait blocks until one of the watches fires, the session changes state
// or ctx ends. There is no periodic recheck: the client library sets the
// watches again after a reconnection (so no change is missed) and fires
// them all when the session expires, and each recheck would leave a
// watch registered until its node changes.
func (s *session) wait(ctx context.Context, watches ...<-chan zk.Event) {
	cases := []reflect.SelectCase{
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())},
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.wake)},
	}
	for _, w := range watches {
		if w != nil {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(w)})
		}
	}
	reflect.Select(cases)
}

// waitUpTo is wait, for at most d.
func (s *session) waitUpTo(ctx context.Context, d time.Duration, watches ...<-chan zk.Event) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	s.wait(ctx, watches...)
}

// pause waits d unless ctx ends first, after an error, so that a node
// whose ZooKeeper is away does not spin.
func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
