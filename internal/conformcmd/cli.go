package conformcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// usageText is what -h prints above the flags; %[1]s is the command's name.
const usageText = `%[1]s checks a running Pegasus cluster against the spec with the generated
conformance suites of both roles (read-only unless -mutating).

Usage: %[1]s -meta host:port[,host:port…] [-replica host:port,…] [flags]

Exit status: 0 all checks passed, 1 checks failed (or a server given did not answer),
2 usage error, or no server of a role answered. The reports (-junit, -json-report) are
written on every path that gets past reading the flags, exit 2 included: a server that
could not be reached, or the usage error, is a failed test case there.

Flags:
`

// cliFlags are the command's flags, as parsed.
type cliFlags struct {
	metas, replicas, junit, jsonReport, features, ops *string
	mutating, asJSON, complete, defaultState          *bool
	timeout                                           *time.Duration
	parallel                                          *int
	vars                                              kvFlag
}

// declare puts the flags on fs.
func declare(fs *flag.FlagSet) *cliFlags {
	f := &cliFlags{
		metas:      fs.String("meta", "", "MetaServers, host:port[,host:port…]"),
		replicas:   fs.String("replica", "", "ReplicaServers, host:port[,…] (default: the alive nodes of /meta/nodes)"),
		mutating:   fs.Bool("mutating", false, "also run the checks that change the cluster (writing operations, stateful scenarios)"),
		junit:      fs.String("junit", "", "write a JUnit XML report to this file"),
		jsonReport: fs.String("json-report", "", "write the JSON report (as -json prints it) to this file, for scripts"),
		asJSON:     fs.Bool("json", false, "print the report as JSON instead of the summary"),
		features:   fs.String("features", "", "optional operations the servers have, e.g. pprof=false,envs_list=true"),
		timeout:    fs.Duration("timeout", 10*time.Second, "bound of each request"),
		parallel:   fs.Int("parallel", 4, "requests in flight per server"),
		ops:        fs.String("ops", "", "check only these operations, comma-separated: 'GET /meta/app', '/meta/app' or 'GetMetaApp'"),
		complete:   fs.Bool("complete", false, "fail operations a server does not implement (default: name and skip them)"),
		defaultState: fs.Bool("default-state", false, "the cluster holds the state the spec's examples describe (the onebox's default): "+
			"check each example's status and named body exactly (default: only what the arguments decide, whatever the cluster holds)"),
	}
	fs.Var(&f.vars, "var", "a scenario variable, name=value (repeatable), e.g. -var table=my_table")
	return f
}

// Main is the whole command, for pegasus-conform and pegasus-gen conform
// alike: name is how it calls itself in messages. It returns the exit
// status.
func Main(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	usage := func(w io.Writer) {
		fmt.Fprintf(w, usageText, name)
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	f := declare(fs)
	fs.SetOutput(io.Discard) // the usage is printed below, once, where it belongs
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout) // asked for: stdout, exit 0
			return 0
		}
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		usage(stderr)
		// The flags before the bad one are set: a -junit given there
		// still gets its report.
		return f.failEarly(name, err.Error(), stderr)
	}
	o, err := f.options(fs)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if !errors.Is(err, errUnwritable) {
			return f.failEarly(name, err.Error(), stderr)
		}
		return 2
	}
	return f.check(ctx, name, o, usage, stdout, stderr)
}

// errUnwritable is a report path that cannot be written, refused before a
// run that may take minutes.
var errUnwritable = errors.New("cannot write the report")

// options checks what the flags say and turns it into Options.
func (f *cliFlags) options(fs *flag.FlagSet) (Options, error) {
	var o Options
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, p := range []struct{ flag, path string }{{"-junit", *f.junit}, {"-json-report", *f.jsonReport}} {
		if err := writable(p.path); err != nil {
			return o, fmt.Errorf("%w: %s: %v", errUnwritable, p.flag, err)
		}
	}
	feats, err := parseFeatures(*f.features)
	if err != nil {
		return o, fmt.Errorf("-features: %v", err)
	}
	metaAddrs, err := addrs(*f.metas)
	if err != nil {
		return o, fmt.Errorf("-meta: %v", err)
	}
	replicaAddrs, err := addrs(*f.replicas)
	if err != nil {
		return o, fmt.Errorf("-replica: %v", err)
	}
	return Options{
		Meta: metaAddrs, Replica: replicaAddrs, Mutating: *f.mutating, Features: feats, Vars: f.vars.m, Timeout: *f.timeout,
		Parallel: *f.parallel, Operations: split(*f.ops), RequireComplete: *f.complete, DefaultState: *f.defaultState,
	}, nil
}

// check runs the suites and writes the reports; the exit code says how it
// went.
func (f *cliFlags) check(ctx context.Context, name string, o Options, usage func(io.Writer), stdout, stderr io.Writer) int {
	res, err := Run(ctx, o)
	code := 0
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if errors.Is(err, ErrUsage) {
			usage(stderr)
		}
		res, code = Unchecked(o, err), 2
	} else {
		if *f.asJSON {
			err = res.WriteJSON(stdout)
		} else {
			err = res.WriteSummary(stdout)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			code = 2
		} else if res.Failed() {
			code = 1
		}
	}
	if err := f.writeReports(res); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	return code
}

// failEarly writes the reports of a run stopped by a usage error, and
// returns 2.
func (f *cliFlags) failEarly(name, msg string, stderr io.Writer) int {
	res := &Result{Errors: []RunError{{Kind: "usage", Message: msg}}}
	if err := f.writeReports(res); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
	}
	return 2
}

// writeReports writes the files the flags ask for.
func (f *cliFlags) writeReports(res *Result) error {
	if *f.junit != "" {
		if err := writeFile(*f.junit, res.WriteJUnit); err != nil {
			return fmt.Errorf("-junit: %v", err)
		}
	}
	if *f.jsonReport != "" {
		if err := writeFile(*f.jsonReport, res.WriteJSON); err != nil {
			return fmt.Errorf("-json-report: %v", err)
		}
	}
	return nil
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

// writable refuses a report path that cannot be written before a run
// that may take minutes, rather than after it.
func writable(path string) error {
	if path == "" {
		return nil
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	f.Close()
	if statErr != nil {
		// Made only to try; the run writes it whatever happens next.
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
