// Package load is the first stage: it parses a spec file once into a YAML
// node tree (yaml v4, the parser kin-openapi itself uses), decodes and
// validates it with kin-openapi, and keeps a compact index of the tree's
// positions (posindex.go), so that later stages can point at any key,
// including those inside x-pegasus extensions. A large spec is parsed and
// decoded a piece of its paths at a time, never holding the whole tree
// (stream.go).
//
// kin-openapi's own origin tracking (IncludeOrigin) is left off: it reaches
// no extension values, and measured on a 2,000-operation spec it doubled
// the time of loading, where the tree costs nothing more.
package load

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// Spec is a loaded, validated document with its YAML tree, for positions.
type Spec struct {
	Doc  *openapi3.T
	File string
	root *yaml.Node // until the document is decoded; index serves after

	mu    sync.Mutex // index, whose lookups make maps of large mappings' keys
	index *posIndex

	refs         diag.List       // bad $refs, removed from the tree (see checkRefs)
	placeholders map[ir.Pos]bool // where they were, the place of the object that held each

	valid chan error // the result of validation, once
}

// Pos returns the position of the node at the JSON pointer (e.g.
// "/paths/~1meta~1app/get/x-pegasus/redirect"): of its key, where a reader
// looks for a setting. For a missing node it falls back to the nearest
// existing ancestor, so a diagnostic about an absent key points at the
// object that lacks it.
//
// Pos walks the tree, indexing only the mappings it passes through.
func (s *Spec) Pos(pointer string) ir.Pos {
	pos, _ := s.find(pointer)
	return pos
}

// find is Pos, also reporting whether the whole pointer was found.
func (s *Spec) find(pointer string) (ir.Pos, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := ir.Pos{File: s.File, Line: 1, Col: 1}
	x := s.index
	if x == nil || len(x.nodes) == 0 {
		return pos, false
	}
	id := x.root
	pos.Line, pos.Col = int(x.nodes[id].line), int(x.nodes[id].col)
	for pointer != "" {
		var tok string
		tok, pointer = nextToken(pointer)
		switch nd := x.nodes[id]; nd.kind {
		case yaml.MappingNode:
			k, v, ok := x.child(id, tok)
			if !ok {
				return pos, false
			}
			pos.Line, pos.Col = int(x.nodes[k].line), int(x.nodes[k].col)
			id = v
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= int(nd.n) {
				return pos, false
			}
			id = x.kids[int(nd.first)+i]
			pos.Line, pos.Col = int(x.nodes[id].line), int(x.nodes[id].col)
		default:
			return pos, false
		}
	}
	return pos, true
}

// nextToken splits the first reference token off a JSON pointer and
// unescapes it.
func nextToken(pointer string) (tok, rest string) {
	pointer = strings.TrimPrefix(pointer, "/")
	tok, rest, found := strings.Cut(pointer, "/")
	if found {
		rest = "/" + rest
	}
	if strings.IndexByte(tok, '~') >= 0 {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	return tok, rest
}

// reindex makes the position index of the tree as it now is.
func (s *Spec) reindex() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index = newPosIndex(s.root)
}

