package zkcluster

import (
	"context"
	"reflect"
	"time"

	"github.com/go-zookeeper/zk"
)

// session is what both roles share: the connection, a wake-up on every
// change of the session's state, and the wait for the next watch.
type session struct {
	conn *zk.Conn
	wake chan struct{}
}

func newSession() *session { return &session{wake: make(chan struct{}, 1)} }

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

// pause waits d unless ctx ends first, after an error, so that a node
// whose ZooKeeper is away does not spin.
func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
