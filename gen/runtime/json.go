package pegasusrt

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
)

// rtFormat names one of the three C++ JSON encoders (in four layouts) whose
// output generated servers must reproduce byte for byte (§1.5).
type rtFormat uint8

// The formats differ in layout, string escaping and double notation, so the
// generator picks one per response from the spec's x-pegasus-format.
const (
	// rtTable is utils::table_printer: rapidjson Writer, compact, and a
	// "\n" after the top-level value (std::endl).
	rtTable rtFormat = iota
	// rtSorted is nlohmann dump(): compact, no trailing newline.
	rtSorted
	// rtPretty4 is rapidjson PrettyWriter (/metrics): 4-space indent.
	rtPretty4
	// rtPretty2 is nlohmann dump(2) (/envs/list): 2-space indent.
	rtPretty2
)

// rtJSON is a streaming JSON writer for bodies whose shape is known only at
// run time: raw JSON re-laid-out in a format (rtAppendRaw), and the
// hand-written encoders of large bodies (GET /metrics, through the exported
// JSON). Generated encoders of spec types append directly instead, every
// separator of their fixed shape decided when they are generated. Callers
// write members in the order the wire needs (it does not sort); the writer
// supplies commas, indentation and escaping, so a body costs no allocation
// beyond the growth of one reusable buffer. It does not check that calls
// are balanced: callers are trusted to be.
type rtJSON struct {
	buf  []byte
	open []rtOpen // containers not yet closed, innermost last
	f    rtFormat
	// afterKey is set by Key: the next value follows the ':' directly.
	afterKey bool
	// base is the depth of the writer's top-level value inside a body that
	// generated code is writing around it (rtAppendRaw); inner says that
	// value is not the whole body, so no table "\n" follows it.
	base  int
	inner bool
}

// rtOpen is one open container; n counts its values (members for objects),
// which decides both the comma and whether the closer gets its own line.
type rtOpen struct {
	array bool
	n     int
}

// rtNewJSON returns a writer for format f. Prefer rtGetJSON on hot paths.
func rtNewJSON(f rtFormat) *rtJSON {
	return &rtJSON{f: f, buf: make([]byte, 0, 512)}
}

// rtJSONPool recycles writers across requests so that a warmed-up server
// serialises bodies without allocating.
var rtJSONPool = sync.Pool{New: func() any { return rtNewJSON(rtTable) }}

// rtGetJSON takes an empty writer for format f from the pool.
func rtGetJSON(f rtFormat) *rtJSON {
	j := rtJSONPool.Get().(*rtJSON)
	j.Reset()
	j.f = f
	return j
}

// rtPutJSON returns j to the pool; its Bytes must not be used afterwards.
// Writers that grew past 1 MiB are dropped so one huge /metrics body does
// not pin memory for ever.
func rtPutJSON(j *rtJSON) {
	if cap(j.buf) > 1<<20 {
		return
	}
	j.Reset()
	rtJSONPool.Put(j)
}

// Reset empties the writer but keeps its buffers and format, for reuse.
func (j *rtJSON) Reset() {
	j.buf = j.buf[:0]
	j.open = j.open[:0]
	j.afterKey = false
}

// Bytes returns the body written so far; for rtTable the trailing newline is
// already there once the top-level value is complete. The slice aliases the
// writer's buffer.
func (j *rtJSON) Bytes() []byte { return j.buf }

// nlohmann reports whether the format's encoder is nlohmann::json, which
// differs from rapidjson in \u escapes and double notation.
func (j *rtJSON) nlohmann() bool { return j.f == rtSorted || j.f == rtPretty2 }

// indent is the indentation step of the format; 0 means compact.
func (j *rtJSON) indent() int {
	switch j.f {
	case rtPretty4:
		return 4
	case rtPretty2:
		return 2
	}
	return 0
}

// rtSpaces is a source of indentation that avoids a loop per byte.
const rtSpaces = "                                                                "

// newline starts a new line indented by depth levels.
func (j *rtJSON) newline(depth int) {
	j.buf = rtLine(j.buf, j.indent(), j.base+depth)
}

// rtLine starts a new line of a pretty body, indented depth steps of step
// spaces. Generated encoders call it between members and elements.
func rtLine(b []byte, step, depth int) []byte {
	b = append(b, '\n')
	for n := step * depth; n > 0; n -= len(rtSpaces) {
		b = append(b, rtSpaces[:min(n, len(rtSpaces))]...)
	}
	return b
}

