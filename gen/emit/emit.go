// Package emit is the fourth stage: it turns the IR into files. Go code is
// built with jennifer and text with the embedded templates; nothing here
// reads the spec or computes a name, so emitters can be tested on IR values
// built by hand.
//
// One emitter per output kind (types, server, client, runtime, help index,
// docs); each file is produced by small functions, one per declaration kind.
package emit

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/emit/fastfmt"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// File is one output file, with its path relative to the output directory.
type File struct {
	Path string
	Data []byte
}

// Outputs selects what to emit.
type Outputs struct {
	Server bool
	Client bool
	Help   bool
	Docs   bool
	// Conform is the conformance suite, a package of its own per role.
	Conform bool
}

// AllOutputs is every output kind.
var AllOutputs = Outputs{Server: true, Client: true, Help: true, Docs: true, Conform: true}

// Config is what the caller decides about the output.
type Config struct {
	Outputs Outputs
	// Roles restricts output to these roles; empty means all.
	Roles []string
	// Packages overrides the Go package name per role, and
	// ConformPackages that of its conformance suite.
	Packages        map[string]string
	ConformPackages map[string]string
}

// job makes one file.
type job struct {
	path string
	make func() ([]byte, error)
}

// Emit produces every file for api, in a fixed order. Files are made
// concurrently, each being independent, by one worker per processor and
// the costliest first: a goroutine per file had every file's syntax trees
// alive at once, which set the peak memory of a large spec, and a large
// file started last would finish alone.
func Emit(api *ir.API, cfg Config) ([]File, error) {
	var jobs []job
	for _, role := range api.Roles {
		if !wanted(cfg.Roles, role.Name) {
			continue
		}
		jobs = append(jobs, roleJobs(api, cfg.packaged(role), cfg.Outputs)...)
	}
	if cfg.Outputs.Docs {
		jobs = append(jobs, job{"docs/http-api.md", func() ([]byte, error) { return docsText(api, cfg) }})
	}
	seen := map[string]bool{}
	for _, j := range jobs {
		if seen[j.path] {
			return nil, fmt.Errorf("two outputs would both be %s", j.path)
		}
		seen[j.path] = true
	}
	files := make([]File, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int, len(jobs))
	for _, i := range costliestFirst(jobs) {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for i := range next {
				files[i], errs[i] = jobs[i].run()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return files, nil
}

// run makes j's file, its errors naming the file.
func (j job) run() (f File, err error) {
	defer func() {
		if r := recover(); r != nil { // a panic here would end the process with a stack trace
			err = fmt.Errorf("%s: a bug in pegasus-gen: please report it with the spec (%v)", j.path, r)
		}
	}()
	f.Path = j.path
	f.Data, err = j.make()
	var fe *FormatError
	if err != nil && !errors.As(err, &fe) {
		err = fmt.Errorf("%s: %w", j.path, err)
	}
	return f, err
}

// jobCost ranks outputs by the work of making them, as measured: the
// suite's rule checks first (go/printer's cost grows with the nesting of
// their closures, and on the bundled spec the meta role's took 32 ms,
// twice any other file; left last, it finished alone), then, on large
// specs, the server, the API reference, the types, the rest.
var jobCost = map[string]int{
	"conform_gen.go": 6, "server_gen.go": 5, "http-api.md": 4, "types_gen.go": 3,
	"api_gen.go": 2, "client_gen.go": 2, conformSpecFile: 2,
}

// costliestFirst is the order to start jobs in: by jobCost, the costliest
// first, and otherwise as listed.
func costliestFirst(jobs []job) []int {
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return jobCost[path.Base(jobs[order[a]].path)] > jobCost[path.Base(jobs[order[b]].path)]
	})
	return order
}

// Dirs are the directories the configured roles own in the output tree,
// whatever outputs are switched on: a package of an output switched off
// since the last run is still pegasus-gen's to clean up, while packages of
// another spec generated into the same tree are not.
func Dirs(api *ir.API, cfg Config) []string {
	dirs := []string{"docs"}
	for _, role := range api.Roles {
		if !wanted(cfg.Roles, role.Name) {
			continue
		}
		r := cfg.packaged(role)
		dirs = append(dirs, r.Package, r.ConformPackage)
	}
	return dirs
}

// packaged is role under the package names the config gives it.
func (cfg Config) packaged(role *ir.Role) *ir.Role {
	r := *role
	if p := cfg.Packages[role.Name]; p != "" {
		r.Package = p
	}
	if p := cfg.ConformPackages[role.Name]; p != "" {
		r.ConformPackage = p
	}
	return &r
}

// roleJobs are the files of one role's package, in a directory named after
// the package, as Go convention has it.
func roleJobs(api *ir.API, role *ir.Role, out Outputs) []job {
	var jobs []job
	parted := func(name string, build func() partedFile) {
		p := path.Join(role.Package, name)
		jobs = append(jobs, job{p, func() ([]byte, error) { return renderParts(p, build()) }})
	}
	if out.Server || out.Client {
		parted("types_gen.go", func() partedFile { return typesFile(api, role) })
		jobs = append(jobs, job{path.Join(role.Package, "runtime_gen.go"), func() ([]byte, error) { return runtimeFile(role.Package, api.Header) }})
		parted("api_gen.go", func() partedFile { return apiFile(api, role) })
	}
	if out.Server {
		parted("server_gen.go", func() partedFile { return serverFile(api, role) })
	}
	if out.Client {
		parted("client_gen.go", func() partedFile { return clientFile(api, role) })
	}
	if out.Help {
		jobs = append(jobs, job{path.Join(role.Package, "help_index.json"), func() ([]byte, error) { return helpIndexText(role, nil) }})
	}
	if out.Conform {
		pkg := role.ConformPackage
		jobs = append(jobs, job{path.Join(pkg, "conformrt_gen.go"), func() ([]byte, error) { return conformRuntimeFile(pkg, api.Header) }})
		jobs = append(jobs, job{path.Join(pkg, conformSpecFile), func() ([]byte, error) { return conformSpecJSON(api, role) }})
		jobs = append(jobs, job{path.Join(pkg, "conform_gen.go"), func() ([]byte, error) {
			return renderGo(path.Join(pkg, "conform_gen.go"), headed(api, conformFile(api, role)))
		}})
	}
	return jobs
}

