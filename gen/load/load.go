// Package load is the first stage: it reads a spec file, parses and validates
// it with kin-openapi, and indexes the position of every YAML node (with
// yaml.v3) so that later stages can point at any key, including those inside
// x-pegasus extensions, and know the order properties are written in, which
// kin-openapi's maps lose.
//
// kin-openapi's own origin tracking (IncludeOrigin) is left off: it reaches
// no extension values, and measured on a 2,000-operation spec it cost more
// than the yaml.v3 index that covers every node.
package load

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// Spec is a loaded, validated document with its position index.
type Spec struct {
	Doc  *openapi3.T
	File string
	data []byte
	once sync.Once
	pos  map[string]ir.Pos
}

// Pos returns the position of the node at the JSON pointer (e.g.
// "/paths/~1meta~1app/get/x-pegasus/redirect"). For a missing node it falls
// back to the nearest existing ancestor, so a diagnostic about an absent
// key points at the object that lacks it.
//
// The index behind it is built while kin-openapi loads; Pos waits for it.
func (s *Spec) Pos(pointer string) ir.Pos {
	s.once.Do(s.buildIndex)
	for {
		if p, ok := s.pos[pointer]; ok {
			return p
		}
		i := strings.LastIndexByte(pointer, '/')
		if i < 0 {
			return ir.Pos{File: s.File, Line: 1, Col: 1}
		}
		pointer = pointer[:i]
	}
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

// Load parses data (named file in diagnostics) and validates it. A YAML or
// OpenAPI error comes back as diagnostics, never as a panic.
func Load(ctx context.Context, file string, data []byte) (*Spec, error) {
	s := &Spec{File: file, data: data}
	// The position index is built on the other core while kin-openapi
	// parses: build needs it for property order.
	go s.once.Do(s.buildIndex)
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	loader.IncludeOrigin = false
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: file})
	if err != nil {
		// yaml.v3 names the line of a syntax error plainly; kin-openapi's
		// error wraps another parser's. Prefer it when it finds a problem.
		var root yaml.Node
		if yerr := yaml.Unmarshal(data, &root); yerr != nil {
			err = yerr
		}
		return nil, diagFromYAML(file, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		var l diag.List
		pos, subj := s.validationPlace(err.Error())
		l.Add(pos, subj, "invalid OpenAPI document: %s (fix the document so that kin-openapi validates it)", firstLine(err.Error()))
		return nil, l.Err()
	}
	s.Doc = doc
	return s, nil
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

// buildIndex parses the YAML again with yaml.v3, which keeps every node's
// line and column, and indexes them by JSON pointer.
func (s *Spec) buildIndex() {
	s.pos = map[string]ir.Pos{}
	var root yaml.Node
	if err := yaml.Unmarshal(s.data, &root); err == nil && len(root.Content) > 0 {
		s.index("", root.Content[0])
	}
}

// index records the position of n and of everything under it.
func (s *Spec) index(ptr string, n *yaml.Node) {
	s.pos[ptr] = ir.Pos{File: s.File, Line: n.Line, Col: n.Column}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := ptr + Pointer(k.Value)
			s.index(child, v)
			// Point at the key rather than the value: that is where a
			// reader looks for "the redirect setting".
			s.pos[child] = ir.Pos{File: s.File, Line: k.Line, Col: k.Column}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			s.index(ptr+"/"+strconv.Itoa(i), c)
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			s.index(ptr, n.Alias)
		}
	}
}

// diagFromYAML turns a parser error into a diagnostic, keeping the line the
// parser names when it names one.
func diagFromYAML(file string, err error) error {
	var l diag.List
	line := 1
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, e := strconv.Atoi(rest[:j]); e == nil {
			line = n
		}
	}
	l.Add(ir.Pos{File: file, Line: line, Col: 1}, "", "cannot parse the spec: %s", strings.TrimPrefix(msg, "yaml: "))
	return l.Err()
}
