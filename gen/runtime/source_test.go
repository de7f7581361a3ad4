package pegasusrt

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strconv"
	"strings"
	"testing"
)

// TestSourceRules checks, on the embedded copy the generator reads, the
// rules that let these files be merged into generated packages: standard
// library imports only, every top-level name unexported and starting with
// "rt", and a doc comment on every top-level declaration. The files skipped
// are those gen/emit skips.
func TestSourceRules(t *testing.T) {
	names, err := fs.Glob(Source, "*.go")
	if err != nil {
		t.Fatal(err)
	}
	copied := 0
	fset := token.NewFileSet()
	for _, name := range names {
		if name == "embed.go" || name == "export.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		copied++
		src, err := fs.ReadFile(Source, name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s, not in the standard library", name, path)
			}
		}
		check := func(id *ast.Ident, doc *ast.CommentGroup, what string) {
			if !strings.HasPrefix(id.Name, "rt") || id.Name == "rt" {
				t.Errorf("%s: %s %s does not start with rt", name, what, id.Name)
			}
			if doc == nil {
				t.Errorf("%s: %s %s has no doc comment", name, what, id.Name)
			}
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil {
					continue // methods may have any name
				}
				check(d.Name, d.Doc, "func")
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						doc := s.Doc
						if doc == nil {
							doc = d.Doc
						}
						check(s.Name, doc, "type")
					case *ast.ValueSpec:
						doc := s.Doc
						if doc == nil {
							doc = d.Doc
						}
						for _, id := range s.Names {
							check(id, doc, "value")
						}
					}
				}
			}
		}
	}
	if copied < 5 {
		t.Errorf("only %d source files embedded", copied)
	}
}
