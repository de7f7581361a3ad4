package pegasusrt

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// rtDecodable is a generated type with a decoder of its own: clients
// decode answers with it instead of encoding/json's reflection, which is
// several times slower on large /metrics answers and allocates every
// repeated metric name and description again.
type rtDecodable interface {
	decode(d *rtDec)
}

// rtDec reads one valid JSON document into generated types. Validity is
// checked once up front (rtValid), so the walk below never meets a
// syntax error, only values of the wrong kind, which it reports once with
// their offset and skips. Short strings are interned per document, and
// optional scalars point into shared blocks, so that a 10,000-entity
// /metrics answer costs few allocations.
type rtDec struct {
	b    []byte
	i    int
	err  error
	buf  []byte            // scratch for unescaping
	strs map[string]string // interned strings
	f64s []float64         // block that *float64 fields point into
	ptrs []string          // block that *string fields point into
}

// rtInternMax is the longest string interned: names, types, units,
// descriptions and attribute values repeat across entities; longer texts
// rarely do.
const rtInternMax = 256

// rtUnmarshal decodes data into v, the way json.Unmarshal would for the
// generated types: unknown members are skipped, null leaves a value alone.
func rtUnmarshal(data []byte, v rtDecodable) error {
	if !rtValid(data) {
		// Let encoding/json describe the error (a *json.SyntaxError).
		return json.Unmarshal(data, new(json.RawMessage))
	}
	d := &rtDec{b: data}
	d.space()
	v.decode(d)
	return d.err
}

// space skips whitespace.
func (d *rtDec) space() { d.i = rtSkipSpace(d.b, d.i) }

// fail records the first decoding error and skips the value at hand.
func (d *rtDec) fail(want string) {
	if d.err == nil {
		end := min(rtValueEnd(d.b, d.i), d.i+40)
		d.err = fmt.Errorf("json: cannot decode %s at offset %d into %s", d.b[d.i:end], d.i, want)
	}
	d.skip()
}

// skip passes over the value at hand.
func (d *rtDec) skip() { d.i = rtValueEnd(d.b, d.i) }

// null consumes a null and reports whether there was one.
func (d *rtDec) null() bool {
	if d.b[d.i] == 'n' {
		d.i += 4
		return true
	}
	return false
}

// begin enters an object ('{') or array ('['). It returns false, having
// consumed the value, for null and for a value of another kind (an error).
func (d *rtDec) begin(open byte) bool {
	switch c := d.b[d.i]; {
	case c == open:
		d.i++
		return true
	case c == 'n':
		d.i += 4
	default:
		d.fail(map[byte]string{'{': "an object", '[': "an array"}[open])
	}
	return false
}

// more moves to the next member or element of the container begun last
// and reports whether there is one; at the end it consumes the closing
// bracket.
func (d *rtDec) more() bool {
	d.space()
	if d.b[d.i] == ',' {
		d.i++
		d.space()
	}
	if c := d.b[d.i]; c == '}' || c == ']' {
		d.i++
		return false
	}
	return true
}

// key reads a member's key and its colon; the bytes are valid until the
// next call.
func (d *rtDec) key() []byte {
	k := d.rawString()
	d.space()
	d.i++ // ':'
	d.space()
	return k
}

// rawString reads the string at hand, unescaped, into scratch or in place.
func (d *rtDec) rawString() []byte {
	end := rtStringEnd(d.b, d.i)
	q := d.b[d.i:end]
	d.i = end
	s := q[1 : len(q)-1]
	for _, c := range s {
		if c == '\\' {
			d.buf, _ = rtUnquote(d.buf[:0], q)
			return d.buf
		}
	}
	return s
}

// str reads a string.
func (d *rtDec) str() string {
	if d.null() {
		return ""
	}
	if d.b[d.i] != '"' {
		d.fail("a string")
		return ""
	}
	return d.intern(d.rawString())
}

// intern returns b as a string, shared with earlier equal short strings.
func (d *rtDec) intern(b []byte) string {
	if len(b) > rtInternMax {
		return string(b)
	}
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	if d.strs == nil {
		d.strs = make(map[string]string, 64)
	}
	s := string(b)
	d.strs[s] = s
	return s
}

// strPtr returns a pointer to s from a shared block.
func (d *rtDec) strPtr(s string) *string {
	if len(d.ptrs) == cap(d.ptrs) {
		d.ptrs = make([]string, 0, 256)
	}
	d.ptrs = append(d.ptrs, s)
	return &d.ptrs[len(d.ptrs)-1]
}

// f64Ptr returns a pointer to f from a shared block.
func (d *rtDec) f64Ptr(f float64) *float64 {
	if len(d.f64s) == cap(d.f64s) {
		d.f64s = make([]float64, 0, 512)
	}
	d.f64s = append(d.f64s, f)
	return &d.f64s[len(d.f64s)-1]
}

// token reads a number, or with quoted the contents of a string holding one
// (a value the server stringifies); ok is false, the value skipped and the
// error recorded, for anything else.
func (d *rtDec) token(quoted bool, want string) ([]byte, bool) {
	if d.null() {
		return nil, false
	}
	c := d.b[d.i]
	if quoted {
		if c != '"' {
			d.fail(want + " in a string")
			return nil, false
		}
		return d.rawString(), true
	}
	if c != '-' && (c < '0' || c > '9') {
		d.fail(want)
		return nil, false
	}
	end := rtValueEnd(d.b, d.i)
	t := d.b[d.i:end]
	d.i = end
	return t, true
}