// Pointer joins reference tokens into a JSON pointer, escaping "~" and "/".
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// Load parses data (named file in diagnostics) and starts validating it
// (see Valid). A YAML or OpenAPI error comes back as diagnostics, never as
// a panic.
func Load(ctx context.Context, file string, data []byte) (*Spec, error) {
	s := &Spec{File: file, placeholders: map[ir.Pos]bool{}}
	done, err := s.loadStreamed(ctx, data)
	if !done && err == nil {
		err = s.loadWhole(ctx, data)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// loadStreamed loads a large document a piece at a time (see loadStream);
// false without an error when it cannot, or finds a problem the whole
// load is to report.
func (s *Spec) loadStreamed(ctx context.Context, data []byte) (bool, error) {
	if readAsJSON(data) { // kin-openapi's own loader reads it (see loadWhole)
		return false, nil
	}
	st := loadStream(data)
	if st == nil {
		return false, nil
	}
	s.root, s.index = st.root, st.index
	if err := s.checkVersion(); err != nil {
		return false, err
	}
	if err := newLoader(ctx).ResolveRefsIn(st.doc, &url.URL{Path: s.File}); err != nil {
		return false, nil
	}
	// The pieces' trees are garbage now, but the collector's goal for the
	// build that follows is twice the heap its last cycle found alive,
	// pieces in flight included: on 2,000 operations 99 MB where 74 MB
	// are. One cycle here lets the build's heap grow from what is alive,
	// which is what keeps the command's peak RSS under 200 MB there. A
	// library caller pays it too, on large specs only: tens of ms in a
	// run of seconds.
	runtime.GC()
	s.loaded(ctx, st.doc)
	return true, nil
}

// loadWhole parses and decodes the document whole, and reports all that
// is wrong with it.
func (s *Spec) loadWhole(ctx context.Context, data []byte) error {
	file := s.File
	root, err := parseRoot(data)
	if err != nil {
		return syntaxDiag(file, data, err)
	}
	s.root = root
	if err := prepare(s.root); err != nil {
		return syntaxDiag(file, data, err)
	}
	if err := s.checkVersion(); err != nil {
		return err
	}
	s.reindex()
	doc, err := decodeResolved(ctx, file, s.root, true)
	if err != nil {
		// The tree was cut as it was decoded, and what follows reads it:
		// parse it again (as it parsed before). A decode that failed on
		// the cut tree is done again whole, for the error a reader should
		// see; a reference that did not resolve fails the same way on
		// either, and goes straight to checkRefs.
		released := errors.Is(err, errReleased)
		var perr error
		if s.root, perr = parseRoot(data); perr == nil {
			perr = prepare(s.root)
		}
		if perr != nil {
			return syntaxDiag(file, data, perr)
		}
		if released {
			doc, err = decodeResolved(ctx, file, s.root, false)
		}
	}
	if err != nil {
		// kin-openapi's resolver stops at the first reference it cannot
		// resolve and names no place: report every one, each at its $ref,
		// and go on without them.
		if s.refs = s.checkRefs(); len(s.refs) > 0 {
			s.reindex() // the bad $refs are removed from the tree now
			doc, err = decodeResolved(ctx, file, s.root, false)
		}
	}
	if err != nil || readAsJSON(data) {
		// kin-openapi's own loader reads two kinds of JSON document that
		// its YAML path, the one taken above, does not read the same:
		// one with duplicate keys (last one wins) and one holding a raw
		// U+0085, a line break to YAML. The tree still gives positions.
		if kdoc, kerr := newLoader(ctx).LoadFromDataWithPath(data, &url.URL{Path: file}); kerr == nil {
			doc, err = kdoc, nil
		}
	}
	if err != nil {
		var de *diag.Error
		if errors.As(decodeDiag(file, s.root, err), &de) {
			return append(s.refs, s.Drop(de.List)...).Err()
		}
		return s.refs.Err()
	}
	s.loaded(ctx, doc)
	return nil
}

// loaded keeps the decoded document and starts validating it.
// Validation reads the document only: it runs beside the irbuild stage,
// which reports nothing until Valid has been asked.
func (s *Spec) loaded(ctx context.Context, doc *openapi3.T) {
	s.Doc = doc
	s.root = nil // the index serves from here on, at a tenth of the tree's size
	s.valid = make(chan error, 1)
	go func() { s.valid <- s.validate(ctx) }()
}

// decodeResolved is what LoadFromDataWithPath does after its own parse:
// decode the document, then resolve its references. With release, the
// tree is cut as it is decoded (see decodeDoc).
func decodeResolved(ctx context.Context, file string, root *yaml.Node, release bool) (*openapi3.T, error) {
	doc, err := decodeDoc(root, release)
	if err != nil {
		return nil, err
	}
	if err := newLoader(ctx).ResolveRefsIn(doc, &url.URL{Path: file}); err != nil {
		return nil, err
	}
	return doc, nil
}

// newLoader is kin-openapi's loader as pegasus-gen uses it: a spec is one
// file, so references to other files are refused.
func newLoader(ctx context.Context) *openapi3.Loader {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	loader.Context = ctx
	return loader
}

// readAsJSON reports whether kin-openapi would read data with its JSON
// parser first: when it holds a raw U+0085 and may be JSON.
func readAsJSON(data []byte) bool {
	if !bytes.Contains(data, []byte("\u0085")) {
		return false
	}
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && strings.IndexByte(`{["-0123456789tfn`, data[0]) >= 0
}

// Valid waits for kin-openapi's validation of the document and returns its
// diagnostics, if any. Callers ask before reporting anything of later
// stages, so that a document kin-openapi rejects is reported as such.
func (s *Spec) Valid() error {
	if s.valid == nil {
		return nil
	}
	err := <-s.valid
	s.valid <- err // for later calls
	if len(s.refs) == 0 {
		return err
	}
	l := append(diag.List(nil), s.refs...)
	var de *diag.Error
	if errors.As(err, &de) {
		l = append(l, s.Drop(de.List)...)
	}
	return l.Err()
}

// kin-openapi's validation errors name the element they are about in their
// text only ("invalid path /x: invalid operation GET: …", "schema \"X\"").
var (
	reOperation = regexp.MustCompile(`invalid path (\S+): invalid operation (\w+)`)
	reSchema    = regexp.MustCompile(`invalid components: schema "([^"]+)"`)
)

// validationPlace finds where a validation error points, from its text:
// the operation or schema it names, else the document's start.
func (s *Spec) validationPlace(msg string) (ir.Pos, string) {
	if m := reOperation.FindStringSubmatch(msg); m != nil {
		return s.Pos(Pointer("paths", m[1], strings.ToLower(m[2]))), m[2] + " " + m[1]
	}
	if m := reSchema.FindStringSubmatch(msg); m != nil {
		return s.Pos(Pointer("components", "schemas", m[1])), "schema " + m[1]
	}
	return ir.Pos{File: s.File, Line: 1, Col: 1}, ""
}

// firstLine keeps the first line of a long error (kin-openapi appends the
// schema and value it checked).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// openapi30 is the versions pegasus-gen reads: OpenAPI 3.0.x.
var openapi30 = regexp.MustCompile(`^3\.0\.\d+$`)

// checkVersion refuses, at the openapi key and alone, a document of
// another OpenAPI version: read as 3.0, a 3.1 document's differences
// surface as errors deep inside it that do not say why.
func (s *Spec) checkVersion() error {
	for i := 0; i+1 < len(s.root.Content); i += 2 {
		k, v := s.root.Content[i], s.root.Content[i+1]
		if k.Value != "openapi" || v.Kind != yaml.ScalarNode || openapi30.MatchString(v.Value) {
			continue
		}
		var l diag.List
		l.Add(s.at(k), "", "openapi: %s: pegasus-gen reads OpenAPI 3.0 (3.0.0–3.0.3): write openapi: 3.0.3, and the spec in 3.0's terms", v.Value)
		return l.Err()
	}
	return nil
}
