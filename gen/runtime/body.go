package pegasusrt

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"unicode/utf8"
)

// rtObject is a request body decoded the way Pegasus' json_helper decodes
// one (JSON_DECODE_ENTRIES, §4.8). Its peculiarities are kept on purpose:
// a listed field may be absent, a present one must have exactly its JSON
// type, and whether unknown members are tolerated depends on how many
// listed fields were present (see Complete).
type rtObject struct {
	members []rtMember // document order, duplicates kept (MemberCount counts them)
	parsed  int        // listed fields found so far (parsed_count)
	valid   bool       // the body was a JSON object; guards a zero rtObject
}

// rtMember is one member of the top-level object, key already unescaped and
// value still encoded.
type rtMember struct {
	key []byte
	val []byte
}

// rtDecodeObject parses a request body. It fails, like rapidjson's
// Document::Parse followed by IsObject, on an empty body, invalid JSON, or a
// value that is not an object. Validity is encoding/json's, plus rapidjson's
// rejection of an unpaired high surrogate escape anywhere in the document.
// (rapidjson also rejects numbers too large for a double, such as 1e400,
// which encoding/json accepts; that is not reproduced.)
func rtDecodeObject(body []byte) (rtObject, bool) {
	i := rtSkipSpace(body, 0)
	if i == len(body) || body[i] != '{' || !json.Valid(body) || !rtSurrogatesPaired(body) {
		return rtObject{}, false
	}
	o := rtObject{valid: true}
	_ = rtEachMember(body, i, func(key, val []byte) error {
		k := key[1 : len(key)-1] // aliases the body when there is no escape
		if bytes.IndexByte(k, '\\') >= 0 {
			k, _ = rtUnquote(nil, key)
		}
		o.members = append(o.members, rtMember{key: k, val: val})
		return nil
	})
	return o, true
}

// find returns the value of the first member called name, as rapidjson's
// HasMember/operator[] do with duplicate keys, or nil when there is none.
func (o *rtObject) find(name string) []byte {
	for _, m := range o.members {
		if string(m.key) == name {
			return m.val
		}
	}
	return nil
}

// String decodes a string field. The value is cut at an escaped NUL because
// json_helper assigns GetString(), a C string. Absent is fine (dst is left
// alone); present with another type fails the whole decode.
func (o *rtObject) String(name string, dst *string) bool {
	v := o.find(name)
	if v == nil {
		return true
	}
	if v[0] != '"' {
		return false
	}
	s, _ := rtUnquote(nil, v)
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	*dst = string(s)
	o.parsed++
	return true
}

// Int64 decodes an integer field: rapidjson's IsInt64, i.e. a number written
// without fraction or exponent that fits in int64. "0" (a string) and 1.0
// both fail, as they do on the real server.
func (o *rtObject) Int64(name string, dst *int64) bool {
	v := o.find(name)
	if v == nil {
		return true
	}
	x, ok := rtJSONInt(v)
	if !ok {
		return false
	}
	*dst = x
	o.parsed++
	return true
}

// Int32 is Int64 plus json_helper's range check against int32.
func (o *rtObject) Int32(name string, dst *int32) bool {
	v := o.find(name)
	if v == nil {
		return true
	}
	x, ok := rtJSONInt(v)
	if !ok || x < math.MinInt32 || x > math.MaxInt32 {
		return false
	}
	*dst = int32(x)
	o.parsed++
	return true
}

// Bool decodes a boolean field. json_helper treats bools as integers for
// compatibility: it accepts true/false and any integer within int32 range
// (rapidjson's IsInt), non-zero meaning true.
func (o *rtObject) Bool(name string, dst *bool) bool {
	v := o.find(name)
	if v == nil {
		return true
	}
	switch string(v) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		x, ok := rtJSONInt(v)
		if !ok || x < math.MinInt32 || x > math.MaxInt32 {
			return false
		}
		*dst = x != 0
	}
	o.parsed++
	return true
}

// Complete applies json_helper's final rule, parsed_count == arguments_count
// || parsed_count == MemberCount(): unknown members are tolerated only when
// every listed field is present, or when there are no unknown members.
// listed is the number of fields the C++ struct declares.
func (o *rtObject) Complete(listed int) bool {
	return o.valid && (o.parsed == listed || o.parsed == len(o.members))
}

// rtJSONInt parses a JSON number that rapidjson stores as an int64: no
// fraction, no exponent, within range ("-0" is 0).
func rtJSONInt(v []byte) (int64, bool) {
	neg := v[0] == '-'
	if neg {
		v = v[1:]
	}
	if len(v) == 0 {
		return 0, false
	}
	var mag uint64
	for _, c := range v {
		if c < '0' || c > '9' || mag > (1<<63)/10 {
			return 0, false
		}
		mag = mag*10 + uint64(c-'0')
	}
	switch {
	case neg && mag <= 1<<63:
		return int64(-mag), true
	case !neg && mag < 1<<63:
		return int64(mag), true
	}
	return 0, false
}

