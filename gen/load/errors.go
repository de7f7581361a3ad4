package load

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// posError is a problem prepare found at a node of the tree.
type posError struct {
	line, col int
	msg       string
}

// Error keeps the parser's "line N: …" form.
func (e *posError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// errAt is a posError at node n.
func errAt(n *yaml.Node, format string, args ...any) error {
	return &posError{line: n.Line, col: n.Column, msg: fmt.Sprintf(format, args...)}
}

// syntaxDiag turns a parse error into a diagnostic at the place a reader
// has to look: where an unclosed flow collection or quoted scalar starts
// (the parser names the place it gave up, often the end of the file), else
// where the parser stopped; a tab there is named as one, since YAML
// indents with spaces only and the parser's own words do not say so.
func syntaxDiag(file string, data []byte, err error) error {
	return syntaxDiagOf("spec", file, data, err)
}

// syntaxDiagOf is syntaxDiag for a file that is what ("spec", "config").
func syntaxDiagOf(what, file string, data []byte, err error) error {
	var l diag.List
	pos := ir.Pos{File: file, Line: 1, Col: 1}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var le *yaml.LoadError
	var pe *posError
	switch {
	case errors.As(err, &pe):
		pos.Line, pos.Col, msg = pe.line, max(pe.col, 1), pe.msg
	case errors.As(err, &le):
		msg = le.Message
		pos.Line, pos.Col = max(le.Mark.Line, 1), max(le.Mark.Column, 1)
		if opened(le.ContextMsg) && le.ContextMark.Line > 0 && le.ContextMark != le.Mark {
			what := strings.TrimPrefix(strings.TrimPrefix(le.ContextMsg, "while parsing "), "while scanning ")
			where := fmt.Sprintf("at line %d, column %d", le.Mark.Line, le.Mark.Column)
			if le.Mark.Index >= len(bytes.TrimRight(data, " \t\r\n")) {
				where = "at the end of the file"
			}
			msg = fmt.Sprintf("%s that starts here is not closed (%s %s)", what, msg, where)
			pos.Line, pos.Col = le.ContextMark.Line, max(le.ContextMark.Column, 1)
		} else if charAt(data, le.Mark.Line, le.Mark.Column) == '\t' || strings.Contains(msg, "tab character") {
			msg = "a tab character: YAML indents with spaces only (replace the tab with spaces)"
		} else if msg == "did not find expected key" {
			if k, ok := dedentedKey(data, le.Mark.Line); ok {
				msg = fmt.Sprintf("%s: this key is indented less than its sibling on line %d (indent them alike)", msg, le.Mark.Line)
				pos.Line, pos.Col = k, indentOf(lineAt(data, k))+1
			}
		}
	}
	l.Add(pos, "", "cannot parse the %s: %s", what, msg)
	return l.Err()
}

// opened reports whether a parser context names a construct that has to
// be closed, and so whose start is the useful place to point at.
func opened(context string) bool {
	for _, c := range []string{"flow sequence", "flow mapping", "quoted scalar"} {
		if strings.Contains(context, c) {
			return true
		}
	}
	return false
}

// charAt is the byte at a 1-based line and column of data, counting the
// column in characters as the parser does, or 0 when there is none.
func charAt(data []byte, line, col int) byte {
	if line < 1 || col < 1 {
		return 0
	}
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return 0
		}
		data = data[j+1:]
	}
	for c := 1; len(data) > 0 && data[0] != '\n'; c++ {
		if c == col {
			return data[0]
		}
		_, size := utf8.DecodeRune(data)
		data = data[size:]
	}
	return 0
}

// reConstruct is the parser's report of a value of the wrong kind, which
// names the Go type kin-openapi decodes into.
var reConstruct = regexp.MustCompile("^cannot construct (!!\\w+)(?: `(.*)`)? into (.+?)(?: \\(TextUnmarshaler\\))?$")

// decodeDiag turns the errors of decoding the tree into kin-openapi's
// types into diagnostics, one per misplaced value, in spec terms: what
// the document has there and what OpenAPI expects.
func decodeDiag(file string, root *yaml.Node, err error) error {
	var l diag.List
	var les *yaml.LoadErrors
	var le *yaml.LoadError
	switch {
	case errors.As(err, &les):
		for _, e := range les.Errors {
			l.Add(placeDecode(file, root, e), "", "%s", decodeMessage(e.Message))
		}
	case errors.As(err, &le):
		l.Add(placeDecode(file, root, le), "", "%s", decodeMessage(le.Message))
	}
	if len(l) == 0 {
		// An error of another shape is read as one load error without a
		// mark: the same placing and wording.
		e := &yaml.LoadError{Message: strings.TrimPrefix(err.Error(), "yaml: ")}
		l.Add(placeDecode(file, root, e), "", "%s", decodeMessage(e.Message))
	}
	return l.Err()
}

// placeDecode is where a decode error points: its mark, or for
// kin-openapi's own string check, which marks the object, the value.
func placeDecode(file string, root *yaml.Node, e *yaml.LoadError) ir.Pos {
	pos := ir.Pos{File: file, Line: max(e.Mark.Line, 1), Col: max(e.Mark.Column, 1)}
	if m := reYAMLPlace.FindStringSubmatch(e.Message); m != nil { // the problem's place, not the document's
		pos.Line, _ = strconv.Atoi(m[1])
		pos.Col, _ = strconv.Atoi(m[2])
	}
	if m := reStringField.FindStringSubmatch(e.Message); m != nil {
		if n := findKey(root, m[2], m[1], 0); n != nil {
			pos.Line, pos.Col = n.Line, n.Column
		}
	}
	return pos
}

