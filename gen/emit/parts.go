package emit

import (
	"bytes"
	"path"
	"regexp"
	"sort"
	"strconv"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// A large generated file is mostly a declaration or two per operation, and
// jennifer holds a file's whole syntax tree until it is rendered: on 2,000
// operations a server file's tree was 50 MB, the largest thing a run held.
// renderParts builds and renders such a file a part at a time instead,
// each part into a jen.File of its own that is dropped once rendered, and
// puts the parts' bodies together under one import block, as jennifer
// would have written it for the whole file.

// filePart adds some of a file's top-level declarations to f, in order.
type filePart func(f *jen.File)

// partedFile is a Go file made in parts: its package, its generated-code
// header, its package comment if any, and the parts of its body.
type partedFile struct {
	pkg, header, doc string
	parts            []filePart
}

// perOp appends to parts the declarations decl makes for each of ops
// that is not built in, partSize operations a part.
func perOp(parts []filePart, ops []*ir.Operation, decl func(*jen.File, *ir.Operation)) []filePart {
	for lo := 0; lo < len(ops); lo += partSize {
		batch := ops[lo:min(lo+partSize, len(ops))]
		parts = append(parts, func(f *jen.File) {
			for _, op := range batch {
				if op.Builtin == ir.NoBuiltin {
					decl(f, op)
				}
			}
		})
	}
	return parts
}

// partSize is how many operations' declarations a part holds: enough that
// a part's fixed cost is small, few enough that its tree is too.
const partSize = 64

// renderParts renders the file pf to the bytes renderGo gives for one
// jen.File holding every part (TestPartsRenderAsOne). A part whose imports
// jennifer would name differently in the whole file (an alias, or two
// packages of one name) makes it render the whole file as one.
func renderParts(p string, pf partedFile) ([]byte, error) {
	body := rawBufs.Get().(*bytes.Buffer)
	defer rawBufs.Put(body)
	body.Reset()
	paths, ok := joinParts(pf, body)
	if !ok {
		return renderGo(p, pf.whole())
	}
	src := rawBufs.Get().(*bytes.Buffer)
	defer rawBufs.Put(src)
	src.Reset()
	head := pf.head()
	head.NoFormat = true
	if err := head.Render(src); err != nil {
		return nil, err
	}
	writeImports(src, paths)
	src.Write(body.Bytes())
	return formatSource(p, src.Bytes())
}

// joinParts renders pf's parts one after another into body and returns
// the paths they import, sorted; false when jennifer would name an import
// of the whole file otherwise than the parts do.
func joinParts(pf partedFile, body *bytes.Buffer) ([]string, bool) {
	imports := map[string]bool{}
	for _, part := range pf.parts {
		f := newFile(pf.pkg)
		part(f)
		if !renderPart(f, pf.pkg, body, imports) {
			return nil, false
		}
	}
	paths := make([]string, 0, len(imports))
	for ip := range imports {
		paths = append(paths, ip)
	}
	sort.Strings(paths)
	return paths, distinctNames(paths)
}

// head is the file's header and package comment, without a body.
func (pf partedFile) head() *jen.File {
	f := newFile(pf.pkg)
	f.HeaderComment(pf.header)
	if pf.doc != "" {
		f.PackageComment(pf.doc)
	}
	return f
}

// whole is the file as one jen.File.
func (pf partedFile) whole() *jen.File {
	f := pf.head()
	for _, part := range pf.parts {
		part(f)
	}
	return f
}

// renderPart renders f and adds its body to body and its imports to
// imports; false when it cannot (an aliased import, an unexpected form).
//
// Unformatted, jennifer writes "package p\n\n", the import block (nothing,
// `import "a"\n\n`, or "import (\n" with a quoted path a line, ")\n\n"),
// then each top-level item after a newline: so the bodies of parts, put
// one after another, are the body of the whole.
func renderPart(f *jen.File, pkg string, body *bytes.Buffer, imports map[string]bool) bool {
	f.NoFormat = true
	buf := partBufs.Get().(*bytes.Buffer)
	defer partBufs.Put(buf)
	buf.Reset()
	if f.Render(buf) != nil {
		return false
	}
	rest, ok := bytes.CutPrefix(buf.Bytes(), []byte("package "+pkg+"\n\n"))
	if !ok {
		return false
	}
	switch {
	case bytes.HasPrefix(rest, []byte("import (\n")):
		block, after, ok := bytes.Cut(rest[len("import (\n"):], []byte(")\n\n"))
		if !ok {
			return false
		}
		for _, line := range bytes.Split(bytes.TrimSuffix(block, []byte("\n")), []byte("\n")) {
			if !addImport(imports, line) {
				return false
			}
		}
		rest = after
	case bytes.HasPrefix(rest, []byte("import ")):
		line, after, ok := bytes.Cut(rest[len("import "):], []byte("\n\n"))
		if !ok || !addImport(imports, line) {
			return false
		}
		rest = after
	}
	body.Write(rest)
	return true
}

// partBufs holds the render buffers of parts between parts, as rawBufs
// does whole files': apart, so that a part's buffer, which holds 64
// operations' source, is not handed a whole file to grow for, nor a
// whole file's buffer kept alive for a part.
var partBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// addImport adds the import an import line names; false for an alias.
func addImport(imports map[string]bool, line []byte) bool {
	if len(line) < 2 || line[0] != '"' {
		return false
	}
	ip, err := strconv.Unquote(string(line))
	if err != nil {
		return false
	}
	imports[ip] = true
	return true
}

// writeImports writes jennifer's import block of paths, sorted.
func writeImports(w *bytes.Buffer, paths []string) {
	switch len(paths) {
	case 0:
	case 1:
		w.WriteString("import " + strconv.Quote(paths[0]) + "\n\n")
	default:
		w.WriteString("import (\n")
		for _, ip := range paths {
			w.WriteString(strconv.Quote(ip) + "\n")
		}
		w.WriteString(")\n\n")
	}
}

// distinctNames reports whether no two of paths would be imported under
// one name (math/rand and crypto/rand), which jennifer settles by an alias
// that depends on the whole file: the name is taken to be the last
// element that is not a major version.
func distinctNames(paths []string) bool {
	seen := map[string]bool{}
	for _, ip := range paths {
		name := path.Base(ip)
		if majorVersion.MatchString(name) {
			name = path.Base(path.Dir(ip))
		}
		if seen[name] {
			return false
		}
		seen[name] = true
	}
	return true
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)