// sep writes what precedes a value or key at the current position: nothing
// after a key or at top level, else a comma unless first, and in pretty
// formats a new indented line (both encoders put every array element and
// member on its own line).
func (j *rtJSON) sep() {
	if j.afterKey {
		j.afterKey = false
		return
	}
	d := len(j.open)
	if d == 0 {
		return
	}
	top := &j.open[d-1]
	top.n++
	if top.n > 1 {
		j.buf = append(j.buf, ',')
	}
	if j.f == rtPretty4 || j.f == rtPretty2 {
		j.newline(d)
	}
}

// done finishes a value; after the top-level value of a table it writes the
// "\n" of table_printer's std::endl.
func (j *rtJSON) done() {
	if len(j.open) == 0 && j.f == rtTable && !j.inner {
		j.buf = append(j.buf, '\n')
	}
}

// begin opens a container.
func (j *rtJSON) begin(c byte, array bool) {
	j.sep()
	j.buf = append(j.buf, c)
	j.open = append(j.open, rtOpen{array: array})
}

// end closes the innermost container; an empty one stays "{}" or "[]" in
// every format, a non-empty pretty one closes on its own line.
func (j *rtJSON) end(c byte) {
	d := len(j.open) - 1
	n := j.open[d].n
	j.open = j.open[:d]
	if n > 0 && j.indent() > 0 {
		j.newline(d)
	}
	j.buf = append(j.buf, c)
	j.done()
}

// BeginObject opens an object.
func (j *rtJSON) BeginObject() { j.begin('{', false) }

// EndObject closes the innermost object.
func (j *rtJSON) EndObject() { j.end('}') }

// BeginArray opens an array.
func (j *rtJSON) BeginArray() { j.begin('[', true) }

// EndArray closes the innermost array.
func (j *rtJSON) EndArray() { j.end(']') }

// Key writes a member name; both pretty encoders put ": " after it.
func (j *rtJSON) Key(k string) {
	j.sep()
	j.buf = rtAppendQuoted(j.buf, k, j.nlohmann())
	if j.indent() > 0 {
		j.buf = append(j.buf, ':', ' ')
	} else {
		j.buf = append(j.buf, ':')
	}
	j.afterKey = true
}

// String writes a string value with the format's escaping.
func (j *rtJSON) String(s string) {
	j.sep()
	j.buf = rtAppendQuoted(j.buf, s, j.nlohmann())
	j.done()
}

// Int writes a JSON integer.
func (j *rtJSON) Int(v int64) {
	j.sep()
	j.buf = strconv.AppendInt(j.buf, v, 10)
	j.done()
}

// Uint writes a JSON integer from an unsigned value, which int64 cannot hold
// above 2^63.
func (j *rtJSON) Uint(v uint64) {
	j.sep()
	j.buf = strconv.AppendUint(j.buf, v, 10)
	j.done()
}

// Float writes a double as the format's encoder would (see rtAppendFloat).
func (j *rtJSON) Float(f float64) {
	j.sep()
	j.buf = rtAppendFloat(j.buf, f, j.nlohmann())
	j.done()
}

// Bool writes true or false.
func (j *rtJSON) Bool(v bool) {
	j.sep()
	j.buf = strconv.AppendBool(j.buf, v)
	j.done()
}

// Null writes null, e.g. for a never-assigned nlohmann::json.
func (j *rtJSON) Null() {
	j.sep()
	j.buf = append(j.buf, "null"...)
	j.done()
}

// Raw writes an already encoded JSON value (a json.RawMessage field) in this
// writer's format: it is re-laid-out and re-escaped rather than pasted, so
// that pretty bodies stay consistently indented. Numbers keep their text.
// An empty or invalid value is written as null, which is what a Go nil
// RawMessage means.
func (j *rtJSON) Raw(raw []byte) {
	if rtIsNumber(string(raw)) {
		// The common case (a port, a count) needs no validation or re-layout.
		j.sep()
		j.buf = append(j.buf, raw...)
		j.done()
		return
	}
	if !json.Valid(raw) {
		j.Null()
		return
	}
	j.raw(raw, 0)
}

