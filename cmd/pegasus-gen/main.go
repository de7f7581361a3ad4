// Command pegasus-gen generates Go servers, clients, help indexes, an API
// reference and conformance suites from an OpenAPI description of the
// Pegasus HTTP admin API.
//
//	pegasus-gen                       regenerate generated/ from the bundled spec
//	pegasus-gen -check                exit 1 naming the stale files if the output is out of date
//	pegasus-gen -config pegasus-gen.yaml
//	pegasus-gen -spec my.yaml -out dir
//	pegasus-gen init [-module path] DIR   write a starter server module
//	pegasus-gen diff OLD NEW              classify the changes between two versions of a spec
//	pegasus-gen conform -meta host:port,…  check a running cluster (the same as pegasus-conform)
//
// Exit status: 0 done, 1 bad spec, bad config file or stale output, 2 usage
// error (a bad flag, a -spec or -config file that does not exist). conform
// has its own: 0 all checks passed, 1 checks failed, 2 usage error or a
// cluster that does not answer.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/specdiff"
	"github.com/pegasus-kv/pegasus-gen/gen/starter"
	"github.com/pegasus-kv/pegasus-gen/internal/conformcmd"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usage is what -h prints: the subcommands, then the generate flags.
const usage = `pegasus-gen generates Go servers, typed clients, help indexes, an API reference and
conformance suites from an OpenAPI description of the Pegasus HTTP admin API.

Usage:
  pegasus-gen [-config pegasus-gen.yaml] [-spec spec.yaml] [-out dir] [-check]
        generate (the default); -check writes nothing and exits 1 naming stale files
  pegasus-gen init [-module path] [-force] [-replace dir] [-no-tidy] DIR
        write a starter Go module into DIR: pegasus-gen as a Go tool, both roles generated,
        a handler per role and an in-process conformance test (pegasus-gen init -h)
  pegasus-gen diff [-format text|json|markdown] OLD NEW
        compare two versions of the spec (files or git revisions) by meaning; exit 1 on a
        breaking change (pegasus-gen diff -h)
  pegasus-gen conform -meta host:port[,host:port…] [-replica …] [-junit out.xml] [-json-report out.json] …
        check a running cluster against the bundled spec with both conformance suites
        (pegasus-gen conform -h); exit 0 passed, 1 checks failed, 2 usage error or unreachable
  pegasus-gen help [conventions]
        this text; conventions prints the rules of the spec dialect (the x-pegasus extensions)

Run it as a Go tool (go tool pegasus-gen, or //go:generate go tool pegasus-gen …) or as an
installed binary, not with go run: go run turns every failure into exit status 1.
Exit status: 0 done, 1 bad spec, bad config or stale output, 2 usage error.

Flags of generate:
`

// run is main without the process: pick the subcommand.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return sub(args[1:], stdout, stderr)
		}
	}
	return runGenerate(args, stdout, stderr)
}

// subcommands are the words that may come first; anything else is
// generate's flags.
var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"init":    runInit,
	"conform": runConform,
	"help":    runHelp,
	"diff": func(args []string, stdout, stderr io.Writer) int {
		return specdiff.Command(context.Background(), args, stdout, stderr)
	},
}

// runConform checks a running cluster: pegasus-conform under the one tool
// a server repo has (go tool pegasus-gen conform …), so that CI needs no
// second tool directive.
func runConform(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return conformcmd.Main(ctx, "pegasus-gen conform", args, stdout, stderr)
}

// runHelp prints the usage, or with "conventions" the dialect's rules,
// which diagnostics point to: a user's repo has no spec/CONVENTIONS.md.
func runHelp(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		return runGenerate([]string{"-h"}, stdout, stderr) // the same text, through generate's parse
	case len(args) == 1 && args[0] == "conventions":
		stdout.Write(spec.Conventions)
		return 0
	}
	fmt.Fprintf(stderr, "pegasus-gen help: unknown topic %q (the topics: conventions)\n", strings.Join(args, " "))
	return 2
}

// genFlags are generate's flags.
type genFlags struct {
	spec, out, config *string
	check             *bool
}

// generateFlags declares generate's flags on a new set.
func generateFlags() (*flag.FlagSet, genFlags) {
	fs := flag.NewFlagSet("pegasus-gen", flag.ContinueOnError)
	f := genFlags{
		spec:   fs.String("spec", "", "OpenAPI spec to generate from (default: the bundled spec/pegasus.yaml)"),
		out:    fs.String("out", "", "output directory (default: generated, or the config's out)"),
		config: fs.String("config", "", "pegasus-gen.yaml: package names, roles, features, outputs (default: ./pegasus-gen.yaml when there is one)"),
		check:  fs.Bool("check", false, "do not write; exit 1 and name the files that differ from what would be written"),
	}
	return fs, f
}

// runGenerate generates, or with -check compares.
func runGenerate(args []string, stdout, stderr io.Writer) int {
	fs, f := generateFlags()
	if code, done := parse(fs, args, usage, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pegasus-gen: unexpected arguments %q (the subcommands are init, conform, diff and help)\n", fs.Args())
		return 2
	}
	config := *f.config
	if config == "" && *f.spec == "" && *f.out == "" {
		// As go generate runs it, in the directory of pegasus-gen.yaml:
		// a config lying there is the one meant.
		if _, err := os.Stat(defaultConfig); err == nil {
			config = defaultConfig
		}
	}
	in, out, err := inputs(*f.spec, *f.out, config)
	if len(gen.Diagnostics(err)) > 0 {
		return report(stderr, err) // a bad config file: exit 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "pegasus-gen: %v\n", err)
		return 2
	}
	res, err := gen.Run(context.Background(), in)
	if err != nil {
		gen.KeepBroken(out, err) // generated Go that does not parse is kept beside the output, never printed
		return report(stderr, err)
	}
	if *f.check {
		return check(res, out, stdout, stderr)
	}
	ch, err := res.Write(out)
	if err != nil {
		return report(stderr, err)
	}
	say(stdout, out, ch)
	return 0
}

