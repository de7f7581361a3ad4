package conformrt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// cfNode is a parsed JSON value that keeps what a conformance check needs
// and encoding/json drops: the order of members and the exact bytes of
// every scalar, so a body can be written again in a format and compared
// byte for byte with what the server sent.
type cfNode struct {
	Kind    byte   // '{', '[', '"', '0' (number), 't', 'f', 'n'
	Raw     []byte // scalars: the bytes as sent
	Str     string // strings: the decoded value
	Keys    []string
	RawKeys [][]byte
	Items   []*cfNode // members' values or array items
}

// cfParse parses one JSON value that fills data, ignoring no byte: any
// whitespace is kept out of the node and checked by re-rendering.
func cfParse(data []byte) (*cfNode, error) {
	p := &cfParser{data: data}
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.data) {
		return nil, fmt.Errorf("JSON: unexpected %q after the value at offset %d", p.data[p.i], p.i)
	}
	return n, nil
}

type cfParser struct {
	data []byte
	i    int
}

func (p *cfParser) space() {
	for p.i < len(p.data) && (p.data[p.i] == ' ' || p.data[p.i] == '\t' || p.data[p.i] == '\n' || p.data[p.i] == '\r') {
		p.i++
	}
}

func (p *cfParser) errorf(format string, args ...any) error {
	return fmt.Errorf("JSON: offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *cfParser) value(depth int) (*cfNode, error) {
	if depth > 100 {
		return nil, p.errorf("nested too deeply")
	}
	if p.i >= len(p.data) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		raw, s, err := p.str()
		return &cfNode{Kind: '"', Raw: raw, Str: s}, err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.data[p.i:], []byte(lit)) {
				p.i += len(lit)
				return &cfNode{Kind: lit[0], Raw: []byte(lit)}, nil
			}
		}
		return nil, p.errorf("invalid literal")
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		for p.i < len(p.data) && strings.IndexByte("0123456789+-.eE", p.data[p.i]) >= 0 {
			p.i++
		}
		raw := p.data[start:p.i]
		if !json.Valid(raw) {
			return nil, fmt.Errorf("JSON: invalid number %q", raw)
		}
		return &cfNode{Kind: '0', Raw: raw}, nil
	default:
		return nil, p.errorf("unexpected %q", c)
	}
}

func (p *cfParser) str() ([]byte, string, error) {
	start := p.i
	p.i++
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			raw := p.data[start:p.i]
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, "", fmt.Errorf("JSON: invalid string %s", raw)
			}
			return raw, s, nil
		}
		p.i++
	}
	return nil, "", p.errorf("unterminated string")
}

func (p *cfParser) object(depth int) (*cfNode, error) {
	n := &cfNode{Kind: '{'}
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return n, nil
	}
	for {
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, p.errorf("want a member name")
		}
		raw, key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.errorf("want ':'")
		}
		p.i++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Keys, n.RawKeys, n.Items = append(n.Keys, key), append(n.RawKeys, raw), append(n.Items, v)
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.data) && p.data[p.i] == '}' {
			p.i++
			return n, nil
		}
		return nil, p.errorf("want ',' or '}'")
	}
}

func (p *cfParser) array(depth int) (*cfNode, error) {
	n := &cfNode{Kind: '['}
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return n, nil
	}
	for {
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Items = append(n.Items, v)
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.data) && p.data[p.i] == ']' {
			p.i++
			return n, nil
		}
		return nil, p.errorf("want ',' or ']'")
	}
}

// member is the value of key k, or nil.
func (n *cfNode) member(k string) *cfNode {
	for i, key := range n.Keys {
		if key == k {
			return n.Items[i]
		}
	}
	return nil
}

// pointer resolves a JSON pointer ("/a/b") in n, or nil.
func (n *cfNode) pointer(ptr string) *cfNode {
	if ptr == "" {
		return n
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if n == nil || n.Kind != '{' {
			return nil
		}
		n = n.member(tok)
	}
	return n
}

// text is a scalar as a string: strings decoded, others as sent.
func (n *cfNode) text() string {
	if n.Kind == '"' {
		return n.Str
	}
	return string(n.Raw)
}