// raw writes the valid JSON value at or after raw[i] and returns the index
// just past it.
func (j *rtJSON) raw(raw []byte, i int) int {
	i = rtSkipSpace(raw, i)
	switch raw[i] {
	case '{', '[':
		closer := byte('}')
		if raw[i] == '[' {
			closer = ']'
		}
		j.begin(raw[i], closer == ']')
		i = rtSkipSpace(raw, i+1)
		for raw[i] != closer {
			if closer == '}' {
				end := rtStringEnd(raw, i)
				key, _ := rtUnquote(nil, raw[i:end])
				j.Key(string(key))
				i = rtSkipSpace(raw, end) + 1 // the ':'
			}
			i = rtSkipSpace(raw, j.raw(raw, i))
			if raw[i] == ',' {
				i = rtSkipSpace(raw, i+1)
			}
		}
		j.end(closer)
		return i + 1
	case '"':
		end := rtStringEnd(raw, i)
		s, _ := rtUnquote(nil, raw[i:end])
		j.sep()
		j.buf = rtAppendQuoted(j.buf, s, j.nlohmann())
		j.done()
		return end
	}
	end := rtValueEnd(raw, i)
	j.sep()
	j.buf = append(j.buf, raw[i:end]...)
	j.done()
	return end
}

// rtEscape maps each byte to the letter of its short escape, 'u' for a
// \u00XX escape, or 0 when it is written raw. rapidjson 1.1.0 and nlohmann
// 3.9.1 (ensure_ascii=false) agree on this table: '/', DEL and all bytes
// >= 0x80 are written raw. They differ only in the case of the hex digits.
var rtEscape = func() (t [256]byte) {
	for c := 0; c < 0x20; c++ {
		t[c] = 'u'
	}
	t['\b'], t['\f'], t['\n'], t['\r'], t['\t'] = 'b', 'f', 'n', 'r', 't'
	t['"'], t['\\'] = '"', '\\'
	return t
}()

// rtAppendQuoted appends s as a JSON string. rapidjson writes \u00XX with
// upper-case hex, nlohmann with lower-case. Invalid UTF-8 is copied as is,
// as rapidjson does; nlohmann would throw instead (type_error 316), which a
// server cannot usefully reproduce.
func rtAppendQuoted[T string | []byte](b []byte, s T, lowerHex bool) []byte {
	hex := "0123456789ABCDEF"
	if lowerHex {
		hex = "0123456789abcdef"
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		e := rtEscape[s[i]]
		if e == 0 {
			continue
		}
		b = append(b, s[start:i]...)
		if e == 'u' {
			b = append(b, '\\', 'u', '0', '0', hex[s[i]>>4], hex[s[i]&15])
		} else {
			b = append(b, '\\', e)
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// rtAppendFloat writes a double as rapidjson's Writer::Double (Grisu2 +
// Prettify) or nlohmann's dump_float (Grisu2 + format_buffer) would. The
// digits come from ports of the two Grisu2 implementations (rtGrisu2), only
// the layout differs:
//
//	rapidjson: 1e21 → "1e21", 1e-7 → "1e-7", 0.000001 → "0.000001", 5 → "5.0"
//	nlohmann:  1e16 → "1e+16", 1e-5 → "1e-05", 0.0001 → "0.0001", 5 → "5.0"
//
// NaN and ±Inf are written as null. That is nlohmann's choice; rapidjson
// writes nothing at all after the separator (malformed JSON), which is not
// worth reproducing.
func rtAppendFloat(b []byte, f float64, nlohmann bool) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			b = append(b, '-')
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	var buf [24]byte
	d, k := rtGrisu2(&buf, f, !nlohmann)
	point := len(d) + k // decimal point position: value = 0.d × 10^point
	if nlohmann {
		return rtLayoutNlohmann(b, d, point)
	}
	return rtLayoutRapidJSON(b, d, point)
}

// rtLayoutRapidJSON is rapidjson 1.1.0 Prettify with the default
// maxDecimalPlaces (324, which no double reaches): plain notation while the
// decimal point lies within 21 digits to the left or 6 to the right.
func rtLayoutRapidJSON(b, d []byte, kk int) []byte {
	n := len(d)
	switch {
	case n <= kk && kk <= 21:
		b = append(b, d...)
		b = rtAppendZeros(b, kk-n)
		return append(b, '.', '0')
	case 0 < kk && kk <= 21:
		b = append(b, d[:kk]...)
		b = append(b, '.')
		return append(b, d[kk:]...)
	case -6 < kk && kk <= 0:
		b = append(b, '0', '.')
		b = rtAppendZeros(b, -kk)
		return append(b, d...)
	}
	b = append(b, d[0])
	if n > 1 {
		b = append(b, '.')
		b = append(b, d[1:]...)
	}
	b = append(b, 'e')
	return strconv.AppendInt(b, int64(kk-1), 10)
}

// rtLayoutNlohmann is nlohmann 3.9.1 format_buffer with min_exp -4 and
// max_exp 15 (digits10): exponents carry a sign and at least two digits.
func rtLayoutNlohmann(b, d []byte, n int) []byte {
	k := len(d)
	switch {
	case k <= n && n <= 15:
		b = append(b, d...)
		b = rtAppendZeros(b, n-k)
		return append(b, '.', '0')
	case 0 < n && n <= 15:
		b = append(b, d[:n]...)
		b = append(b, '.')
		return append(b, d[n:]...)
	case -4 < n && n <= 0:
		b = append(b, '0', '.')
		b = rtAppendZeros(b, -n)
		return append(b, d...)
	}
	b = append(b, d[0])
	if k > 1 {
		b = append(b, '.')
		b = append(b, d[1:]...)
	}
	b = append(b, 'e')
	e := n - 1
	if e < 0 {
		b = append(b, '-')
		e = -e
	} else {
		b = append(b, '+')
	}
	if e < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(e), 10)
}

// rtAppendZeros appends n '0' bytes (none when n <= 0).
func rtAppendZeros(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, '0')
	}
	return b
}

