package onebox

import (
	"context"
	"fmt"
	"net"
	"sync"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/metaserver"
	"github.com/pegasus-kv/pegasus-gen/internal/zkcluster"
)

// NodeOptions configures one server of a cluster on ZooKeeper: what
// cmd/pegasus-node runs as its own process, and pegasus-onebox -zk runs
// several of in one.
type NodeOptions struct {
	// Role is "meta" or "replica".
	Role string
	// Listen is host:port; port 0 takes a free one. The address obtained
	// names the server in the cluster, so it must be one the others and
	// the clients reach.
	Listen string
	// ZK says where the cluster's ZooKeeper is and what the cluster is.
	ZK zkcluster.Options
	// Seed is the state of a cluster never written; nil is the embedded
	// default. It is not changed.
	Seed *cluster.State
	// Options' features, profile bound and wrapper apply; its State,
	// Primary, Elector and Listen do not.
	Options Options
}

// Node is one running server of a cluster on ZooKeeper.
type Node struct {
	// Server is its HTTP server: role, address, config, handler.
	Server *Server
	// Model is the state it serves: a MetaServer's own, committed to
	// ZooKeeper while primary; a ReplicaServer's, followed from there.
	Model   *cluster.Model
	meta    *zkcluster.Meta
	replica *zkcluster.Replica
	wg      sync.WaitGroup
}

// StartNode listens, joins the cluster and serves.
func StartNode(o NodeOptions) (*Node, error) {
	if o.Role != "meta" && o.Role != "replica" {
		return nil, fmt.Errorf("role %q: want meta or replica", o.Role)
	}
	seed := o.Seed
	if seed == nil {
		seed = cluster.DefaultState()
	}
	seed = seed.Clone()
	seed.Cluster = o.ZK.Cluster
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, err
	}
	n := &Node{Server: &Server{Role: o.Role, Addr: ln.Addr().String(), ln: ln}, Model: cluster.NewModel(seed.Clone(), o.Options.Clock)}
	if err := n.join(o, seed); err != nil {
		_ = ln.Close()
		return nil, err
	}
	n.Server.serve(o.Options, &n.wg, "pegasus-node")
	return n, nil
}

// join builds the server's handler and starts its part in the cluster.
func (n *Node) join(o NodeOptions, seed *cluster.State) error {
	s := n.Server
	if o.Role == "replica" {
		if err := s.buildReplica(n.Model, seed, o.Options); err != nil {
			return err
		}
		r, err := zkcluster.StartReplica(o.ZK, s.Addr, n.Model, seed)
		n.replica = r
		return err
	}
	m, err := zkcluster.NewMeta(o.ZK, zkcluster.MetaConfig{Self: s.Addr, Model: n.Model, Seed: seed,
		Takeover: func(st *cluster.State) { applyConfig(s.Config, st.Config) }})
	if err != nil {
		return err
	}
	wrap := func(h *metaserver.Handler) meta.Handler {
		return keptConfig{Handler: h, cfg: s.Config, model: n.Model, lead: leadership{e: m, self: s.Addr}}
	}
	if err := s.buildMeta(n.Model, seed, m, o.Options, wrap); err != nil {
		m.Close()
		return err
	}
	s.Handler = faultAnswers(s.Handler, m)
	n.meta = m
	m.Start()
	return nil
}

// applyConfig sets the flags a primary kept; a flag this build refuses is
// left as it is rather than stopping the takeover.
func applyConfig(cfg *config.Registry, kept map[string]string) {
	for k, v := range kept {
		_ = cfg.Set(k, v)
	}
}

// keptConfig is a MetaServer whose /updateConfig, on the primary, is kept
// in the meta state, so that the next primary starts from it.
type keptConfig struct {
	*metaserver.Handler
	cfg   *config.Registry
	model *cluster.Model
	lead  meta.Leadership
}