// cfRender writes n in format f: the layout, key order and final newline of
// the server's encoder, with every scalar and key exactly as sent. A body
// that differs from its rendering is not in the documented format.
func cfRender(n *cfNode, f int) []byte {
	var b bytes.Buffer
	indent := ""
	switch f {
	case cfFormatPretty4:
		indent = "    "
	case cfFormatPretty2:
		indent = "  "
	}
	sorted := f == cfFormatSorted || f == cfFormatPretty2
	cfRenderNode(&b, n, indent, 0, sorted)
	if f == cfFormatTable {
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func cfRenderNode(b *bytes.Buffer, n *cfNode, indent string, depth int, sorted bool) {
	switch n.Kind {
	case '{', '[':
		open, close := byte('{'), byte('}')
		if n.Kind == '[' {
			open, close = '[', ']'
		}
		b.WriteByte(open)
		if len(n.Items) == 0 {
			b.WriteByte(close)
			return
		}
		order := make([]int, len(n.Items))
		for i := range order {
			order[i] = i
		}
		if n.Kind == '{' && sorted {
			sort.SliceStable(order, func(i, j int) bool { return n.Keys[order[i]] < n.Keys[order[j]] })
		}
		for k, i := range order {
			if k > 0 {
				b.WriteByte(',')
			}
			if indent != "" {
				b.WriteByte('\n')
				b.WriteString(strings.Repeat(indent, depth+1))
			}
			if n.Kind == '{' {
				b.Write(n.RawKeys[i])
				b.WriteByte(':')
				if indent != "" {
					b.WriteByte(' ')
				}
			}
			cfRenderNode(b, n.Items[i], indent, depth+1, sorted)
		}
		if indent != "" {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(indent, depth))
		}
		b.WriteByte(close)
	default:
		b.Write(n.Raw)
	}
}

// cfValidator checks a value against a schema, collecting every problem
// with the place it was found.
type cfValidator struct {
	api     *cfAPI
	ordered bool // the format keeps members in the order written
	errs    []string
	ctx     *cfRuleCtx // the request, for rules that read it; may be nil
	// shapeFails counts the failures that leave a value of another shape
	// than its schema's (a type, a missing member), after which a rule
	// would read what is not there; a value breaking a pattern, a format
	// or a range still has its shape, and its rules are checked too.
	shapeFails int
}

// fail records a value of the wrong shape.
func (v *cfValidator) fail(path, format string, args ...any) {
	v.shapeFails++
	v.failValue(path, format, args...)
}

// failValue records a value of the right shape that breaks a keyword: a
// pattern, a format, a range, an enum, the written order.
func (v *cfValidator) failValue(path, format string, args ...any) {
	if len(v.errs) < 20 {
		v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
	}
}

func (v *cfValidator) resolve(s *cfSchema) *cfSchema {
	for s != nil && s.Ref > 0 {
		s = v.api.Types[s.Ref-1]
	}
	return s
}

// kindName describes a JSON node for messages.
func kindName(n *cfNode) string {
	switch n.Kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "the string " + string(n.Raw)
	case 'n':
		return "null"
	case 't', 'f':
		return "the boolean " + string(n.Raw)
	}
	return "the number " + string(n.Raw)
}

// check validates n at path against s.
func (v *cfValidator) check(path string, n *cfNode, s *cfSchema, nullable bool) {
	named := s
	s = v.resolve(s)
	if s == nil {
		return
	}
	before := v.shapeFails
	if n.Kind == 'n' {
		if !nullable && !s.Nullable && !named.Nullable && s.Kind != cfAny {
			v.fail(path, "null, but the value is not nullable")
		}
		return
	}
	switch s.Kind {
	case cfStruct:
		v.object(path, n, s)
	case cfOrderedMap, cfMap:
		if n.Kind != '{' {
			v.fail(path, "want an object, got %s", kindName(n))
			return
		}
		seen := map[string]bool{}
		for i, k := range n.Keys {
			p := path + "." + k
			if seen[k] {
				v.fail(p, "member %q appears twice", k)
			}
			seen[k] = true
			v.check(p, n.Items[i], s.Elem, false)
			if s.KeyField != "" {
				if key := n.Items[i].member(s.KeyField); key != nil && key.Kind == '"' && key.Str != k {
					v.fail(p, "row key %q differs from its %s %q", k, s.KeyField, key.Str)
				}
			}
		}
	case cfSlice:
		if n.Kind != '[' {
			v.fail(path, "want an array, got %s", kindName(n))
			return
		}
		for i, it := range n.Items {
			v.check(fmt.Sprintf("%s[%d]", path, i), it, s.Elem, false)
		}
	case cfAny:
	default:
		v.scalar(path, n, s)
	}
	if v.shapeFails == before {
		// A rule reads a value of its schema's shape.
		v.rules(path, n, s.Rules)
	}
}

