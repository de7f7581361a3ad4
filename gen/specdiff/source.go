package specdiff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// DefaultPath is the spec's path in a revision named without one.
const DefaultPath = "spec/pegasus.yaml"

// Read reads the spec an argument names: a file when one exists at that
// path; otherwise a git revision of the repository the current directory
// is in, as REV:PATH (PATH from the repository's top, or ./PATH from the
// current directory, as git reads it) or REV alone for REV:spec/pegasus.yaml.
// It returns the name positions cite: the file's path, or REV:PATH.
func Read(ctx context.Context, arg string) (name string, data []byte, err error) {
	if arg == "" {
		return "", nil, errors.New("an empty argument names no spec")
	}
	if st, err := os.Stat(arg); err == nil {
		if st.IsDir() {
			return "", nil, fmt.Errorf("%s is a directory, not a spec", arg)
		}
		data, err := os.ReadFile(arg)
		if err != nil {
			return "", nil, fmt.Errorf("cannot read %s: %w", arg, errors.Unwrap(err))
		}
		return arg, data, nil
	}
	obj := arg
	if !strings.Contains(arg, ":") {
		obj = arg + ":" + DefaultPath
	}
	if strings.HasPrefix(obj, "-") {
		return "", nil, fmt.Errorf("%s is neither a file nor a git revision", arg)
	}
	data, err = gitShow(ctx, obj)
	if err != nil {
		return "", nil, fmt.Errorf("%s is not a file, and git cannot read %s: %v", arg, obj, err)
	}
	return obj, data, nil
}

// gitShow is the bytes of a git object named REV:PATH.
func gitShow(ctx context.Context, obj string) ([]byte, error) {
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", "cat-file", "blob", obj)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		msg = strings.TrimPrefix(msg, "fatal: ")
		if msg == "" {
			msg = err.Error()
		}
		return nil, errors.New(msg)
	}
	return out.Bytes(), nil
}

// LoadError is a spec that does not load under this pegasus-gen: an old
// revision may use extensions the current loader refuses.
type LoadError struct {
	Name  string
	Err   error
	Lines []string // the diagnostics, one a line, sorted
}

// maxShown is how many diagnostics a LoadError's message shows.
const maxShown = 5

// Error names the spec and its first diagnostics.
func (e *LoadError) Error() string {
	if len(e.Lines) == 0 {
		return fmt.Sprintf("%s does not load under this version of pegasus-gen: %v", e.Name, e.Err)
	}
	shown := e.Lines
	more := ""
	if len(shown) > maxShown {
		shown, more = shown[:maxShown], fmt.Sprintf("\n  … and %d more", len(e.Lines)-maxShown)
	}
	return fmt.Sprintf("%s does not load under this version of pegasus-gen (%d problem(s)):\n  %s%s",
		e.Name, len(e.Lines), strings.Join(shown, "\n  "), more)
}

// Unwrap is the stage's error.
func (e *LoadError) Unwrap() error { return e.Err }

// Load builds a spec's IR as generation does (load, build, check): a spec
// this version finds a problem in is refused, with its diagnostics.
func Load(ctx context.Context, name string, data []byte) (*ir.API, error) {
	api, problems, err := LoadAsBuilt(ctx, name, data)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, &LoadError{Name: name, Lines: problems}
	}
	return api, nil
}

// LoadAsBuilt builds a spec's IR the way Specs compares it: as
// the spec builds under this version, with the problems this version finds
// in it (a spec written before a rule this version checks still compares).
// Only a spec that does not load at all is an error.
func LoadAsBuilt(ctx context.Context, name string, data []byte) (*ir.API, []string, error) {
	api, problems, err := gen.APIAsBuilt(ctx, gen.Input{SpecName: name, Spec: data})
	if err != nil {
		le := &LoadError{Name: name, Err: err}
		for _, d := range gen.Diagnostics(err) {
			le.Lines = append(le.Lines, d.String())
		}
		return nil, nil, le
	}
	var lines []string
	for _, d := range problems {
		lines = append(lines, d.String())
	}
	return api, lines, nil
}

// Specs reads, loads and compares two specs named as Read takes them. The
// problems this version finds in either are in the report: the diff says
// what a change breaks, and generation, not the diff, refuses a bad spec.
func Specs(ctx context.Context, oldArg, newArg string) (*Report, error) {
	var apis [2]*ir.API
	var names [2]string
	var problems [2][]string
	for i, arg := range []string{oldArg, newArg} {
		name, data, err := Read(ctx, arg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", [2]string{"OLD", "NEW"}[i], err)
		}
		api, lines, err := LoadAsBuilt(ctx, name, data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", [2]string{"OLD", "NEW"}[i], err)
		}
		apis[i], names[i], problems[i] = api, name, lines
	}
	r := Diff(names[0], apis[0], names[1], apis[1])
	r.OldProblems, r.NewProblems = problems[0], problems[1]
	return r, nil
}