// UpdateConfig answers /updateConfig (§9.2) and keeps a change the primary made.
func (h keptConfig) UpdateConfig(_ context.Context, req meta.UpdateConfigRequest) (meta.UpdateConfigResponse, error) {
	args := req.Config.Map()
	before := map[string]string{}
	for k := range args {
		if f, ok := h.cfg.Get(k); ok {
			before[k] = f.Value
		}
	}
	status := h.cfg.Update(args)
	if status == "ERR_OK" && h.lead.IsPrimary() {
		err := h.model.Write(func(s *cluster.State) {
			if s.Config == nil {
				s.Config = map[string]string{}
			}
			for k, v := range args {
				s.Config[k] = v
			}
		})
		if err != nil {
			applyConfig(h.cfg, before) // not kept: not changed
			return meta.UpdateConfigResponse{}, err
		}
	}
	return meta.UpdateConfig200(meta.UpdateConfigResult{UpdateStatus: status}), nil
}

// Addr is where the node listens, its name in the cluster.
func (n *Node) Addr() string { return n.Server.Addr }

// Stop stops serving, then leaves the cluster: a MetaServer gives up its
// lock at once, a ReplicaServer's registration goes with its session.
func (n *Node) Stop(ctx context.Context) {
	_ = n.Server.srv.Shutdown(ctx)
	n.wg.Wait()
	if n.meta != nil {
		n.meta.Close()
	}
	if n.replica != nil {
		n.replica.Close()
	}
}

// ZKCluster is a onebox whose servers each run as on their own, on
// ZooKeeper, in one process: pegasus-onebox -zk.
type ZKCluster struct {
	Metas, Replicas []*Node
}

// StartOnZK starts a node for every MetaServer and ReplicaServer of st,
// listening where listen says (ports must be given: the seed names the
// servers by them), st renamed to those addresses seeding the cluster.
func StartOnZK(st *cluster.State, listen func(string) string, zk zkcluster.Options, opts Options) (*ZKCluster, error) {
	rename := map[string]string{}
	for _, a := range st.Metas {
		rename[a] = listen(a)
	}
	for _, n := range st.Nodes {
		rename[n.Address] = listen(n.Address)
	}
	for from, to := range rename {
		if _, p := splitPort(to); p == 0 {
			return nil, fmt.Errorf("%s: a cluster on ZooKeeper needs its ports given (the state names the servers by them)", from)
		}
	}
	seed := st.Clone()
	seed.Rename(rename)
	c := &ZKCluster{}
	start := func(role, addr string) (*Node, error) {
		return StartNode(NodeOptions{Role: role, Listen: addr, ZK: zk, Seed: seed, Options: opts})
	}
	for _, a := range seed.Metas {
		n, err := start("meta", a)
		if err != nil {
			c.Stop(context.Background())
			return nil, err
		}
		c.Metas = append(c.Metas, n)
	}
	for _, r := range seed.Nodes {
		n, err := start("replica", r.Address)
		if err != nil {
			c.Stop(context.Background())
			return nil, err
		}
		c.Replicas = append(c.Replicas, n)
	}
	return c, nil
}

// Primary is the MetaServer the election chose, as its nodes see it, or
// "" while there is none.
func (c *ZKCluster) Primary() string {
	for _, n := range c.Metas {
		if p := n.meta.Primary(); p != "" {
			return p
		}
	}
	return ""
}

// MetaAddrs is the listening addresses of the MetaServers.
func (c *ZKCluster) MetaAddrs() []string { return nodeAddrs(c.Metas) }

// ReplicaAddrs is the listening addresses of the ReplicaServers.
func (c *ZKCluster) ReplicaAddrs() []string { return nodeAddrs(c.Replicas) }

func nodeAddrs(ns []*Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Addr()
	}
	return out
}

// Describe is the summary cmd/pegasus-onebox prints.
func (c *ZKCluster) Describe() string {
	cl := &Cluster{}
	for _, n := range c.Metas {
		cl.Metas = append(cl.Metas, n.Server)
	}
	for _, n := range c.Replicas {
		cl.Replicas = append(cl.Replicas, n.Server)
	}
	return cl.Describe()
}

// Stop stops every node, the ReplicaServers first.
func (c *ZKCluster) Stop(ctx context.Context) {
	for _, n := range append(append([]*Node(nil), c.Replicas...), c.Metas...) {
		n.Stop(ctx)
	}
}
