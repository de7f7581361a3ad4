// Package gen is pegasus-gen as a library. Generation runs in named stages,
// each wrapping its errors with its name:
//
//	load (kin-openapi, with positions) → build (IR) → check → emit → write
//
// A bad spec stops after the stage that found it, and nothing is written.
// Its diagnostics come all at once, sorted: kin-openapi's validation and
// build read the same document, so a spec's validation errors and build
// problems are reported together; check reads the IR build made, so it
// reports when build found nothing. A bad config file (config stage) is
// placed in that file.
package gen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/build"
	"github.com/pegasus-kv/pegasus-gen/gen/check"
	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

// StageError is a failure of one stage.
type StageError struct {
	Stage string
	Err   error
}

// Error names the stage first, as "build: …".
func (e *StageError) Error() string { return e.Stage + ": " + e.Err.Error() }

// Unwrap gives access to the stage's own error (a *diag.Error for specs).
func (e *StageError) Unwrap() error { return e.Err }

// Diagnostics returns the diagnostics inside err, if it carries any.
func Diagnostics(err error) diag.List {
	var de *diag.Error
	if errors.As(err, &de) {
		return de.List.Sorted()
	}
	return nil
}

// Input is one generation request.
type Input struct {
	// SpecName is the spec's name in diagnostics, as the user wrote it.
	SpecName string
	Spec     []byte
	Config   *Config
}

// API runs load, build and check, returning the IR. Validation and build
// both read the loaded document, so the diagnostics of both come in one
// run; check reads the IR, so it runs when build made a whole one.
func API(ctx context.Context, in Input) (api *ir.API, err error) {
	defer recoverBug(&err)
	spec, err := load.Load(ctx, in.SpecName, in.Spec)
	if err != nil {
		return nil, &StageError{"load", err}
	}
	api, diags := build.Build(spec)
	diags = spec.Drop(diags) // what follows from a bad $ref, reported already
	// Validation ran beside build; its stage comes first.
	stage := "build"
	if verr := spec.Valid(); verr != nil {
		stage = "load"
		diags = append(Diagnostics(verr), diags...)
	}
	if len(diags) == 0 {
		stage = "check"
		diags = check.Check(api)
	}
	if err := diags.Err(); err != nil {
		return nil, &StageError{stage, err}
	}
	return api, nil
}

// recoverBug turns a panic in a stage into an error naming it a bug, so
// that a user sees one line and no stack trace.
func recoverBug(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("pegasus-gen failed on this spec, which is a bug in pegasus-gen: please report it with the spec (%v)", r)
	}
}

// Output is what a run makes: the files, sorted by path, and the
// directories of the output tree it owns (see emit.Dirs).
type Output struct {
	Files []emit.File
	Dirs  []string
}

// Generate runs every stage but write and returns the files, sorted by path.
func Generate(ctx context.Context, in Input) ([]emit.File, error) {
	out, err := Run(ctx, in)
	if err != nil {
		return nil, err
	}
	return out.Files, nil
}

// Run is Generate, also returning the directories the run owns, for
// Output.Write and Output.Stale to clean up after outputs switched off.
func Run(ctx context.Context, in Input) (out *Output, err error) {
	defer recoverBug(&err)
	cfg := in.Config
	if cfg == nil {
		cfg = &Config{}
	}
	api, err := API(ctx, in)
	if err != nil {
		if len(cfg.problems) > 0 { // the config's own problems first, as when it is parsed
			return nil, &StageError{"config", cfg.problems.Err()}
		}
		return nil, err
	}
	// The config's own problems and those against the spec, in one run.
	if err := append(append(diag.List(nil), cfg.problems...), checkConfig(api, cfg)...).Err(); err != nil {
		return nil, &StageError{"config", err}
	}
	applyFeatures(api, cfg.Features)
	ec := cfg.emitConfig()
	files, err := emit.Emit(api, ec)
	if err != nil {
		return nil, &StageError{"emit", err}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return &Output{Files: files, Dirs: emit.Dirs(api, ec)}, nil
}

// KeepBroken writes the source of each file err says does not format
// beside where it would have gone, as <path>.broken, and records the name
// in the error, so that the source is there to read and to report but is
// never printed at the user. It returns the files written.
func KeepBroken(dir string, err error) []string {
	var kept []string
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*emit.FormatError); ok {
			p := filepath.Join(dir, filepath.FromSlash(fe.Path)) + ".broken"
			if os.MkdirAll(filepath.Dir(p), 0o755) == nil && os.WriteFile(p, fe.Source, 0o644) == nil {
				fe.Kept = p
				kept = append(kept, p)
			}
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return kept
}

// Write replaces dir's generated files with files. Everything is written
// to temporary files first and renamed into place only when all writes
// succeeded, so a failure leaves the old output whole. Files in dir that a
// previous run generated but this one does not are removed.
func Write(dir string, files []emit.File) error {
	return (&Output{Files: files}).Write(dir)
}

// Write is the package's Write, also removing pegasus-gen's files from the
// directories o owns that this run no longer writes.
func (o *Output) Write(dir string) error {
	files := o.Files
	var tmps []string
	cleanup := func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			cleanup()
			return &StageError{"write", err}
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, f.Data, 0o644); err != nil {
			cleanup()
			return &StageError{"write", err}
		}
		tmps = append(tmps, tmp)
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], filepath.Join(dir, filepath.FromSlash(f.Path))); err != nil {
			cleanup()
			return &StageError{"write", err}
		}
	}
	stale, err := extra(dir, files, o.Dirs)
	if err != nil {
		return &StageError{"write", err}
	}
	for _, s := range stale {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(s))); err != nil {
			return &StageError{"write", err}
		}
	}
	return nil
}

// Stale lists the files under dir that differ from files: changed, missing,
// or generated earlier but no longer produced.
func Stale(dir string, files []emit.File) ([]string, error) {
	return (&Output{Files: files}).Stale(dir)
}

// Stale is the package's Stale, also naming pegasus-gen's files in the
// directories o owns that this run would not write.
func (o *Output) Stale(dir string) ([]string, error) {
	files := o.Files
	var out []string
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		switch {
		case err != nil:
			out = append(out, f.Path+" (missing)")
		case !bytes.Equal(got, f.Data):
			out = append(out, f.Path+" (differs)")
		}
	}
	ex, err := extra(dir, files, o.Dirs)
	if err != nil {
		return nil, err
	}
	for _, e := range ex {
		out = append(out, e+" (no longer generated)")
	}
	sort.Strings(out)
	return out, nil
}

// extra lists generated-looking files that files does not contain, in the
// directories files are written to and those owned (a role's packages,
// docs/) only: another spec may generate into other directories of the
// same output tree.
func extra(dir string, files []emit.File, owned []string) ([]string, error) {
	want := map[string]bool{}
	dirs := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		dirs[path.Dir(f.Path)] = true
	}
	for _, d := range owned {
		dirs[d] = true
	}
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if want[rel] || !dirs[path.Dir(rel)] || !ours(p) {
			return nil
		}
		out = append(out, rel)
		return nil
	})
	return out, err
}

// ours reports whether a file is pegasus-gen output, so that hand-written
// files living beside generated ones are never touched.
func ours(p string) bool {
	if strings.HasSuffix(p, "_gen.go") {
		data, err := os.ReadFile(p)
		return err == nil && bytes.HasPrefix(data, []byte("// "+emit.Header))
	}
	base := filepath.Base(p)
	return base == "help_index.json" || base == "http-api.md" || base == "conform_spec.json"
}