// defaultConfig is the config read when no flag names what to generate.
const defaultConfig = "pegasus-gen.yaml"

// say reports what a write did, in a line or two.
func say(w io.Writer, out string, ch *gen.Changes) {
	switch {
	case ch.Written == 0:
		fmt.Fprintf(w, "pegasus-gen: %s is up to date (%d files)\n", out, ch.Unchanged)
	default:
		fmt.Fprintf(w, "pegasus-gen: wrote %d of %d files to %s\n", ch.Written, ch.Written+ch.Unchanged, out)
	}
	if len(ch.Removed) > 0 {
		fmt.Fprintf(w, "pegasus-gen: removed %d file(s) no longer generated: %s\n", len(ch.Removed), strings.Join(ch.Removed, ", "))
	}
	if len(ch.RemovedDirs) > 0 {
		// go generate ./... lists packages before running, so it may still
		// try to read a package removed here: that error is harmless.
		fmt.Fprintf(w, "pegasus-gen: removed the emptied package(s) %s (if go generate ./... now says one of their files is missing, run it again)\n",
			strings.Join(ch.RemovedDirs, ", "))
	}
}

// parse parses a flag set whose help goes to stdout (asked for, exit 0)
// and whose usage errors go to stderr (exit 2); done says to stop.
func parse(fs *flag.FlagSet, args []string, text string, stdout, stderr io.Writer) (int, bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if err == nil {
		return 0, false
	}
	w, code := stderr, 2
	if errors.Is(err, flag.ErrHelp) {
		w, code = stdout, 0
	} else {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
	}
	fmt.Fprint(w, text)
	fs.SetOutput(w)
	fs.PrintDefaults()
	return code, true
}

// check compares the output directory with what would be written.
func check(res *gen.Output, out string, stdout, stderr io.Writer) int {
	stale, err := res.Stale(out)
	if err != nil {
		return report(stderr, err)
	}
	if len(stale) > 0 {
		fmt.Fprintf(stderr, "pegasus-gen: %s is stale; regenerate (go generate ./..., or pegasus-gen with the same flags) and commit the result:\n", out)
		for _, s := range stale {
			fmt.Fprintf(stderr, "  %s\n", filepath.Join(out, s))
		}
		return 1
	}
	fmt.Fprintf(stdout, "pegasus-gen: %s is up to date (%d files)\n", out, len(res.Files))
	return 0
}

// inputs resolves the spec, config and output directory from the flags.
func inputs(specPath, out, configPath string) (gen.Input, string, error) {
	in := gen.Input{SpecName: spec.Name, Spec: spec.Bundled, Config: &gen.Config{}}
	base, cite := "", ""
	if configPath != "" {
		data, err := os.ReadFile(configPath)
		if err != nil {
			return in, "", err
		}
		cfg, err := gen.ParseConfig(configPath, data)
		if cfg == nil {
			return in, "", err
		} // else Run reports the config's problems with those against the spec
		in.Config = cfg
		base = filepath.Dir(configPath)
		if specPath == "" && cfg.Spec != "" {
			specPath, cite = filepath.Join(base, cfg.Spec), filepath.ToSlash(filepath.Clean(cfg.Spec))
			if _, err := os.Stat(specPath); err != nil {
				return in, "", cfg.Problem("spec", "spec: cannot read %s: %v", specPath, errors.Unwrap(err))
			}
		}
		if out == "" && cfg.Out != "" {
			out = filepath.Join(base, cfg.Out)
		}
	}
	if specPath == "" {
		// In a pegasus-gen checkout, its spec on disk is what is meant,
		// not the copy built into this binary, which may be older.
		specPath, cite = checkoutSpec(), spec.Name
	}
	if specPath != "" {
		data, err := os.ReadFile(specPath)
		if err != nil {
			return in, "", err
		}
		in.SpecName, in.Spec, in.Cite = specPath, data, cite
	}
	if out == "" {
		out = filepath.Join(base, "generated")
	}
	return in, out, nil
}

// report prints a failure: each diagnostic on its own line, then the stage.
func report(stderr io.Writer, err error) int {
	if ds := gen.Diagnostics(err); len(ds) > 0 {
		for _, d := range ds {
			fmt.Fprintln(stderr, d.String())
		}
		var se *gen.StageError
		if errors.As(err, &se) {
			fmt.Fprintf(stderr, "pegasus-gen: %s: %d problem(s); nothing was written\n", se.Stage, len(ds))
		}
		return 1
	}
	fmt.Fprintf(stderr, "pegasus-gen: %v\n", err)
	return 1
}

// checkoutSpec is the bundled spec's file on disk when the working
// directory is inside a checkout of pegasus-gen (a go.mod of its module
// above it, with spec/pegasus.yaml beside), named relative to the working
// directory; else "". A pegasus-gen built before the spec was edited
// would otherwise regenerate the old spec over the new one and exit 0.
func checkoutSpec() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			if !bytes.HasPrefix(mod, []byte("module "+starter.GenModule+"\n")) {
				return "" // another module: the bundled spec it is
			}
			p := filepath.Join(dir, filepath.FromSlash(spec.Name))
			if _, err := os.Stat(p); err != nil {
				return ""
			}
			if rel, err := filepath.Rel(wd, p); err == nil {
				p = rel
			}
			return p
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}
