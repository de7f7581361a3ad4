// Package gen is pegasus-gen as a library. Generation runs in named stages,
// each wrapping its errors with its name:
//
//	load (kin-openapi, with positions) → build (IR) → check → emit → write
//
// A bad spec stops after the stage that found it, with every diagnostic of
// that stage, and nothing is written.
package gen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/token"
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
	spec, err := load.Load(ctx, in.SpecName, in.Spec)
	if err != nil {
		return nil, &StageError{"load", err}
	}
	api, diags := build.Build(spec)
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

// Generate runs every stage but write and returns the files, sorted by path.
func Generate(ctx context.Context, in Input) ([]emit.File, error) {
	cfg := in.Config
	if cfg == nil {
		cfg = &Config{}
	}
	api, err := API(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := applyFeatures(api, cfg.Features); err != nil {
		return nil, &StageError{"check", err}
	}
	if err := checkConfig(api, cfg); err != nil {
		return nil, &StageError{"check", err}
	}
	ec, err := cfg.emitConfig()
	if err != nil {
		return nil, &StageError{"emit", err}
	}
	files, err := emit.Emit(api, ec)
	if err != nil {
		return nil, &StageError{"emit", err}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// checkConfig refuses a config that names roles the spec lacks, gives a
// package a name Go does not accept, or gives two roles one package (their
// files would overwrite each other).
func checkConfig(api *ir.API, cfg *Config) error {
	known := map[string]string{}
	for _, r := range api.Roles {
		known[r.Name] = r.Package
	}
	var problems []string
	names := make([]string, 0, len(cfg.Roles))
	for n := range cfg.Roles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := known[n]; !ok {
			problems = append(problems, fmt.Sprintf("config roles: the spec has no role %q", n))
			continue
		}
		if p := cfg.Roles[n].Package; p != "" {
			if !token.IsIdentifier(p) || strings.ToLower(p) != p {
				problems = append(problems, fmt.Sprintf("config roles: %s: package %q is not a lower-case Go package name", n, p))
			}
			known[n] = p
		}
	}
	byPkg := map[string]string{}
	for _, r := range api.Roles {
		if len(cfg.Roles) > 0 {
			if _, chosen := cfg.Roles[r.Name]; !chosen {
				continue
			}
		}
		if other, ok := byPkg[known[r.Name]]; ok {
			problems = append(problems, fmt.Sprintf("config roles: %s and %s would both be package %q", other, r.Name, known[r.Name]))
		}
		byPkg[known[r.Name]] = r.Name
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// applyFeatures changes feature defaults as the config asks.
func applyFeatures(api *ir.API, set map[string]bool) error {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		on := set[name]
		found := false
		for _, f := range api.Features {
			if f.Name == name {
				f.Default, found = on, true
			}
		}
		if !found {
			return fmt.Errorf("config features: the spec has no feature %q", name)
		}
	}
	return nil
}

// Write replaces dir's generated files with files. Everything is written
// to temporary files first and renamed into place only when all writes
// succeeded, so a failure leaves the old output whole. Files in dir that a
// previous run generated but this one does not are removed.
func Write(dir string, files []emit.File) error {
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
	stale, err := extra(dir, files)
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
	ex, err := extra(dir, files)
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
// directories files are written to (a role's package, docs/) only: another
// spec may generate into other directories of the same output tree.
func extra(dir string, files []emit.File) ([]string, error) {
	want := map[string]bool{}
	dirs := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		dirs[path.Dir(f.Path)] = true
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