// FormatError is generated Go that gofmt cannot parse: a bug in
// pegasus-gen, or a spec it should have refused. Its message names the
// file and the parser's complaint, never the source, which is kept in
// Source for a file beside the output (gen.KeepBroken), as ogen does.
type FormatError struct {
	Path   string // the file's path in the output
	Source []byte // the source as generated, unformatted
	Err    error  // the parser's complaint
	// Kept is where Source was written, once it has been.
	Kept string
}

// Error names the file and the complaint, and where the source is kept.
func (e *FormatError) Error() string {
	msg := fmt.Sprintf("the generated Go of %s does not parse (%v): a bug in pegasus-gen, or a spec it should refuse; please report it", e.Path, e.Err)
	if e.Kept != "" {
		msg += "; the source is in " + e.Kept
	}
	return msg
}

// renderGo renders a jennifer file and formats it; jennifer's own
// formatting would put the whole source in its error.
func renderGo(p string, f *jen.File) ([]byte, error) {
	f.NoFormat = true
	buf := rawBufs.Get().(*bytes.Buffer)
	defer rawBufs.Put(buf)
	buf.Reset()
	if err := f.Render(buf); err != nil {
		return nil, err
	}
	return formatSource(p, buf.Bytes())
}

// formatSource formats the rendered source of the Go file at path p,
// keeping a copy of it in the error when it does not parse.
func formatSource(p string, src []byte) ([]byte, error) {
	out, err := formatGo(p, src)
	if err != nil {
		return nil, &FormatError{Path: p, Source: bytes.Clone(src), Err: err}
	}
	return out, nil
}

// rawBufs holds jennifer's render buffers between the Go files of a run.
// The raw source is read only by the formatter, which copies what it
// keeps, so a buffer grown for the server file serves the next file
// without growing by doubling again: on 2,000 operations that growth was
// the largest single allocation site.
var rawBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// formatGo formats the Go file at path p. It is gofmt; a test wraps it to
// hold gofmt to go/format.Source on every file of whole generations.
var formatGo = func(p string, src []byte) ([]byte, error) { return gofmt(src) }

// gofmtConfig is go/format's printer configuration. printerNormalizeNumbers
// is the mode bit go/printer defines for go/format and gofmt alone (1<<30,
// unexported there); TestGofmtIsFormatSource holds the two to the same
// bytes.
var gofmtConfig = printer.Config{Mode: printer.UseSpaces | printer.TabIndent | printerNormalizeNumbers, Tabwidth: 8}

const printerNormalizeNumbers printer.Mode = 1 << 30

// gofmt is go/format.Source for a whole file, as generated Go always is.
// fastfmt formats each shape of top-level declaration once and copies it
// for the others of that shape, which on the large per-operation files is
// most of them; slowGofmt does the files fastfmt declines, and the small
// ones (see fastfmtMin).
func gofmt(src []byte) ([]byte, error) {
	if len(src) >= fastfmtMin {
		if out, ok := fastfmt.Format(src); ok {
			return out, nil
		}
	}
	return slowGofmt(src)
}

// fastfmtMin is the size from which a file goes to fastfmt. fastfmt
// scans the file with go/scanner and calls go/format once per shape, each
// call paying its fixed cost; on the files of the bundled spec (at most
// 84 KB, an eighth of their bytes repeated shapes) that made formatting
// 1.1 to 2.3 times slower than one go/format of the whole file, and on
// the synthetic specs' files of 100 KB and more 0.2 to 0.4 times as slow
// where shapes repeat. A size is a crude proxy for repetition, but a large
// generated file is large because it repeats per operation.
const fastfmtMin = 96 << 10

// slowGofmt is gofmt by go/parser and go/printer, for the files fastfmt
// declines (and, on source that does not parse, for go/format's error),
// printing into a buffer sized for the result at once: Source lets it
// grow by doubling, and on a large file the copies were a tenth of what a
// generation allocated.
func slowGofmt(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	ast.SortImports(fset, file)
	out := bytes.NewBuffer(make([]byte, 0, len(src)+len(src)/8))
	if err := gofmtConfig.Fprint(out, fset, file); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func wanted(list []string, name string) bool {
	if len(list) == 0 {
		return true
	}
	for _, n := range list {
		if n == name {
			return true
		}
	}
	return false
}

// newFile starts a generated Go file; headed puts its first line.
func newFile(pkg string) *jen.File { return jen.NewFile(pkg) }

// headed gives f the generated-code line naming the spec, first.
func headed(api *ir.API, f *jen.File) *jen.File {
	f.HeaderComment(api.Header)
	return f
}

// docText makes a doc comment that starts with the declared name, as Go doc
// comments do, from a description or a fallback sentence.
func docText(name, desc, fallback string) string {
	desc = oneParagraph(desc)
	if desc == "" {
		return name + " " + fallback
	}
	return name + ": " + desc
}

// oneParagraph keeps a description's first paragraph on one line: long
// Markdown descriptions belong in the API reference, not in every comment.
func oneParagraph(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}