// rtAppendFixed is table_printer::to_string<double>: "%.<decimals>f" as
// std::fixed prints it, except that |x| < 1e-6 prints as zero (the C++ code
// returns the literal "0.00"; decimals is always 2 there), which also avoids
// "-0.00" for tiny negatives. NaN and infinities print as glibc does.
func rtAppendFixed(b []byte, f float64, decimals int) []byte {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.Abs(f) < 1e-6:
		b = append(b, '0')
		if decimals > 0 {
			b = append(b, '.')
			b = rtAppendZeros(b, decimals)
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', max(decimals, 0), 64)
}

// rtBufPool recycles the buffers generated servers encode bodies into, so
// that a warmed-up server writes a JSON answer without allocating.
var rtBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// rtGetBuf takes an empty buffer from the pool.
func rtGetBuf() *[]byte {
	p := rtBufPool.Get().(*[]byte)
	*p = (*p)[:0]
	return p
}

// rtPutBuf returns a buffer, as grown to b, to the pool; b must not be used
// afterwards. Buffers past 1 MiB are dropped, as in rtPutJSON.
func rtPutBuf(p *[]byte, b []byte) {
	if cap(b) > 1<<20 {
		return
	}
	*p = b[:0]
	rtBufPool.Put(p)
}

// rtAppendNumber appends a number kept as its text (json.Number): empty is
// 0 and text that is not a JSON number is null, as rtJSON.Number writes.
func rtAppendNumber(b []byte, n string) []byte {
	switch {
	case n == "":
		return append(b, '0')
	case !rtIsNumber(n):
		return append(b, "null"...)
	}
	return append(b, n...)
}

// rtAppendRaw appends an already encoded value (a json.RawMessage field)
// in format f at depth, re-laid-out and re-escaped as rtJSON.Raw does.
func rtAppendRaw(b []byte, raw []byte, f rtFormat, depth int) []byte {
	if rtIsNumber(string(raw)) {
		// The common case (a port, a count) needs no writer.
		return append(b, raw...)
	}
	j := rtJSON{buf: b, f: f, base: depth, inner: true}
	j.Raw(raw)
	return j.buf
}

// rtSortedKeys returns a map's keys in byte order, the order of nlohmann's
// std::map and a deterministic one where the server's is unspecified.
func rtSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// rtMergeKeys merges a struct's named members into the sorted keys of its
// extra members, so that nlohmann-style bodies interleave both in one sorted
// run; a name present in both appears once, as in a std::map.
func rtMergeKeys(sorted []string, names ...string) []string {
	out := make([]string, 0, len(sorted)+len(names))
	out = append(out, sorted...)
	out = append(out, names...)
	slices.Sort(out)
	return slices.Compact(out)
}

// rtContains reports whether k is one of a struct's named members, which
// decoders skip when collecting the extra ones.
func rtContains(k string, names []string) bool {
	return slices.Contains(names, k)
}

// rtAppendNumberFloat appends a number the server writes either as an
// integer or as a double: an integral value within int64 as an integer
// (counters, int gauges), any other as its format's double.
func rtAppendNumberFloat(b []byte, f float64, nlohmann bool) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return rtAppendFloat(b, f, nlohmann)
}

// rtAppendIntOr appends v, or the text that stands for zero (a /metrics
// port of "unknown").
func rtAppendIntOr(b []byte, v int64, zero string) []byte {
	if v == 0 {
		return rtAppendQuoted(b, zero, false)
	}
	return strconv.AppendInt(b, v, 10)
}