// reYAMLPlace finds the place, and what was wrong there, in a yaml.v4
// constructor error.
var reYAMLPlace = regexp.MustCompile(`\bat L(\d+)\.C(\d+): (.*)$`)

// reStringField is kin-openapi's report of a non-string where OpenAPI has
// a string.
var reStringField = regexp.MustCompile(`cannot unmarshal (!!\w+) into string field "(.*)"`)

// findKey finds the first value under key whose tag is tag, depth first.
func findKey(n *yaml.Node, key, tag string, depth int) *yaml.Node {
	if n == nil || depth > maxWalk {
		return nil
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && c.Value == key && i+1 < len(n.Content) && n.Content[i+1].Tag == tag {
			return n.Content[i+1]
		}
		if found := findKey(c, key, tag, depth+1); found != nil {
			return found
		}
	}
	return nil
}

// decodeMessageKind names a YAML tag as a kind of value.
func decodeMessageKind(tag string) string {
	if k, ok := map[string]string{"!!seq": "a list", "!!map": "a mapping", "!!str": "a string", "!!int": "an integer",
		"!!float": "a number", "!!bool": "a boolean", "!!null": "null", "!!binary": "binary data"}[tag]; ok {
		return k
	}
	return "a " + strings.TrimPrefix(tag, "!!")
}

// decodeMessage says what a value is and what OpenAPI expects there.
func decodeMessage(msg string) string {
	if m := reStringField.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s: expected a string here, found %s", m[2], decodeMessageKind(m[1]))
	}
	if m := reYAMLPlace.FindStringSubmatch(msg); m != nil {
		return "cannot read the spec: " + m[3]
	}
	m := reConstruct.FindStringSubmatch(msg)
	if m == nil {
		msg = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(msg, "cannot unmarshal: "), "cannot unmarshal "), ": ")
		return "not an OpenAPI document: " + msg
	}
	found := decodeMessageKind(m[1])
	if m[2] != "" {
		found += fmt.Sprintf(" (%s)", m[2])
	}
	return fmt.Sprintf("expected %s here, found %s", specKind(m[3]), found)
}

// specKind names a Go type kin-openapi decodes into as a kind of value.
func specKind(goType string) string {
	goType = strings.TrimLeft(goType, "*")
	switch {
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "openapi3."):
		if strings.HasSuffix(goType, "Types") {
			return "a type name or a list of them"
		}
		return "a mapping"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return "another kind of value"
}

// ParseYAML parses a small YAML file other than the spec (pegasus-gen.yaml)
// into its root node, nil for an empty file, with a syntax error as a
// diagnostic placed as the spec's are.
func ParseYAML(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxDiagOf("config", file, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// dedentedKey finds the line a "did not find expected key" at line errLine
// comes from when that line is right and an earlier one was dedented by
// mistake: the first key of the mapping the parser is in (its previous
// line is its parent, ending in ':') is indented less than the key at
// errLine, and that key cannot be its child (the first key has its value
// inline), or a later line of the same block is indented as errLine is.
// The parser blames the first line indented like the rest; the reader
// needs the one that is not.
func dedentedKey(data []byte, errLine int) (int, bool) {
	lines := strings.Split(string(data), "\n")
	if errLine < 2 || errLine > len(lines) {
		return 0, false
	}
	want := indentOf(lines[errLine-1])
	first := prevContent(lines, errLine)
	for first > 0 && indentOf(lines[first-1]) >= want {
		first = prevContent(lines, first)
	}
	if first == 0 {
		return 0, false
	}
	parent := prevContent(lines, first)
	if parent == 0 || indentOf(lines[parent-1]) >= indentOf(lines[first-1]) || !strings.HasSuffix(content(lines[parent-1]), ":") {
		return 0, false
	}
	if !strings.HasSuffix(content(lines[first-1]), ":") || sameIndentLater(lines, errLine, want, indentOf(lines[parent-1])) {
		return first, true
	}
	return 0, false
}

// sameIndentLater reports whether a line after line n (1-based), before
// the block of indentation floor ends, is indented by want.
func sameIndentLater(lines []string, n, want, floor int) bool {
	for i := n; i < len(lines); i++ {
		if content(lines[i]) == "" {
			continue
		}
		in := indentOf(lines[i])
		if in <= floor {
			return false
		}
		if in == want {
			return true
		}
	}
	return false
}

// prevContent is the 1-based number of the last line before line n that
// is neither blank nor a comment, or 0.
func prevContent(lines []string, n int) int {
	for i := n - 1; i >= 1; i-- {
		if c := content(lines[i-1]); c != "" && !strings.HasPrefix(c, "#") {
			return i
		}
	}
	return 0
}

// content is a line without its indentation and trailing blanks or
// comment.
func content(line string) string {
	c := strings.TrimSpace(line)
	if i := strings.Index(c, " #"); i >= 0 {
		c = strings.TrimSpace(c[:i])
	}
	return c
}

// indentOf is the number of leading spaces of a line.
func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// lineAt is the 1-based line n of data.
func lineAt(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}
