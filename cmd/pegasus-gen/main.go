// Command pegasus-gen generates Go servers, clients, help indexes and an API
// reference from the Pegasus OpenAPI description.
//
//	pegasus-gen                       regenerate generated/ from the bundled spec
//	pegasus-gen -check                exit 1 naming the stale files if generated/ is out of date
//	pegasus-gen -config pegasus-gen.yaml
//	pegasus-gen -spec my.yaml -out dir
//
// Exit status: 0 done, 1 bad spec, bad config file or stale output, 2 usage
// error (a bad flag, a -spec or -config file that does not exist).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: parse flags, call the library.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pegasus-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specFlag := fs.String("spec", "", "OpenAPI spec to generate from (default: the bundled spec/pegasus.yaml)")
	outFlag := fs.String("out", "", "output directory (default: generated, or the config's out)")
	configFlag := fs.String("config", "", "pegasus-gen.yaml: package names, roles, features, outputs")
	checkFlag := fs.Bool("check", false, "do not write; exit 1 and name the files that differ from what would be written")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pegasus-gen: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return 2
	}
	in, out, err := inputs(*specFlag, *outFlag, *configFlag)
	if len(gen.Diagnostics(err)) > 0 {
		return report(stderr, err) // a bad config file: exit 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "pegasus-gen: %v\n", err)
		return 2
	}
	files, err := gen.Generate(context.Background(), in)
	if err != nil {
		gen.KeepBroken(out, err) // generated Go that does not parse is kept beside the output, never printed
		return report(stderr, err)
	}
	if *checkFlag {
		stale, err := gen.Stale(out, files)
		if err != nil {
			return report(stderr, err)
		}
		if len(stale) > 0 {
			fmt.Fprintf(stderr, "pegasus-gen: %s is stale; run pegasus-gen (make generate) and commit the result:\n", out)
			for _, s := range stale {
				fmt.Fprintf(stderr, "  %s\n", filepath.Join(out, s))
			}
			return 1
		}
		return 0
	}
	if err := gen.Write(out, files); err != nil {
		return report(stderr, err)
	}
	fmt.Fprintf(stdout, "pegasus-gen: wrote %d files to %s\n", len(files), out)
	return 0
}

// inputs resolves the spec, config and output directory from the flags.
func inputs(specPath, out, configPath string) (gen.Input, string, error) {
	in := gen.Input{SpecName: spec.Name, Spec: spec.Bundled, Config: &gen.Config{}}
	base := ""
	if configPath != "" {
		data, err := os.ReadFile(configPath)
		if err != nil {
			return in, "", err
		}
		cfg, err := gen.ParseConfig(configPath, data)
		if err != nil {
			return in, "", err
		}
		in.Config = cfg
		base = filepath.Dir(configPath)
		if specPath == "" && cfg.Spec != "" {
			specPath = filepath.Join(base, cfg.Spec)
			if _, err := os.Stat(specPath); err != nil {
				return in, "", cfg.Problem("spec", "spec: cannot read %s: %v", specPath, errors.Unwrap(err))
			}
		}
		if out == "" && cfg.Out != "" {
			out = filepath.Join(base, cfg.Out)
		}
	}
	if specPath != "" {
		data, err := os.ReadFile(specPath)
		if err != nil {
			return in, "", err
		}
		in.SpecName, in.Spec = specPath, data
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
