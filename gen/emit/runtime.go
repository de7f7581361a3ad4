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

	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// runtimeFile bundles the runtime package into one file of package pkg, the
// way golang.org/x/tools/cmd/bundle makes net/http's h2_bundle.go: each
// declaration is printed from the runtime's syntax tree with its comments.
// The runtime is an ordinary package with its own tests; copying it keeps
// the generated code free of any import outside the standard library.
func runtimeFile(pkg string) ([]byte, error) {
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
	fmt.Fprintf(&out, "// %s\n\npackage %s\n\n", Header, pkg)
	out.WriteString("// This file is the pegasus-gen runtime (gen/runtime), bundled so that the package imports only\n// the standard library.\n\n")
	out.WriteString("import (\n")
	for _, p := range paths {
		fmt.Fprintf(&out, "\t%q\n", p)
	}
	out.WriteString(")\n\n")
	out.Write(decls.Bytes())
	return format.Source(out.Bytes())
}
