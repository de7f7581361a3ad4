// Package onebox assembles a local stand-in Pegasus cluster: MetaServers
// and ReplicaServers sharing one cluster model, each with its own config
// registry, metrics registry and process identity, served by the generated
// servers. cmd/pegasus-onebox runs it; tests run it on ephemeral ports.
package onebox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/metaserver"
	"github.com/pegasus-kv/pegasus-gen/internal/node"
	"github.com/pegasus-kv/pegasus-gen/internal/replicaserver"
)

// Elector decides which MetaServer is the primary. The real one holds a
// ZooKeeper lock; the default here is static.
type Elector interface {
	// Primary is the primary's host:port, or "" when unknown.
	Primary() string
}

// Static is an Elector whose primary never changes.
type Static string

// Primary returns the fixed primary.
func (s Static) Primary() string { return string(s) }

// leadership is one MetaServer's view of the election.
type leadership struct {
	e    Elector
	self string
}

// IsPrimary reports whether the elector names this server.
func (l leadership) IsPrimary() bool { return l.e.Primary() == l.self }

// PrimaryAddress is whom the elector names, for the 307's Location.
func (l leadership) PrimaryAddress() string { return l.e.Primary() }

// Options configures a cluster.
type Options struct {
	// State is the cluster; nil is the embedded default. It is changed in
	// place: its addresses become the listening ones.
	State *cluster.State
	// Primary names the primary MetaServer by its state address; "" keeps
	// the state's. Ignored when Elector is set.
	Primary string
	// Elector picks the primary; nil is Static(primary).
	Elector Elector
	// Features switch optional operations on every server.
	MetaFeatures    map[meta.Feature]bool
	ReplicaFeatures map[replica.Feature]bool
	// Listen is the address each server listens on, given its address in
	// the state; nil listens on the state's addresses. Tests use
	// 127.0.0.1:0, and the state is renamed to the ports obtained.
	Listen func(stateAddr string) string
	// Clock is the time source (nil: time.Now).
	Clock func() time.Time
	// MaxProfileSeconds bounds pprof durations (0: 10).
	MaxProfileSeconds uint32
	// Load scales the simulated request rates behind /metrics: 0 is the
	// default, 1 (the catalogue's rates); a negative value stops the load
	// (counters then stand still).
	Load float64
	// Tune, when set, adjusts each server before it serves (tests shorten
	// its timeouts).
	Tune func(*http.Server)
	// Wrap, when set, wraps each server's handler (role "meta" or
	// "replica", and the server's address): the conformance tests use it
	// to put deliberate faults between the servers and the wire.
	Wrap func(role, addr string, h http.Handler) http.Handler
}

// Server is one running server.
type Server struct {
	Role    string // "meta" or "replica"
	Addr    string // where it listens, and its name in the cluster
	Config  *config.Registry
	Handler http.Handler
	ln      net.Listener
	srv     *http.Server
}

// Cluster is a running onebox.
type Cluster struct {
	Model    *cluster.Model
	Metas    []*Server
	Replicas []*Server
	wg       sync.WaitGroup
}

// Start listens on every server's address, renames the state to the
// addresses obtained, builds the servers and serves them.
func Start(opts Options) (*Cluster, error) {
	st := opts.State
	if st == nil {
		st = cluster.DefaultState()
	}
	if opts.Primary != "" {
		st.Primary = opts.Primary
	}
	listen := opts.Listen
	if listen == nil {
		listen = func(a string) string { return a }
	}
	c := &Cluster{}
	rename := map[string]string{}
	open := func(role, addr string) (*Server, error) {
		ln, err := net.Listen("tcp", listen(addr))
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", role, addr, err)
		}
		rename[addr] = ln.Addr().String()
		return &Server{Role: role, Addr: ln.Addr().String(), ln: ln}, nil
	}
	for _, a := range st.Metas {
		s, err := open("meta", a)
		if err != nil {
			c.Stop(context.Background())
			return nil, err
		}
		c.Metas = append(c.Metas, s)
	}
	for _, n := range st.Nodes {
		s, err := open("replica", n.Address)
		if err != nil {
			c.Stop(context.Background())
			return nil, err
		}
		c.Replicas = append(c.Replicas, s)
	}
	st.Rename(rename)
	if err := c.build(st, opts); err != nil {
		c.Stop(context.Background())
		return nil, err
	}
	for _, s := range c.all() {
		s.serve(opts, &c.wg, "onebox")
	}
	return c, nil
}

