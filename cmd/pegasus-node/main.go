// Command pegasus-node runs one MetaServer or ReplicaServer of a stand-in
// Pegasus cluster as its own process, on ZooKeeper: the MetaServers elect
// their primary with a lock under /pegasus/<cluster>/lock and keep the meta
// state under /pegasus/<cluster>; the ReplicaServers register there. It
// logs one line per change of leadership and stops cleanly on SIGTERM or
// Ctrl-C. Each node keeps the id of the cluster it joined in its data
// directory, and a MetaServer refuses to act as primary on a ZooKeeper
// that is empty or holds another cluster (-new-cluster overrides that, on
// an operator's word): started so, it exits with status 3 and says why;
// finding it while running, it logs why and answers 503 naming it.
//
//	pegasus-node -role meta|replica -listen host:port -zk host:port[,host:port…]
//	             [-cluster NAME] [-data DIR] [-new-cluster] [-state FILE]
//	             [-session-timeout 5s] [-features envs_list=true]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
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

// run starts the node and blocks until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pegasus-node", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "meta or replica")
	listen := fs.String("listen", "", "host:port to serve on, and the node's name in the cluster")
	zkAddrs := fs.String("zk", "", "ZooKeeper, host:port[,host:port…]")
	name := fs.String("cluster", "onebox", "cluster name: its ZooKeeper root is /pegasus/NAME")
	statePath := fs.String("state", "", "state YAML seeding a cluster never written (default: the embedded onebox state)")
	timeout := fs.Duration("session-timeout", 5*time.Second, "ZooKeeper session timeout: how long a dead node keeps its lock or registration")
	features := fs.String("features", "", "optional operations, e.g. envs_list=true,pprof=false")
	data := fs.String("data", "", "directory keeping the node's cluster id (default: $XDG_STATE_HOME or ~/.local/state, /pegasus-node/CLUSTER/LISTEN)")
	newCluster := fs.Bool("new-cluster", false, "forget the cluster this node belonged to: seed a new one on an empty ZooKeeper (the old state is given up), or join the one ZooKeeper holds")
	maxProfile := fs.Uint("max-profile-seconds", 10, "upper bound of pprof profiling durations")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o, err := options(*role, *listen, *zkAddrs, *name, *statePath, *features)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-node:", err)
		return 2
	}
	o.ZK.SessionTimeout = *timeout
	if o.ZK.Identity.File, err = idFile(*data, *name, *listen); err != nil {
		fmt.Fprintln(stderr, "pegasus-node:", err)
		return 2
	}
	o.ZK.Identity.NewCluster = *newCluster
	if *role == "meta" {
		if err := zkcluster.CheckIdentity(o.ZK, *timeout); err != nil {
			fmt.Fprintln(stderr, "pegasus-node:", err)
			return 3
		}
	}
	o.ZK.Log = log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
	o.Options.MaxProfileSeconds = uint32(*maxProfile)
	n, err := onebox.StartNode(o)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-node:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s http://%s on ZooKeeper %s, cluster %s\n", o.Role, n.Addr(), *zkAddrs, *name)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n.Stop(shutdown)
	fmt.Fprintln(stdout, "pegasus-node: stopped")
	return 0
}

// options checks the flags.
func options(role, listen, zkAddrs, name, statePath, features string) (onebox.NodeOptions, error) {
	var o onebox.NodeOptions
	if role != "meta" && role != "replica" {
		return o, fmt.Errorf("-role %q: want meta or replica", role)
	}
	if listen == "" {
		return o, fmt.Errorf("-listen: give host:port")
	}
	servers, err := zkcluster.ParseServers(zkAddrs)
	if err != nil {
		return o, fmt.Errorf("-zk: %v", err)
	}
	if name == "" {
		return o, fmt.Errorf("-cluster: give a name")
	}
	o = onebox.NodeOptions{Role: role, Listen: listen, ZK: zkcluster.Options{Servers: servers, Cluster: name}}
	if statePath != "" {
		if o.Seed, err = cluster.LoadState(statePath); err != nil {
			return o, err
		}
	}
	o.Options.MetaFeatures, o.Options.ReplicaFeatures, err = onebox.ParseFeatures(features)
	return o, err
}

// idFile is where the node keeps its cluster id: DIR/cluster_id, DIR
// defaulting to the user's state directory, per cluster and address.
func idFile(dir, cluster, listen string) (string, error) {
	if dir == "" {
		base := os.Getenv("XDG_STATE_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("-data: no home directory to keep the cluster id in (%v): give -data DIR", err)
			}
			base = filepath.Join(home, ".local", "state")
		}
		dir = filepath.Join(base, "pegasus-node", cluster, strings.ReplaceAll(listen, ":", "_"))
	}
	return filepath.Join(dir, "cluster_id"), nil
}
