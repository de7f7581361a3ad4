// Package load is the first stage: it parses a spec file once into a YAML
// node tree (yaml v4, the parser kin-openapi itself uses), decodes and
// validates it with kin-openapi, and keeps the tree as the position index,
// so that later stages can point at any key, including those inside
// x-pegasus extensions, and know the order properties are written in, which
// kin-openapi's maps lose (see prepare.go).
//
// kin-openapi's own origin tracking (IncludeOrigin) is left off: it reaches
// no extension values, and measured on a 2,000-operation spec it doubled
// the time of loading, where the tree costs nothing more.
package load

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
	yamlv3 "gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// Spec is a loaded, validated document with its YAML tree, for positions.
type Spec struct {
	Doc  *openapi3.T
	File string
	root *yaml.Node

	mu   sync.Mutex
	keys map[*yaml.Node]map[string]int // a mapping's keys, made on first use

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
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := ir.Pos{File: s.File, Line: 1, Col: 1}
	n := s.root
	if n == nil {
		return pos
	}
	pos.Line, pos.Col = n.Line, n.Column
	for pointer != "" {
		var tok string
		tok, pointer = nextToken(pointer)
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			i, ok := s.keysOf(n)[tok]
			if !ok {
				return pos
			}
			k := n.Content[i]
			pos.Line, pos.Col = k.Line, k.Column
			n = n.Content[i+1]
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return pos
			}
			n = n.Content[i]
			pos.Line, pos.Col = n.Line, n.Column
		default:
			return pos
		}
	}
	return pos
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

// keysOf is the index of a mapping's keys in its Content.
func (s *Spec) keysOf(n *yaml.Node) map[string]int {
	if m, ok := s.keys[n]; ok {
		return m
	}
	m := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if _, dup := m[n.Content[i].Value]; !dup {
			m[n.Content[i].Value] = i
		}
	}
	s.keys[n] = m
	return m
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
	s := &Spec{File: file, keys: map[*yaml.Node]map[string]int{}}
	root, err := parseRoot(data)
	if err != nil {
		// yaml.v3 names the line where an unclosed construct starts, v4
		// the line where it gave up; on this path only, ask v3.
		var v3root yamlv3.Node
		if err3 := yamlv3.Unmarshal(data, &v3root); err3 != nil {
			err = err3
		}
		return nil, diagFromYAML(file, err)
	}
	s.root = root
	if err := prepare(s.root); err != nil {
		return nil, diagFromYAML(file, err)
	}
	doc, err := decodeResolved(ctx, file, s.root)
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
		return nil, diagFromYAML(file, err)
	}
	s.Doc = doc
	// Validation reads the document only: it runs beside the build stage,
	// which reports nothing until Valid has been asked.
	s.valid = make(chan error, 1)
	go func() {
		err := doc.Validate(ctx, openapi3.EnableExamplesValidation())
		if err != nil {
			var l diag.List
			pos, subj := s.validationPlace(err.Error())
			l.Add(pos, subj, "invalid OpenAPI document: %s (fix the document so that kin-openapi validates it)", firstLine(err.Error()))
			err = l.Err()
		}
		s.valid <- err
	}()
	return s, nil
}

// decodeResolved is what LoadFromDataWithPath does after its own parse:
// decode the document, then resolve its references.
func decodeResolved(ctx context.Context, file string, root *yaml.Node) (*openapi3.T, error) {
	doc, err := decodeDoc(root)
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
	return err
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

// reYAMLPlace finds the place yaml.v4 names inside a constructor error.
var reYAMLPlace = regexp.MustCompile(`\bat L(\d+)\.C(\d+):`)

// diagFromYAML turns a parser error into a diagnostic, keeping the line the
// parser names when it names one.
func diagFromYAML(file string, err error) error {
	var l diag.List
	line, col := 1, 1
	msg := err.Error()
	if m := reYAMLPlace.FindStringSubmatch(msg); m != nil {
		// yaml.v4's constructor errors say "line 1: … at L3.C40: …",
		// where only the second place is the problem's.
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
	} else if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, e := strconv.Atoi(rest[:j]); e == nil {
			line = n
		}
	}
	l.Add(ir.Pos{File: file, Line: line, Col: col}, "", "cannot parse the spec: %s", specTerms(strings.TrimPrefix(msg, "yaml: ")))
	return l.Err()
}

// reConstruct is yaml's complaint about a value of the wrong kind, which
// names the Go type it was decoding into.
var reConstruct = regexp.MustCompile("cannot (?:construct|unmarshal) (!!\\w+)(?: `([^`]*)`)? into ([^\\n;]+)")

// reComplexKey is yaml's complaint about a mapping or list used as a key,
// which prints the key as a Go value.
var reComplexKey = regexp.MustCompile(`cannot use '.*' as a map key; try decoding into yaml\.Node`)

// specTerms rewrites yaml's wrong-kind errors in the spec's terms: "cannot
// construct !!int `5` into openapi3.Info" becomes "expected an Info
// object, found a number (5)". A user writes YAML, not Go.
func specTerms(msg string) string {
	msg = reComplexKey.ReplaceAllString(msg, "a key must be a plain value, not a mapping or a list")
	return reConstruct.ReplaceAllStringFunc(msg, func(m string) string {
		p := reConstruct.FindStringSubmatch(m)
		found := map[string]string{"!!int": "a number", "!!float": "a number", "!!str": "a string", "!!bool": "a boolean",
			"!!seq": "a list", "!!map": "a mapping", "!!null": "null", "!!binary": "binary data", "!!timestamp": "a timestamp"}[p[1]]
		if found == "" {
			found = "a " + strings.TrimPrefix(p[1], "!!")
		}
		if p[2] != "" {
			found += " (" + p[2] + ")"
		}
		return "expected " + goTypeInSpecTerms(strings.TrimSpace(p[3])) + ", found " + found
	})
}

// goTypeInSpecTerms names the Go type a value was decoded into as the
// spec element it stands for.
func goTypeInSpecTerms(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case strings.HasPrefix(t, "map[string]"):
		return "a mapping whose values are " + goTypeInSpecTerms(t[len("map[string]"):])
	case strings.HasPrefix(t, "[]"):
		return "a list whose items are " + goTypeInSpecTerms(t[2:])
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint") || strings.HasPrefix(t, "float"):
		return "a number"
	case t == "interface {}" || t == "any":
		return "a value"
	}
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	t = strings.TrimSuffix(t, "Ref")
	switch {
	case t == "":
		return "a value"
	case strings.ContainsRune("AEIOU", rune(t[0])):
		return "an " + t + " object"
	}
	return "a " + t + " object"
}
