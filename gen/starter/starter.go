// Package starter writes the Go module `pegasus-gen init` makes: a server
// repo that generates both roles with pegasus-gen as a Go tool, serves
// them with hand-written handlers, and runs the generated conformance
// suites in process. The files are templates (templates/starter), filled
// with the module path and package names and gofmt-ed.
package starter

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"text/template"

	"github.com/pegasus-kv/pegasus-gen/templates"
)

// GenModule is pegasus-gen's own module path, which the starter requires.
const GenModule = "github.com/pegasus-kv/pegasus-gen"

// UnpublishedVersion is the version go.mod requires when a replace
// directive points at a checkout: the go command's own placeholder.
const UnpublishedVersion = "v0.0.0-00010101000000-000000000000"

// Options is what the starter module is made of.
type Options struct {
	// Dir is where to write; created if missing.
	Dir string
	// Module is the module path; "" is example.com/<base name of Dir>.
	Module string
	// Force writes into a directory that already has files, as long as
	// none has the name of a starter file: init never overwrites a go.mod
	// or a main.go of somebody's module.
	Force bool
	// Replace is a pegasus-gen checkout for a replace directive, "" for none.
	Replace string
	// Version is the pegasus-gen version to require; "" with Replace.
	Version string
}

// data is what the templates see.
type data struct {
	Module, Name, GoVersion, GenModule, GenVersion, Replace string
	MetaPackage, ReplicaPackage                             string
}

// modulePath is what Go accepts as a module path, roughly: the go command
// has the last word when it reads go.mod.
var modulePath = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~/-]*$`)

// Write writes the starter module into o.Dir and returns the files written,
// relative to it.
func Write(o Options) ([]string, error) {
	d, err := o.data()
	if err != nil {
		return nil, err
	}
	if err := checkDir(o.Dir, o.Force); err != nil {
		return nil, err
	}
	files, err := render(d)
	if err != nil {
		return nil, err
	}
	if err := noClobber(o.Dir, files); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for name, body := range files {
		p := filepath.Join(o.Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// data fills in the defaults and refuses what cannot work.
func (o Options) data() (data, error) {
	d := data{Module: o.Module, GoVersion: "1.26", GenModule: GenModule, GenVersion: o.Version, Replace: o.Replace,
		MetaPackage: "metaapi", ReplicaPackage: "replicaapi"}
	abs, err := filepath.Abs(o.Dir)
	if err != nil {
		return d, err
	}
	d.Name = strings.ToLower(filepath.Base(abs))
	if d.Module == "" {
		d.Module = "example.com/" + d.Name
	}
	if !modulePath.MatchString(d.Module) || strings.Contains(d.Module, "//") || strings.HasSuffix(d.Module, "/") {
		return d, fmt.Errorf("-module %q is not a Go module path (like example.com/pegasus-admin)", d.Module)
	}
	switch {
	case d.Replace != "":
		d.GenVersion = UnpublishedVersion
	case d.GenVersion == "":
		return d, errors.New("no pegasus-gen version to require and no checkout to replace it with")
	}
	return d, nil
}

// checkDir refuses a directory with files in it unless forced: init must
// never mix a starter into someone's work by surprise.
func checkDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("%s is not empty (%d entries); choose a new directory, or pass -force to write the starter files into it", dir, len(entries))
	}
	return nil
}

// noClobber refuses to write over any existing file.
func noClobber(dir string, files map[string][]byte) error {
	var there []string
	for name := range files {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			there = append(there, name)
		}
	}
	if len(there) == 0 {
		return nil
	}
	sort.Strings(there)
	return fmt.Errorf("%s already has %s; init writes a new module and never overwrites a file (to add pegasus-gen to an existing module, see the README)",
		dir, strings.Join(there, ", "))
}

// destinations are the starter files that do not go at the module's root,
// by template name (without .tmpl).
var destinations = map[string]string{
	"workflow.yml": WorkflowFile,
}

// WorkflowFile is the CI workflow init writes, relative to the module.
const WorkflowFile = ".github/workflows/pegasus.yml"

// render fills every template; Go files are gofmt-ed, so that a template's
// spacing never reaches the user.
func render(d data) (map[string][]byte, error) {
	tmpls, err := fs.Glob(templates.Starter, "starter/*.tmpl")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, p := range tmpls {
		t, err := template.New(path.Base(p)).Option("missingkey=error").ParseFS(templates.Starter, p)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, d); err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(p), ".tmpl")
		if dest, ok := destinations[name]; ok {
			name = dest
		}
		body := b.Bytes()
		if strings.HasSuffix(name, ".go") {
			if body, err = format.Source(body); err != nil {
				return nil, fmt.Errorf("starter %s: %v", name, err)
			}
		}
		out[name] = body
	}
	return out, nil
}

// Origin says where the running pegasus-gen comes from, for go.mod: a
// checkout on disk (the source directory this binary was built from,
// outside the module cache) to replace the module with, since pegasus-gen
// is not published yet; else the released version it was built as. Both
// empty: neither can be told, and the caller must say.
func Origin() (checkout, version string) {
	if dir := sourceCheckout(); dir != "" {
		return dir, ""
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", ""
	}
	v := bi.Main.Version
	if bi.Main.Path != GenModule {
		v = ""
		for _, d := range bi.Deps {
			if d.Path == GenModule && d.Replace == nil {
				v = d.Version
			}
		}
	}
	if v == "(devel)" || strings.Contains(v, "+dirty") {
		v = ""
	}
	return "", v
}

// sourceCheckout is the root of the pegasus-gen checkout this package was
// compiled from, or "" when the source is gone, in the module cache, or
// not pegasus-gen's (a -trimpath build records no directory).
func sourceCheckout() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	dir := filepath.Dir(filepath.Dir(filepath.Dir(file))) // gen/starter/starter.go → the module root
	if cache := modCache(); cache != "" && strings.HasPrefix(dir, cache+string(filepath.Separator)) {
		return ""
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || !bytes.HasPrefix(mod, []byte("module "+GenModule+"\n")) {
		return ""
	}
	return dir
}

// modCache is GOMODCACHE as the go command would have it.
func modCache() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return filepath.Clean(c)
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		gopath = filepath.Join(home, "go")
	}
	return filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
}