// integer reads a signed integer of the given width.
func (d *rtDec) integer(bits int, quoted bool) int64 {
	at := d.i
	t, ok := d.token(quoted, "an integer")
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(string(t), 10, bits)
	if err != nil {
		d.i = at
		d.fail(fmt.Sprintf("an int%d", bits))
	}
	return n
}

// unsigned reads an unsigned integer of the given width.
func (d *rtDec) unsigned(bits int, quoted bool) uint64 {
	at := d.i
	t, ok := d.token(quoted, "an unsigned integer")
	if !ok {
		return 0
	}
	n, err := strconv.ParseUint(string(t), 10, bits)
	if err != nil {
		d.i = at
		d.fail(fmt.Sprintf("a uint%d", bits))
	}
	return n
}

// float reads a number.
func (d *rtDec) float(quoted bool) float64 {
	at := d.i
	t, ok := d.token(quoted, "a number")
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(t), 64)
	if err != nil && !math.IsInf(f, 0) {
		d.i = at
		d.fail("a float64")
	}
	return f
}

// integerOr reads a signed integer, or the text that stands for zero
// (the JSON string "unknown" a /metrics port may be).
func (d *rtDec) integerOr(bits int, zero string) int64 {
	if d.b[d.i] == '"' {
		at := d.i
		if s := d.rawString(); string(s) != zero {
			d.i = at
			d.fail(fmt.Sprintf("an int%d or %q", bits, zero))
		}
		return 0
	}
	return d.integer(bits, false)
}

// boolean reads true or false, or with quoted the string "true" or "false".
func (d *rtDec) boolean(quoted bool) bool {
	if d.null() {
		return false
	}
	if quoted {
		switch s := d.str(); s {
		case "true", "false":
			return s == "true"
		}
		if d.err == nil { // the first error is the one reported
			d.err = fmt.Errorf("json: cannot decode a string at offset %d into a bool", d.i)
		}
		return false
	}
	switch d.b[d.i] {
	case 't':
		d.i += 4
		return true
	case 'f':
		d.i += 5
		return false
	}
	d.fail("a bool")
	return false
}

// raw returns a copy of the value at hand, as json.RawMessage keeps it.
func (d *rtDec) raw() json.RawMessage {
	start := d.i
	d.skip()
	return append(json.RawMessage(nil), d.b[start:d.i]...)
}

// bytes reads a string as bytes.
func (d *rtDec) bytes() []byte {
	if d.b[d.i] != '"' {
		d.fail("a string")
		return nil
	}
	return append([]byte(nil), d.rawString()...)
}

// count returns the number of elements of the array at hand (0 for any
// other value) without consuming it, so that a slice is allocated once at
// its size: growing slices of large structs by doubling would allocate
// about twice the final size again.
func (d *rtDec) count() int {
	b, i := d.b, d.i
	if b[i] != '[' {
		return 0
	}
	i = rtSkipSpace(b, i+1)
	if b[i] == ']' {
		return 0
	}
	n, depth := 1, 0
	for ; ; i++ {
		switch b[i] {
		case '"':
			i = rtStringEnd(b, i) - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return n
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
}

// rtMaxDepth is encoding/json's nesting limit, which rtValid keeps.
const rtMaxDepth = 10000

// rtValid reports whether b is one valid JSON value, as json.Valid does,
// several times faster: encoding/json's scanner calls a state function per
// byte, and on a large /metrics answer that check was most of the decode.
func rtValid(b []byte) bool {
	i, ok := rtValidValue(b, rtSkipSpace(b, 0), 0)
	return ok && rtSkipSpace(b, i) == len(b)
}

// rtValidValue checks the value starting at b[i] and returns where it ends.
func rtValidValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '{' || c == '[':
		return rtValidContainer(b, i, depth+1)
	case c == '"':
		return rtValidString(b, i)
	case c == '-' || c >= '0' && c <= '9':
		return rtValidNumber(b, i)
	case c == 't':
		return i + 4, len(b) >= i+4 && string(b[i:i+4]) == "true"
	case c == 'f':
		return i + 5, len(b) >= i+5 && string(b[i:i+5]) == "false"
	case c == 'n':
		return i + 4, len(b) >= i+4 && string(b[i:i+4]) == "null"
	}
	return i, false
}

// rtValidContainer checks an object or an array.
func rtValidContainer(b []byte, i, depth int) (int, bool) {
	if depth > rtMaxDepth {
		return i, false
	}
	close, object := byte(']'), b[i] == '{'
	if object {
		close = '}'
	}
	i = rtSkipSpace(b, i+1)
	if i < len(b) && b[i] == close {
		return i + 1, true
	}
	for {
		var ok bool
		if object {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			if i, ok = rtValidString(b, i); !ok {
				return i, false
			}
			if i = rtSkipSpace(b, i); i >= len(b) || b[i] != ':' {
				return i, false
			}
			i = rtSkipSpace(b, i+1)
		}
		if i, ok = rtValidValue(b, i, depth); !ok {
			return i, false
		}
		if i = rtSkipSpace(b, i); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = rtSkipSpace(b, i+1)
		case close:
			return i + 1, true
		default:
			return i, false
		}
	}
}

// rtValidString checks a string: no control characters, known escapes.
func rtValidString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+5 >= len(b) {
					return i, false
				}
				for _, h := range b[i+2 : i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return i, false
					}
				}
				i += 5
			default:
				return i, false
			}
		}
	}
	return i, false
}

// rtValidNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func rtValidNumber(b []byte, i int) (int, bool) {
	digits := func(i int) (int, bool) {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i, i > start
	}
	if b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else {
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	if i < len(b) && b[i] == '.' {
		var ok bool
		if i, ok = digits(i + 1); !ok {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	return i, true
}
