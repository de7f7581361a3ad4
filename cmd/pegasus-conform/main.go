// Command pegasus-conform checks a running Pegasus cluster against the
// spec with the generated conformance suites of both roles:
//
//	pegasus-conform -meta host:port[,host:port…] [-replica host:port,…] [-mutating]
//	                [-junit out.xml] [-json] [-features pprof=false] [-var table=t]
//	                [-ops 'GET /meta/app,/version'] [-complete]
//
// Addresses may be given as http://host:port too. A server of several that
// does not answer is reported (and fails the run); the others are checked.
// An operation a server does not implement (a valid request answered with
// the 404 of an unregistered path) is named and skipped; -complete fails it.
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
	"net"
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
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `pegasus-conform checks a running Pegasus cluster against the spec with the generated
conformance suites of both roles (read-only unless -mutating).

Usage: pegasus-conform -meta host:port[,host:port…] [-replica host:port,…] [flags]

Exit status: 0 all checks passed, 1 checks failed (or a server given did not answer),
2 usage error, or no server of a role answered.

Flags:
`)
		fs.PrintDefaults()
	}
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
	ops := fs.String("ops", "", "check only these operations, comma-separated: 'GET /meta/app', '/meta/app' or 'GetMetaApp'")
	complete := fs.Bool("complete", false, "fail operations a server does not implement (default: name and skip them)")
	fs.SetOutput(io.Discard) // the usage is printed below, once, where it belongs
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout) // asked for: stdout, exit 0
			fs.Usage()
			return 0
		}
		fs.SetOutput(stderr)
		fmt.Fprintln(stderr, "pegasus-conform:", err)
		fs.Usage()
		return 2
	}
	fs.SetOutput(stderr)
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pegasus-conform: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	feats, err := parseFeatures(*features)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-conform: -features:", err)
		return 2
	}
	metaAddrs, err := addrs(*metas)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-conform: -meta:", err)
		return 2
	}
	replicaAddrs, err := addrs(*replicas)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-conform: -replica:", err)
		return 2
	}
	if err := writable(*junit); err != nil {
		fmt.Fprintln(stderr, "pegasus-conform:", err)
		return 2
	}
	return check(ctx, conformcmd.Options{
		Meta: metaAddrs, Replica: replicaAddrs, Mutating: *mutating, Features: feats, Vars: vars.m, Timeout: *timeout,
		Parallel: *parallel, Operations: split(*ops), RequireComplete: *complete,
	}, fs, *asJSON, *junit, stdout, stderr)
}

// check runs the suites and writes the reports; the exit code says how it
// went.
func check(ctx context.Context, o conformcmd.Options, fs *flag.FlagSet, asJSON bool, junit string, stdout, stderr io.Writer) int {
	res, err := conformcmd.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-conform:", err)
		if errors.Is(err, conformcmd.ErrUsage) {
			fs.Usage()
		}
		return 2
	}
	if asJSON {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteSummary(stdout)
	}
	if err == nil && junit != "" {
		err = writeFile(junit, res.WriteJUnit)
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

// addrs reads a list of servers, each host:port or http://host:port[/].
func addrs(s string) ([]string, error) {
	var out []string
	for _, a := range split(s) {
		if strings.HasPrefix(a, "https://") {
			return nil, fmt.Errorf("%q: the admin API is plain HTTP; give host:port or http://host:port", a)
		}
		a = strings.TrimSuffix(strings.TrimPrefix(a, "http://"), "/")
		if _, _, err := net.SplitHostPort(a); err != nil || strings.ContainsAny(a, "/?#") {
			return nil, fmt.Errorf("%q is not a server address: give host:port or http://host:port", a)
		}
		out = append(out, a)
	}
	return out, nil
}

// writable refuses a -junit path that cannot be written before a run that
// may take minutes, rather than after it.
func writable(path string) error {
	if path == "" {
		return nil
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("-junit: %v", err)
	}
	f.Close()
	if statErr != nil {
		// Made only to try: a run that ends early must leave no empty
		// report for CI to read.
		os.Remove(path)
	}
	return nil
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