// object validates a struct: required members, known members' types, the
// written order where the format keeps it, and no undocumented member.
func (v *cfValidator) object(path string, n *cfNode, s *cfSchema) {
	if n.Kind != '{' {
		v.fail(path, "want an object, got %s", kindName(n))
		return
	}
	index := map[string]int{}
	for i, f := range s.Fields {
		index[f.Name] = i
	}
	last, lastName := -1, ""
	seen := map[string]bool{}
	for i, k := range n.Keys {
		fi, known := index[k]
		p := path + "." + k
		if seen[k] {
			v.fail(p, "member %q appears twice", k)
		}
		seen[k] = true
		switch {
		case known:
			before := v.shapeFails
			v.check(p, n.Items[i], s.Fields[fi].Schema, false)
			v.keywords(p, n.Items[i], s.Fields[fi])
			if v.shapeFails == before {
				v.rules(p, n.Items[i], s.Fields[fi].Rules)
			}
			if f := s.Fields[fi]; len(f.Enum) > 0 && n.Items[i].Kind == '"' && !cfIn(n.Items[i].Str, f.Enum) {
				v.failValue(p, "%q is not one of the documented values %s", n.Items[i].Str, strings.Join(f.Enum, ", "))
			}
			if v.ordered && fi < last {
				v.failValue(p, "member %q comes after %q; the documented order is the reverse", k, lastName)
			}
			if fi > last {
				last, lastName = fi, k
			}
		case s.Extra != nil:
			v.check(p, n.Items[i], s.Extra, false)
		default:
			v.failValue(p, "undocumented member %q", k)
		}
	}
	for _, f := range s.Fields {
		if f.Required && n.member(f.Name) == nil {
			v.fail(path, "required member %q is missing", f.Name)
		}
	}
}

// scalar validates a string, number or boolean, including the numbers the
// table format sends as strings.
func (v *cfValidator) scalar(path string, n *cfNode, s *cfSchema) {
	if s.Kind == cfString || s.Stringified {
		if n.Kind != '"' {
			if s.Stringified {
				v.fail(path, "want %s sent as a JSON string, got %s", cfArticle(cfKindName(s.Kind)), kindName(n))
			} else {
				v.fail(path, "want a string, got %s", kindName(n))
			}
			return
		}
		if s.Kind != cfString {
			if msg := cfScalarText(n.Str, s); msg != "" {
				v.fail(path, "%s", msg)
			}
		}
		return
	}
	switch s.Kind {
	case cfBool:
		if n.Kind != 't' && n.Kind != 'f' {
			v.fail(path, "want a boolean, got %s", kindName(n))
		}
	case cfNumber, cfFloat64:
		if n.Kind != '0' {
			v.fail(path, "want a number, got %s", kindName(n))
		}
	default:
		if n.Kind != '0' {
			v.fail(path, "want an integer, got %s", kindName(n))
			return
		}
		if msg := cfScalarText(string(n.Raw), s); msg != "" {
			v.fail(path, "%s", msg)
		}
	}
}

// cfScalarText checks the text of a number or boolean of kind s.Kind.
func cfScalarText(t string, s *cfSchema) string {
	switch s.Kind {
	case cfBool:
		if t != "true" && t != "false" {
			return fmt.Sprintf("want true or false, got %q", t)
		}
	case cfFloat64:
		if _, err := strconv.ParseFloat(t, 64); err != nil {
			return fmt.Sprintf("want a number, got %q", t)
		}
		if s.Stringified && s.Decimals > 0 && !cfHasDecimals(t, s.Decimals) {
			return fmt.Sprintf("want a number with %d decimals, got %q", s.Decimals, t)
		}
	case cfInt32, cfInt64, cfUint32, cfUint64:
		lo, hi := cfRange(s.Kind)
		if u, err := strconv.ParseUint(t, 10, 64); err == nil {
			if u > hi {
				return fmt.Sprintf("%s is out of the range of %s", t, cfKindName(s.Kind))
			}
			return ""
		}
		i, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return fmt.Sprintf("want an integer, got %q", t)
		}
		if i < lo {
			return fmt.Sprintf("%s is out of the range of %s", t, cfKindName(s.Kind))
		}
	}
	return ""
}

// cfHasDecimals reports whether t is written [-]digits.digits with exactly
// n digits after the point, as table_printer writes doubles.
func cfHasDecimals(t string, n int) bool {
	t = strings.TrimPrefix(t, "-")
	whole, frac, ok := strings.Cut(t, ".")
	return ok && whole != "" && len(frac) == n && strings.Trim(whole+frac, "0123456789") == ""
}

// cfRange is the range of an integer kind.
func cfRange(k int) (int64, uint64) {
	switch k {
	case cfInt32:
		return math.MinInt32, math.MaxInt32
	case cfUint32:
		return 0, math.MaxUint32
	case cfUint64:
		return 0, math.MaxUint64
	}
	return math.MinInt64, math.MaxInt64
}

// cfArticle puts a or an before a kind's name.
func cfArticle(name string) string {
	if strings.IndexByte("aeio", name[0]) >= 0 { // "a uint32", "an int64", "an object"
		return "an " + name
	}
	return "a " + name
}

// cfKindName names a scalar kind for messages.
func cfKindName(k int) string {
	names := [...]string{"string", "int32", "int64", "uint32", "uint64", "number", "boolean", "bytes", "object", "object", "object", "array", "value", "number"}
	if k >= 0 && k < len(names) {
		return names[k]
	}
	return "value"
}
