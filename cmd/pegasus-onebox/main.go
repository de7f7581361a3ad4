// Command pegasus-onebox runs a local stand-in Pegasus cluster: MetaServers
// (the first primary) and ReplicaServers on loopback, sharing one state,
// served by the generated servers with the reference handlers. It stops
// cleanly on Ctrl-C or SIGTERM.
//
//	pegasus-onebox [-state state.yaml] [-meta-ports 34601,34602] [-replica-ports 34801,34802,34803]
//	               [-primary 127.0.0.1:34602] [-features envs_list=true,pprof=false] [-load 1]
//	               [-zk 127.0.0.1:2181 [-cluster onebox]]
//
// With -zk, each server runs as pegasus-node runs it, on that ZooKeeper:
// the MetaServers elect their primary, the state is kept there.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
	"github.com/pegasus-kv/pegasus-gen/internal/zkcluster"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// roles names the primary MetaServer (as the cluster elected it, after
// -primary, or on ZooKeeper) and a backup, "" when there is none, for the
// printed hints.
func roles(c running) (primary, backup string) {
	switch c := c.(type) {
	case *onebox.Cluster:
		c.Model.Read(func(s *cluster.State) { primary = s.Primary })
	case *onebox.ZKCluster:
		// The election takes a moment after the servers listen.
		for deadline := time.Now().Add(5 * time.Second); primary == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			primary = c.Primary()
		}
	}
	for _, m := range c.MetaAddrs() {
		if primary == "" {
			primary = m
		}
		if m != primary && backup == "" {
			backup = m
		}
	}
	return primary, backup
}

// run starts the cluster and blocks until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pegasus-onebox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	host := fs.String("host", "127.0.0.1", "address to listen on")
	metaPorts := fs.String("meta-ports", "34601,34602", "MetaServer ports, one per MetaServer of the state (0: any free port)")
	replicaPorts := fs.String("replica-ports", "34801,34802,34803", "ReplicaServer ports, one per node of the state (0: any free port)")
	statePath := fs.String("state", "", "cluster state YAML (default: the embedded onebox state)")
	primary := fs.String("primary", "", "the primary MetaServer, host:port (default: the state's, or the first)")
	features := fs.String("features", "", "optional operations, e.g. envs_list=true,pprof=false")
	maxProfile := fs.Uint("max-profile-seconds", 10, "upper bound of pprof profiling durations")
	load := fs.Float64("load", 1, "simulated request rate behind /metrics, as a multiple of the catalogue's rates (0: idle)")
	zkAddrs := fs.String("zk", "", "run the servers on this ZooKeeper, host:port[,host:port…] (default: none, a fixed primary)")
	clusterName := fs.String("cluster", "onebox", "with -zk, the cluster name: its root is /pegasus/NAME")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *load < 0 {
		fmt.Fprintln(stderr, "pegasus-onebox: -load must not be negative")
		return 2
	}
	st := cluster.DefaultState()
	if *statePath != "" {
		var err error
		if st, err = cluster.LoadState(*statePath); err != nil {
			fmt.Fprintln(stderr, "pegasus-onebox:", err)
			return 2
		}
	}
	listen, err := listenMap(*host, st, *metaPorts, *replicaPorts)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-onebox:", err)
		return 2
	}
	opts := onebox.Options{State: st, Listen: listen, MaxProfileSeconds: uint32(*maxProfile), Load: *load}
	if *load == 0 {
		opts.Load = -1 // Options' zero value means the default
	}
	if opts.MetaFeatures, opts.ReplicaFeatures, err = onebox.ParseFeatures(*features); err != nil {
		fmt.Fprintln(stderr, "pegasus-onebox:", err)
		return 2
	}
	if *primary != "" {
		if opts.Primary = stateAddr(st, *primary, listen); opts.Primary == "" {
			fmt.Fprintf(stderr, "pegasus-onebox: -primary %s is not one of the MetaServers\n", *primary)
			return 2
		}
	}
	c, err := start(opts, *zkAddrs, *clusterName, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-onebox:", err)
		return 1
	}
	fmt.Fprint(stdout, c.Describe())
	prim, backup := roles(c)
	r := c.ReplicaAddrs()
	fmt.Fprintf(stdout, "\nTry:\n  curl http://%s/\n  curl 'http://%s/meta/app?name=temp&detail'\n", prim, prim)
	if backup != "" {
		fmt.Fprintf(stdout, "  curl -i http://%s/meta/cluster        # a backup: 307 to the primary\n", backup)
	}
	fmt.Fprintf(stdout, "  curl 'http://%s/metrics?types=replica&metrics=get_requests'\n", r[0])
	fmt.Fprintf(stdout, "  curl 'http://%s/updateConfig?config_sync_interval_ms=20000'\n\nCtrl-C stops.\n", r[0])
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.Stop(shutdown)
	fmt.Fprintln(stdout, "pegasus-onebox: stopped")
	return 0
}

// running is a onebox, in one process or on ZooKeeper.
type running interface {
	Describe() string
	MetaAddrs() []string
	ReplicaAddrs() []string
	Stop(context.Context)
}

// start runs the onebox, on ZooKeeper when zkAddrs is given.
// Its nodes log their changes of leadership to logw.
func start(opts onebox.Options, zkAddrs, name string, logw io.Writer) (running, error) {
	if zkAddrs == "" {
		return onebox.Start(opts)
	}
	servers, err := zkcluster.ParseServers(zkAddrs)
	if err != nil {
		return nil, fmt.Errorf("-zk: %v", err)
	}
	if opts.Primary != "" {
		return nil, fmt.Errorf("-primary: on ZooKeeper the MetaServers elect their primary")
	}
	st := opts.State
	if st == nil {
		st = cluster.DefaultState()
	}
	return onebox.StartOnZK(st, opts.Listen, zkcluster.Options{Servers: servers, Cluster: name, Log: log.New(logw, "", log.LstdFlags)}, opts)
}

// listenMap assigns the ports to the state's servers, in order.
func listenMap(host string, st *cluster.State, metaPorts, replicaPorts string) (func(string) string, error) {
	m := map[string]string{}
	assign := func(what string, addrs []string, ports string) error {
		ps := strings.Split(ports, ",")
		if len(ps) != len(addrs) {
			return fmt.Errorf("-%s-ports: %d ports for %d servers in the state", what, len(ps), len(addrs))
		}
		for i, p := range ps {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n < 0 || n > 65535 {
				return fmt.Errorf("-%s-ports: %q is not a port", what, p)
			}
			m[addrs[i]] = fmt.Sprintf("%s:%d", host, n)
		}
		return nil
	}
	var nodes []string
	for _, n := range st.Nodes {
		nodes = append(nodes, n.Address)
	}
	if err := assign("meta", st.Metas, metaPorts); err != nil {
		return nil, err
	}
	if err := assign("replica", nodes, replicaPorts); err != nil {
		return nil, err
	}
	return func(a string) string { return m[a] }, nil
}

// stateAddr maps a -primary given as a listening or state address to the
// state's name for that MetaServer, or "" when it names none.
func stateAddr(st *cluster.State, primary string, listen func(string) string) string {
	for _, a := range st.Metas {
		if a == primary || listen(a) == primary {
			return a
		}
	}
	return ""
}
