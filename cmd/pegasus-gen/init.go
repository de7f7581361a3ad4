package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/starter"
)

// initUsage is what init -h prints above its flags.
const initUsage = `Usage: pegasus-gen init [-module path] [-force] [-replace dir] [-no-tidy] DIR

Writes a starter Go module into DIR (created if missing): go.mod with pegasus-gen as a Go
tool, pegasus-gen.yaml (both roles, every output), generate.go with the //go:generate line,
a handler per role embedding the Unimplemented type, main.go serving both roles, a test
that runs both generated conformance suites in process, and a CI workflow
(.github/workflows/pegasus.yml, GitHub Actions: -check, vet, test, then the server started
on loopback and checked with pegasus-gen conform, its JUnit and JSON reports uploaded). Then it generates the packages and
runs go mod tidy, so that in DIR this passes:

    go generate ./... && go vet ./... && go test ./...

Flags:
`

// runInit is the init subcommand.
func runInit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pegasus-gen init", flag.ContinueOnError)
	module := fs.String("module", "", "module path of the new module (default: example.com/<DIR's name>)")
	force := fs.Bool("force", false, "write into DIR even if it has files (never over one: a go.mod, main.go… already there is refused)")
	replace := fs.String("replace", "", "pegasus-gen checkout for a replace directive (default: the checkout this binary was built from, if any)")
	noTidy := fs.Bool("no-tidy", false, "do not run go mod tidy (offline; run it yourself before building)")
	if code, done := parse(fs, args, initUsage, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "pegasus-gen init: give one directory, e.g. pegasus-gen init ./pegasus-admin")
		return 2
	}
	dir := fs.Arg(0)
	opts := starter.Options{Dir: dir, Module: *module, Force: *force}
	if err := origin(&opts, *replace); err != nil {
		fmt.Fprintf(stderr, "pegasus-gen init: %v\n", err)
		return 2
	}
	names, err := starter.Write(opts)
	if err != nil {
		fmt.Fprintf(stderr, "pegasus-gen init: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "pegasus-gen init: wrote %s in %s\n", strings.Join(names, ", "), dir)
	if opts.Replace != "" {
		fmt.Fprintf(stdout, "pegasus-gen init: pegasus-gen is not published yet, so go.mod replaces it with the checkout %s\n", opts.Replace)
	}
	if code := generateIn(dir, stdout, stderr); code != 0 {
		return code
	}
	if !*noTidy {
		if err := goModTidy(dir); err != nil {
			fmt.Fprintf(stderr, "pegasus-gen init: go mod tidy in %s: %v\nrun it there yourself before building\n", dir, err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "\nNext:\n  cd %s\n  go generate ./... && go vet ./... && go test ./...\n  go test -v -run Conformance .   # names each operation not implemented yet\n  go run .                        # serves the MetaServer on 127.0.0.1:34601 and the ReplicaServer on 127.0.0.1:34801\n", dir)
	return 0
}

// origin decides how the new module gets pegasus-gen: a replace to a
// checkout (-replace, or the one this binary was built from), else the
// version this binary is.
func origin(o *starter.Options, replace string) error {
	if replace != "" {
		abs, err := filepath.Abs(replace)
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
			return fmt.Errorf("-replace %s: not a module checkout (%v)", replace, err)
		}
		o.Replace = abs
		return nil
	}
	o.Replace, o.Version = starter.Origin()
	if o.Replace == "" && o.Version == "" {
		return errors.New("cannot tell which pegasus-gen this is (not built from a checkout, no release version): pass -replace with a pegasus-gen checkout")
	}
	return nil
}

// generateIn runs generation as go generate will, with the starter's
// config, so that the module builds before its first go generate.
func generateIn(dir string, stdout, stderr io.Writer) int {
	in, out, err := inputs("", "", filepath.Join(dir, "pegasus-gen.yaml"))
	if err != nil {
		fmt.Fprintf(stderr, "pegasus-gen init: %v\n", err)
		return 1
	}
	res, err := gen.Run(context.Background(), in)
	if err == nil {
		_, err = res.Write(out)
	}
	if err != nil {
		return report(stderr, err)
	}
	fmt.Fprintf(stdout, "pegasus-gen init: generated %d files into %s\n", len(res.Files), out)
	return 0
}

// goModTidy fills go.mod's requirements and go.sum, through the module
// proxy as usual.
func goModTidy(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "mod", "tidy")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, out)
	}
	return nil
}
