// Package zkcluster runs a stand-in Pegasus cluster on ZooKeeper, as the
// real one runs: the MetaServers elect their primary with an ephemeral
// sequential lock node under /pegasus/<cluster>/lock (the lowest holds the
// lock, the others watch their predecessor; lock_struct.cpp), the primary
// keeps the meta state under the cluster root, writing it so that a
// MetaServer that lost the lock cannot overwrite its successor, and the
// ReplicaServers register as ephemeral nodes, so that the primary knows
// who is alive. The generated servers see only the Leadership interface
// and the cluster model.
package zkcluster

import (
	"errors"
	"fmt"
	"log"
	"net"
	"path"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
)

// Options are what every node of a cluster shares.
type Options struct {
	// Servers are ZooKeeper's host:port addresses.
	Servers []string
	// Cluster names the cluster: its root is /pegasus/<Cluster>.
	Cluster string
	// SessionTimeout bounds how long a dead node keeps its lock or its
	// registration (0: 5 s).
	SessionTimeout time.Duration
	// Log receives one line per change of leadership or registration
	// (nil: the standard logger).
	Log *log.Logger
	// Identity is what this node remembers of the cluster it belongs to
	// (one node's, unlike the rest).
	Identity Identity
}

// Root is the cluster root, /pegasus/<cluster> (config.ini:
// cluster_root = /pegasus/%{cluster.name}).
func (o Options) Root() string { return "/pegasus/" + o.Cluster }

// LockDir is where the MetaServers' lock nodes live (config.ini:
// distributed_lock_service_parameters = /pegasus/%{cluster.name}/lock).
func (o Options) LockDir() string { return o.Root() + "/lock" }

// ParseServers splits "host:port,host:port".
func ParseServers(s string) ([]string, error) {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		if !strings.Contains(a, ":") {
			return nil, fmt.Errorf("ZooKeeper address %q is not host:port", a)
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, errors.New("no ZooKeeper address")
	}
	return out, nil
}

func (o Options) logger() *log.Logger {
	if o.Log != nil {
		return o.Log
	}
	return log.Default()
}

func (o Options) timeout() time.Duration {
	if o.SessionTimeout > 0 {
		return o.SessionTimeout
	}
	return 5 * time.Second
}

// dial opens a connection for s, whose session comes in the background;
// onState sees every change of that connection's session state,
// synchronously, so that a node can stop claiming the lock the moment its
// connection drops. Events of a connection s has since replaced (renew)
// are dropped.
func (s *session) dial(o Options, onState func(zk.State)) error {
	epoch := s.epoch.Add(1)
	s.mu.Lock()
	s.lostAt, s.reached = time.Now(), false
	s.mu.Unlock()
	cb := func(ev zk.Event) {
		if ev.Type == zk.EventSession && s.epoch.Load() == epoch {
			s.note(ev.State)
			onState(ev.State)
		}
	}
	c, _, err := zk.Connect(o.Servers, o.timeout(), zk.WithEventCallback(cb), zk.WithLogger(quiet{}),
		zk.WithDialer(boundedDialer(handshakeBound(o.timeout()))))
	if err != nil {
		return fmt.Errorf("zookeeper %s: %w", strings.Join(o.Servers, ","), err)
	}
	s.conn = c
	return nil
}

// handshakeBound is how long a node waits for ZooKeeper to answer its
// session request. The client library waits ten receive timeouts (33 s for
// a 5 s session), so a server that accepted the connection while starting
// and never answered kept a node out of the cluster for half a minute;
// on a healthy server the answer takes milliseconds.
func handshakeBound(timeout time.Duration) time.Duration {
	return min(max(timeout/2, time.Second), 3*time.Second)
}

// boundedDialer dials as the library does, bounding the connection's
// first read deadline (the session handshake's) to bound.
func boundedDialer(bound time.Duration) zk.Dialer {
	return func(network, address string, timeout time.Duration) (net.Conn, error) {
		c, err := net.DialTimeout(network, address, timeout)
		if err != nil {
			return nil, err
		}
		return &handshakeConn{Conn: c, bound: bound}, nil
	}
}

// handshakeConn is a connection whose first read deadline is bounded.
// The library sets deadlines from one goroutine at a time (the handshake,
// then the receive loop it starts), so armed needs no lock.
type handshakeConn struct {
	net.Conn
	bound time.Duration
	armed bool
}

// SetReadDeadline bounds the first deadline set, the handshake's.
func (c *handshakeConn) SetReadDeadline(t time.Time) error {
	if !c.armed {
		c.armed = true
		if lim := time.Now().Add(c.bound); t.IsZero() || t.After(lim) {
			t = lim
		}
	}
	return c.Conn.SetReadDeadline(t)
}

// quiet drops the client library's chatter (reconnection attempts); the
// nodes log what changes for them instead.
type quiet struct{}

// Printf drops the line.
func (quiet) Printf(string, ...any) {}

// ensure creates p and its parents as persistent empty nodes.
func ensure(c *zk.Conn, p string) error {
	if p == "/" || p == "" {
		return nil
	}
	if ok, _, err := c.Exists(p); err != nil || ok {
		return err
	}
	if err := ensure(c, path.Dir(p)); err != nil {
		return err
	}
	if _, err := c.Create(p, nil, 0, zk.WorldACL(zk.PermAll)); err != nil && !errors.Is(err, zk.ErrNodeExists) {
		return fmt.Errorf("create %s: %w", p, err)
	}
	return nil
}
