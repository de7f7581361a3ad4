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
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/check"
	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/irbuild"
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
	// Cite, when set, is the spec's name as generated output cites it
	// (package doc, API reference, first line of every Go file): the path
	// as the config writes it, so that the output is the same from any
	// working directory. Empty cites SpecName.
	Cite   string
	Spec   []byte
	Config *Config
}

// API runs load, build and check, returning the IR. Validation and build
// both read the loaded document, so the diagnostics of both come in one
// run; check reads the IR, so it runs when build made a whole one.
func API(ctx context.Context, in Input) (api *ir.API, err error) {
	defer recoverBug(&err)
	api, stage, diags, err := built(ctx, in)
	if err != nil {
		return nil, &StageError{stage, err}
	}
	if err := diags.Err(); err != nil {
		return nil, &StageError{stage, err}
	}
	if in.Cite != "" {
		api.SpecName = irbuild.CitedName(in.Cite)
		api.Header = irbuild.Header(api.SpecName)
	}
	return api, nil
}

// APIAsBuilt is API for a tool that reads specs written for another
// version of the dialect: pegasus-gen diff compares the spec before a
// change, which may predate a rule this version checks. It returns the IR
// as the spec builds, with the problems this version finds in it, sorted,
// rather than no IR; it fails only when the spec does not load at all
// (its YAML, or an OpenAPI document it cannot decode).
func APIAsBuilt(ctx context.Context, in Input) (api *ir.API, problems diag.List, err error) {
	defer recoverBug(&err)
	api, stage, diags, err := built(ctx, in)
	if err != nil {
		return nil, nil, &StageError{stage, err}
	}
	return api, diags.Sorted(), nil
}

// built runs load, build and check, and says which stage found the
// problems: validation runs beside build, so its stage comes first, and
// check runs only on an IR that built without any.
func built(ctx context.Context, in Input) (api *ir.API, stage string, diags diag.List, err error) {
	spec, err := load.Load(ctx, in.SpecName, in.Spec)
	if err != nil {
		return nil, "load", nil, err
	}
	api, diags = irbuild.Build(spec)
	diags = spec.Drop(diags) // what follows from a bad $ref, reported already
	stage = "build"
	if verr := spec.Valid(); verr != nil {
		stage = "load"
		diags = append(Diagnostics(verr), diags...)
	}
	if len(diags) == 0 {
		stage = "check"
		diags = check.Check(api)
	}
	return api, stage, diags, nil
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
	// Header is the generated-code line of the spec's Go files, and Spec
	// the spec's name as the output cites it: how a later run tells its
	// own files from another spec's in a shared tree.
	Header, Spec string
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
	return &Output{Files: files, Dirs: emit.Dirs(api, ec), Header: api.Header, Spec: api.SpecName}, nil
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
	_, err := (&Output{Files: files}).Write(dir)
	return err
}

// Write is the package's Write, also removing pegasus-gen's files that
// this run no longer writes: in the directories o owns, and anywhere in
// the tree for files of o's spec (a package renamed or a role dropped), and
// then the directories that leaves empty. A file whose bytes are already
// right is not rewritten, so its time stays and builds stay cached. It
// returns what it did.
func (o *Output) Write(dir string) (*Changes, error) {
	var changed []emit.File
	for _, f := range o.Files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || !bytes.Equal(got, f.Data) {
			changed = append(changed, f)
		}
	}
	if err := writeAll(dir, changed); err != nil {
		return nil, &StageError{"write", err}
	}
	stale, err := extra(dir, o)
	if err != nil {
		return nil, &StageError{"write", err}
	}
	ch := &Changes{Written: len(changed), Unchanged: len(o.Files) - len(changed), Removed: stale}
	for _, s := range stale {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(s))); err != nil {
			return nil, &StageError{"write", err}
		}
	}
	ch.RemovedDirs = removeEmptied(dir, stale)
	return ch, nil
}

// Changes is what Output.Write did.
type Changes struct {
	Written, Unchanged int
	// Removed are the files no longer generated, RemovedDirs the
	// directories that left empty, both relative to the output directory.
	Removed, RemovedDirs []string
}

