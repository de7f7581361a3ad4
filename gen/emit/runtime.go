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

	"github.com/pegasus-kv/pegasus-gen/gen/conformrt"
	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// runtimeFile is the runtime bundled as one file of package pkg, under
// the generated-code line header.
func runtimeFile(pkg, header string) ([]byte, error) { return bundledFile(pkg, header, runtimeBody) }

// conformRuntimeFile is the conformance engine bundled as one file of
// package pkg.
func conformRuntimeFile(pkg, header string) ([]byte, error) {
	return bundledFile(pkg, header, conformBody)
}

// bundledFile is a bundle's body under a package clause of pkg.
func bundledFile(pkg, header string, body func() ([]byte, error)) ([]byte, error) {
	b, err := body()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "// %s\n\npackage %s\n\n", header, pkg)
	out.Write(b)
	return out.Bytes(), nil
}

// runtimeBody and conformBody are everything of their bundle after the
// package clause. They depend on nothing but the bundled package's own
// source, so each is made once per process: parsing and printing the
// runtime was a third of a generation.
var (
	runtimeBody = sync.OnceValues(func() ([]byte, error) {
		return bundle(pegasusrt.Source, "pegasusrt", "the pegasus-gen runtime (gen/runtime)")
	})
	conformBody = sync.OnceValues(func() ([]byte, error) {
		return bundle(conformrt.Source, "conformrt", "the pegasus-gen conformance engine (gen/conformrt)")
	})
)

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
