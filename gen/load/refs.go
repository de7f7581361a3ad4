package load

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// checkRefs reports every $ref that cannot be resolved, at the $ref
// itself, before kin-openapi's resolver, which stops at the first and
// names no place: a reference to another file (a Pegasus spec is one
// file) and a local reference to nothing. Each such $ref is then removed
// from the tree, leaving the object that held it an empty placeholder
// (an empty schema accepts anything), so that the rest of the spec is
// still checked in the same run; what is said about a placeholder itself
// follows from the bad $ref and is dropped (see Drop).
func (s *Spec) checkRefs() diag.List {
	var l diag.List
	var walk func(n *yaml.Node, at ir.Pos, names bool, depth int)
	walk = func(n *yaml.Node, at ir.Pos, names bool, depth int) {
		if depth > maxWalk {
			return // the parser allows 10,000 levels; references are near the top
		}
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, s.at(c), false, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if !names && k.Value == "$ref" && v.Kind == yaml.ScalarNode {
					if s.checkRef(&l, k, v.Value) {
						s.placeholders[at] = true
						n.Content = append(n.Content[:i:i], n.Content[i+2:]...)
						i -= 2 // the index is made again once all are removed
					}
					continue
				}
				if !names && (literal[k.Value] || strings.HasPrefix(k.Value, "x-")) {
					continue // a value, not OpenAPI: a "$ref" key there is data
				}
				walk(v, s.at(k), !names && nameMaps[k.Value], depth+1)
			}
		}
	}
	walk(s.root, s.at(s.root), false, 0)
	return l
}

// at is a node's position.
func (s *Spec) at(n *yaml.Node) ir.Pos { return ir.Pos{File: s.File, Line: n.Line, Col: n.Column} }

// Drop removes from l what is said about a placeholder left by a bad $ref
// (an object without its required fields, a schema without a type): it
// follows from the $ref, reported already.
func (s *Spec) Drop(l diag.List) diag.List {
	if len(s.placeholders) == 0 {
		return l
	}
	out := l[:0:0]
	for _, d := range l {
		if !s.placeholders[d.Pos] {
			out = append(out, d)
		}
	}
	return out
}

// maxWalk bounds the depth checkRefs looks at.
const maxWalk = 200

// literal are the keys whose values are data, not OpenAPI objects; value
// is an example's value (an Example object's own keys are never refs).
var literal = map[string]bool{"example": true, "default": true, "enum": true, "value": true, "const": true}

// nameMaps are the keys whose values are maps from names (a property, a
// path, a media type) to OpenAPI objects: their keys are not keywords.
var nameMaps = map[string]bool{
	"properties": true, "schemas": true, "parameters": false, "responses": true, "requestBodies": true,
	"headers": true, "examples": true, "links": true, "callbacks": true, "securitySchemes": true,
	"paths": true, "content": true, "encoding": true, "variables": true, "mapping": true,
}

// checkRef checks one reference, written at key k; it reports whether
// the reference is bad.
func (s *Spec) checkRef(l *diag.List, k *yaml.Node, ref string) bool {
	pos := ir.Pos{File: s.File, Line: k.Line, Col: k.Column}
	frag, local := strings.CutPrefix(ref, "#")
	if !local {
		l.Add(pos, "", "$ref %q refers to another document: a Pegasus spec is one file; move what it names into this file's components and refer to it as #/components/...", ref)
		return true
	}
	ptr, err := url.PathUnescape(frag)
	if err != nil {
		ptr = frag
	}
	if _, found := s.find(ptr); !found || ptr == "" {
		l.Add(pos, "", "$ref %q names nothing in this document", ref)
		return true
	}
	return false
}
