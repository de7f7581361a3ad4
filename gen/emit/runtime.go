package emit

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// runtimeFile is the runtime bundled as one file of package pkg.
func runtimeFile(pkg string) ([]byte, error) {
	body, err := runtimeBody()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "// %s\n\npackage %s\n\n", Header, pkg)
	out.Write(body)
	return out.Bytes(), nil
}

// runtimeBody is everything of the bundle after the package clause. It
// depends on nothing but the runtime's own source, so it is made once per
// process: parsing and printing the runtime was a third of a generation.
var runtimeBody = sync.OnceValues(bundleRuntime)

// bundleRuntime bundles the runtime package the way
// golang.org/x/tools/cmd/bundle makes net/http's h2_bundle.go: each
// declaration is printed from the runtime's syntax tree with its comments.
// The runtime is an ordinary package with its own tests; copying it keeps
// the generated code free of any import outside the standard library.
func bundleRuntime() ([]byte, error) {
	names, err := fs.Glob(pegasusrt.Source, "*.go")
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
		src, err := fs.ReadFile(pegasusrt.Source, name)
		if err != nil {
			return nil, err
		}
		file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("runtime %s: %w", name, err)
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
	out.WriteString("package pegasusrt\n\n")
	out.WriteString("// This file is the pegasus-gen runtime (gen/runtime), bundled so that the package imports only\n// the standard library.\n\n")
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
	_, body, _ := bytes.Cut(formatted, []byte("package pegasusrt\n\n"))
	return body, nil
}
