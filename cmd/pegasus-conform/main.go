// Command pegasus-conform checks a running Pegasus cluster against the
// spec with the generated conformance suites of both roles:
//
//	pegasus-conform -meta host:port[,host:port…] [-replica host:port,…] [-mutating]
//	                [-junit out.xml] [-json] [-features pprof=false] [-var table=t]
//
// ReplicaServers are found from /meta/nodes when -replica is not given.
// It prints the operations × checks summary and every failure with a curl
// line; exit 0 when all pass, 1 on failures, 2 on usage errors or an
// unreachable cluster. Without -mutating nothing on the cluster changes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/conformcmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the flags, checks the cluster and writes the reports.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pegasus-conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	metas := fs.String("meta", "", "MetaServers, host:port[,host:port…]")
	replicas := fs.String("replica", "", "ReplicaServers, host:port[,…] (default: the alive nodes of /meta/nodes)")
	mutating := fs.Bool("mutating", false, "also run the checks that change the cluster (writing operations, stateful scenarios)")
	junit := fs.String("junit", "", "write a JUnit XML report to this file")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of the summary")
	features := fs.String("features", "", "optional operations the servers have, e.g. pprof=false,envs_list=true")
	var vars kvFlag
	fs.Var(&vars, "var", "a scenario variable, name=value (repeatable), e.g. -var table=my_table")
	timeout := fs.Duration("timeout", 10*time.Second, "bound of each request")
	parallel := fs.Int("parallel", 4, "requests in flight per server")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pegasus-conform: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	feats, err := parseFeatures(*features)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-conform: -features:", err)
		return 2
	}
	res, err := conformcmd.Run(ctx, conformcmd.Options{
		Meta: split(*metas), Replica: split(*replicas), Mutating: *mutating,
		Features: feats, Vars: vars.m, Timeout: *timeout, Parallel: *parallel,
	})
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-conform:", err)
		if errors.Is(err, conformcmd.ErrUsage) {
			fs.Usage()
		}
		return 2
	}
	if *asJSON {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteSummary(stdout)
	}
	if err == nil && *junit != "" {
		err = writeFile(*junit, res.WriteJUnit)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-conform:", err)
		return 2
	}
	if res.Failed() {
		return 1
	}
	return 0
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseFeatures(s string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, kv := range split(s) {
		k, v, ok := strings.Cut(kv, "=")
		b, err := strconv.ParseBool(v)
		if !ok || err != nil {
			return nil, fmt.Errorf("%q: want name=true or name=false", kv)
		}
		out[k] = b
	}
	return out, nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// kvFlag collects repeated name=value flags.
type kvFlag struct{ m map[string]string }

func (f *kvFlag) String() string { return "" }

func (f *kvFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q: want name=value", s)
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	f.m[k] = v
	return nil
}