// serve wraps the handler as opts say and serves it on the server's
// listener with the generated packages' bounded http.Server (both roles'
// constructors set the same timeouts), in a goroutine wg counts.
func (s *Server) serve(opts Options, wg *sync.WaitGroup, tag string) {
	if opts.Wrap != nil {
		s.Handler = opts.Wrap(s.Role, s.Addr, s.Handler)
	}
	s.srv = meta.NewHTTPServer(s.Addr, s.Handler)
	if opts.Tune != nil {
		opts.Tune(s.srv)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Println(tag+":", err)
		}
	}()
}

// build makes every server's handler over one shared model.
func (c *Cluster) build(st *cluster.State, opts Options) error {
	c.Model = cluster.NewModel(st, opts.Clock)
	el := opts.Elector
	if el == nil {
		el = Static(st.Primary)
	}
	for _, s := range c.Metas {
		if err := s.buildMeta(c.Model, st, el, opts, nil); err != nil {
			return err
		}
	}
	for _, s := range c.Replicas {
		if err := s.buildReplica(c.Model, st, opts); err != nil {
			return err
		}
	}
	return nil
}

// loadOf is the simulated request rate behind /metrics: Options' zero
// value is the default 1, a negative one is idle.
func loadOf(opts Options) float64 {
	if opts.Load == 0 {
		return 1
	}
	return opts.Load
}

// buildMeta makes a MetaServer's config and handler; wrap, when set,
// wraps the reference handler (the ZooKeeper node keeps its config).
func (s *Server) buildMeta(m *cluster.Model, st *cluster.State, el Elector, opts Options, wrap func(*metaserver.Handler) meta.Handler) error {
	cfg, err := newConfig(st)
	if err != nil {
		return err
	}
	s.Config = cfg
	lead := leadership{e: el, self: s.Addr}
	h := metaserver.New(m, lead, newNode(opts), cfg, metaMetrics{newServerMetrics(m, st, "meta", s.Addr, cfg, lead, loadOf(opts), m.Now())})
	var mh meta.Handler = h
	if wrap != nil {
		mh = wrap(h)
	}
	s.Handler = meta.NewServer(mh, &meta.Options{Features: opts.MetaFeatures, Leadership: lead, Guards: h.Guards(), HandlerError: noteHandlerError})
	return nil
}

// buildReplica makes a ReplicaServer's config and handler.
func (s *Server) buildReplica(m *cluster.Model, st *cluster.State, opts Options) error {
	cfg, err := newConfig(st)
	if err != nil {
		return err
	}
	s.Config = cfg
	h := replicaserver.New(m, s.Addr, newNode(opts), cfg, replicaMetrics{newServerMetrics(m, st, "replica", s.Addr, cfg, nil, loadOf(opts), m.Now())})
	s.Handler = replica.NewServer(h, &replica.Options{Features: opts.ReplicaFeatures, Guards: h.Guards()})
	return nil
}

// newConfig is a server's config registry with the state's overrides.
func newConfig(st *cluster.State) (*config.Registry, error) {
	cfg := config.New()
	for k, v := range st.Config {
		if err := cfg.Set(k, v); err != nil {
			return nil, fmt.Errorf("state config %s: %w", k, err)
		}
	}
	if st.Cluster != "" {
		_ = cfg.Set("cluster_name", st.Cluster)
	}
	return cfg, nil
}

func newNode(opts Options) *node.Node {
	n := node.New()
	if opts.MaxProfileSeconds > 0 {
		n.MaxProfileSeconds = opts.MaxProfileSeconds
	}
	return n
}

// all is every server, metas first.
func (c *Cluster) all() []*Server { return append(append([]*Server(nil), c.Metas...), c.Replicas...) }

// Stop shuts every server down, waiting for requests in flight.
func (c *Cluster) Stop(ctx context.Context) {
	for _, s := range c.all() {
		switch {
		case s.srv != nil:
			_ = s.srv.Shutdown(ctx)
		case s.ln != nil:
			_ = s.ln.Close()
		}
	}
	c.wg.Wait()
}

// MetaAddrs is the listening addresses of the MetaServers.
func (c *Cluster) MetaAddrs() []string { return addrs(c.Metas) }

// ReplicaAddrs is the listening addresses of the ReplicaServers.
func (c *Cluster) ReplicaAddrs() []string { return addrs(c.Replicas) }

func addrs(ss []*Server) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Addr
	}
	return out
}

// Describe is the summary cmd/pegasus-onebox prints.
func (c *Cluster) Describe() string {
	var b strings.Builder
	for _, s := range c.Metas {
		fmt.Fprintf(&b, "MetaServer     http://%s\n", s.Addr)
	}
	for _, s := range c.Replicas {
		fmt.Fprintf(&b, "ReplicaServer  http://%s\n", s.Addr)
	}
	return b.String()
}