// writeAll writes files into dir through temporary files renamed into
// place only once all are written.
func writeAll(dir string, files []emit.File) error {
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
			return err
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, f.Data, 0o644); err != nil {
			cleanup()
			return err
		}
		tmps = append(tmps, tmp)
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], filepath.Join(dir, filepath.FromSlash(f.Path))); err != nil {
			cleanup()
			return err
		}
	}
	return nil
}

// removeEmptied removes the directories of removed files that are now
// empty, deepest first, never dir itself, and returns them.
func removeEmptied(dir string, removed []string) []string {
	seen := map[string]bool{}
	var dirs []string
	for _, r := range removed {
		for d := path.Dir(r); d != "." && d != "/" && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	// Deepest first, so a parent is tried once its children are gone.
	sort.Slice(dirs, func(i, j int) bool {
		di, dj := strings.Count(dirs[i], "/"), strings.Count(dirs[j], "/")
		if di != dj {
			return di > dj
		}
		return dirs[i] < dirs[j]
	})
	var gone []string
	for _, d := range dirs {
		if os.Remove(filepath.Join(dir, filepath.FromSlash(d))) == nil {
			gone = append(gone, d)
		}
	}
	return gone
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
	ex, err := extra(dir, o)
	if err != nil {
		return nil, err
	}
	for _, e := range ex {
		out = append(out, e+" (no longer generated)")
	}
	sort.Strings(out)
	return out, nil
}

// extra lists pegasus-gen's files under dir that o does not write: any of
// its spec's Go files (known by their first line, which names the spec),
// anywhere in the tree, so a renamed package or a dropped role is cleaned
// up; any pegasus-gen file in the directories o owns, so is the package of
// an output switched off; and the non-Go outputs beside them. Files of
// another spec generated into the same tree, and hand-written files, are
// never listed.
func extra(dir string, o *Output) ([]string, error) {
	want := map[string]bool{}
	dirs := map[string]bool{} // owned: written to, or the config's packages
	for _, f := range o.Files {
		want[f.Path] = true
		dirs[path.Dir(f.Path)] = true
	}
	for _, d := range o.Dirs {
		dirs[d] = true
	}
	mine := map[string]bool{} // directories holding this spec's Go files
	var out, others []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() || !ownedName(rel) {
			return nil
		}
		if !strings.HasSuffix(rel, "_gen.go") {
			others = append(others, rel)
			return nil
		}
		line, ok := genLine(p)
		if !ok {
			return nil
		}
		spec := o.Header != "" && line == "// "+o.Header
		if spec {
			mine[path.Dir(rel)] = true
		}
		if !want[rel] && (spec || dirs[path.Dir(rel)]) {
			out = append(out, rel)
		}
		return nil
	})
	for _, rel := range others {
		d := path.Dir(rel)
		if !want[rel] && (mine[d] || dirs[d] && (path.Base(rel) != "http-api.md" || o.citesSpec(filepath.Join(dir, rel)))) {
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	return out, err
}

// ownedName is a file name pegasus-gen writes: Go files ending _gen.go,
// and its non-Go outputs.
func ownedName(rel string) bool {
	base := path.Base(rel)
	return strings.HasSuffix(base, "_gen.go") || base == "help_index.json" || base == "http-api.md" || base == "conform_spec.json"
}

// genLine is a Go file's first line when it is pegasus-gen's
// generated-code line.
func genLine(p string) (string, bool) {
	f, err := os.Open(p)
	if err != nil {
		return "", false
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, _ := io.ReadFull(f, buf)
	line, _, _ := bytes.Cut(buf[:n], []byte("\n"))
	return string(line), bytes.HasPrefix(line, []byte("// "+ir.GeneratedPrefix))
}

// citesSpec reports whether an API reference names o's spec as its
// source, so that another spec's reference in docs/ is left alone.
func (o *Output) citesSpec(p string) bool {
	data, err := os.ReadFile(p)
	return err == nil && (o.Spec == "" || bytes.Contains(data, []byte("`"+o.Spec+"`")))
}
