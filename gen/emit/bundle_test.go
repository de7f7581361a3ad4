package emit

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/conformrt"
	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

var update = flag.Bool("update", false, "rewrite the bundled runtime and conformance engine (bundled/*.go.txt)")

// TestBundles checks that the bundles generation writes are gen/runtime
// and gen/conformrt as they are now; -update rewrites them.
func TestBundles(t *testing.T) {
	for _, c := range []struct {
		file, pkg, what string
		src             fs.FS
		embedded        []byte
	}{
		{"bundled/runtime.go.txt", "pegasusrt", "the pegasus-gen runtime (gen/runtime)", pegasusrt.Source, runtimeBody},
		{"bundled/conformrt.go.txt", "conformrt", "the pegasus-gen conformance engine (gen/conformrt)", conformrt.Source, conformBody},
	} {
		want, err := bundle(c.src, c.pkg, c.what)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(c.file, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !bytes.Equal(c.embedded, want) {
			t.Errorf("gen/emit/%s is stale: run go test ./gen/emit -run TestBundles -update", c.file)
		}
	}
}

// bundle copies a package the way golang.org/x/tools/cmd/bundle makes
// net/http's h2_bundle.go: each declaration is printed from the package's
// syntax tree with its comments. The bundled packages are ordinary
// packages with their own tests; copying them keeps the generated code
// free of any import outside the standard library.
func bundle(src fs.FS, pkg, what string) ([]byte, error) {
	names, err := fs.Glob(src, "*.go")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	fset := token.NewFileSet()
	imports := map[string]bool{}
	var decls bytes.Buffer
	for _, name := range names {
		if name == "embed.go" || name == "export.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, err
		}
		file, err := parser.ParseFile(fset, name, data, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", pkg, name, err)
		}
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			imports[p] = true
		}
		for _, d := range file.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				continue
			}
			if err := printer.Fprint(&decls, fset, &printer.CommentedNode{Node: d, Comments: file.Comments}); err != nil {
				return nil, err
			}
			decls.WriteString("\n\n")
		}
	}
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out bytes.Buffer
	fmt.Fprintf(&out, "package %s\n\n", pkg)
	fmt.Fprintf(&out, "// This file is %s, bundled so that the package imports only\n// the standard library.\n\n", what)
	out.WriteString("import (\n")
	for _, p := range paths {
		fmt.Fprintf(&out, "\t%q\n", p)
	}
	out.WriteString(")\n\n")
	out.Write(decls.Bytes())
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return nil, err
	}
	// Keep what follows the package clause; runtimeFile puts its own.
	_, body, _ := bytes.Cut(formatted, []byte("package "+pkg+"\n\n"))
	return body, nil
}