// rtErrNotObject is rtDecodeOrdered's complaint about a non-object value.
var rtErrNotObject = errors.New("pegasus: JSON value is not an object")

// rtDecodeOrdered walks a JSON object's members in document order, which
// encoding/json's maps lose but table-format bodies use to carry row order
// (and extra members must be told from named ones). raw aliases data and
// must be copied to be kept, as in UnmarshalJSON. A JSON null makes no
// calls, the way Unmarshal leaves a value alone.
func rtDecodeOrdered(data []byte, fn func(key string, raw json.RawMessage) error) error {
	if !rtValid(data) {
		// Let encoding/json describe the error (a *json.SyntaxError).
		return json.Unmarshal(data, new(json.RawMessage))
	}
	i := rtSkipSpace(data, 0)
	switch data[i] {
	case 'n':
		return nil
	case '{':
	default:
		return rtErrNotObject
	}
	return rtEachMember(data, i, func(key, val []byte) error {
		k, _ := rtUnquote(nil, key)
		return fn(string(k), val)
	})
}

// rtEachMember calls fn with the still-quoted key and the value of each
// member of the valid JSON object starting at b[i], in document order,
// stopping at the first error.
func rtEachMember(b []byte, i int, fn func(key, val []byte) error) error {
	i = rtSkipSpace(b, i+1)
	for b[i] != '}' {
		ke := rtStringEnd(b, i)
		vs := rtSkipSpace(b, rtSkipSpace(b, ke)+1)
		ve := rtValueEnd(b, vs)
		if err := fn(b[i:ke], b[vs:ve:ve]); err != nil {
			return err
		}
		i = rtSkipSpace(b, ve)
		if b[i] == ',' {
			i = rtSkipSpace(b, i+1)
		}
	}
	return nil
}

// rtSkipSpace skips JSON whitespace, the same four bytes for every parser
// involved.
func rtSkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// rtStringEnd returns the index just past the valid JSON string starting at
// b[i]; in valid JSON a backslash always starts a two-byte-or-longer escape.
func rtStringEnd(b []byte, i int) int {
	for i++; b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i + 1
}

// rtValueEnd returns the index just past the valid JSON value starting at
// b[i]. Containers are skipped by counting brackets outside strings, which
// is enough because the input is known to be valid.
func rtValueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return rtStringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = rtStringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\r', '\n', ',', ']', '}':
			return i
		}
	}
	return i
}

// rtHex4 decodes the four hex digits of a \u escape in valid JSON.
func rtHex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c <= '9':
			r |= rune(c - '0')
		case c >= 'a':
			r |= rune(c-'a') + 10
		default:
			r |= rune(c-'A') + 10
		}
	}
	return r
}

// rtSurrogatesPaired reports whether every \uD800-\uDBFF escape in valid
// JSON is followed by a \uDC00-\uDFFF one, which rapidjson's parser insists
// on (kParseErrorStringUnicodeSurrogateInvalid) and encoding/json does not.
// Outside strings valid JSON has no backslash, so no string tracking is
// needed.
func rtSurrogatesPaired(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if b[i+1] != 'u' {
			i++
			continue
		}
		if r := rtHex4(b[i+2:]); r >= 0xD800 && r <= 0xDBFF {
			if i+12 > len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
				return false
			}
			if r2 := rtHex4(b[i+8:]); r2 < 0xDC00 || r2 > 0xDFFF {
				return false
			}
			i += 6
		}
		i += 5
	}
	return true
}

// rtUnquote appends the contents of the valid JSON string literal q to dst.
// Unlike encoding/json it keeps invalid UTF-8 bytes as they are and encodes
// a lone low surrogate as its three-byte form, as rapidjson does; a lone high
// surrogate (which rapidjson refuses) becomes U+FFFD and ok is false.
func rtUnquote(dst, q []byte) (out []byte, ok bool) {
	s := q[1 : len(q)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return append(dst, s...), true
	}
	ok = true
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		c = s[i+1]
		i += 2
		switch c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rtHex4(s[i:])
			i += 4
			switch {
			case r >= 0xD800 && r <= 0xDBFF:
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if r2 := rtHex4(s[i+2:]); r2 >= 0xDC00 && r2 <= 0xDFFF {
						dst = utf8.AppendRune(dst, (r-0xD800)<<10|(r2-0xDC00)+0x10000)
						i += 6
						continue
					}
				}
				dst = utf8.AppendRune(dst, utf8.RuneError)
				ok = false
			case r >= 0xDC00 && r <= 0xDFFF:
				dst = append(dst, 0xED, byte(0x80|r>>6&0x3F), byte(0x80|r&0x3F))
			default:
				dst = utf8.AppendRune(dst, r)
			}
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
	}
	return dst, ok
}
