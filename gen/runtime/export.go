package pegasusrt

// This file is not copied into generated packages: it exports the runtime
// to pegasus-gen's own Go code (the generator and the hand-written reference
// servers), so that bytes written outside generated code come from the same
// encoders the generated servers run.

// TableString quotes s as the real server's table_printer does. The
// generator uses it for the help index file and the API reference.
func TableString(s string) string {
	return string(rtAppendQuoted(nil, s, false))
}

// Quote quotes s as format f's encoder does: rapidjson and nlohmann differ
// only in the case of \u escapes. The generator quotes constant keys with
// it, so generated encoders need not scan them at run time.
func Quote(f Format, s string) string {
	return string(rtAppendQuoted(nil, s, f == rtSorted || f == rtPretty2))
}

// Format is one of the four JSON formats of the real servers.
type Format = rtFormat

// The formats, as named in the spec's x-pegasus-format.
const (
	Table   Format = rtTable
	Sorted  Format = rtSorted
	Pretty4 Format = rtPretty4
	Pretty2 Format = rtPretty2
)

// JSON is the streaming writer generated servers use, for hand-written
// encoders of large bodies (GET /metrics) that must match them byte for byte.
type JSON struct{ j *rtJSON }

// NewJSON returns a writer of format f.
func NewJSON(f Format) *JSON { return &JSON{j: rtNewJSON(f)} }

// BeginObject opens an object.
func (w *JSON) BeginObject() { w.j.BeginObject() }

// EndObject closes an object.
func (w *JSON) EndObject() { w.j.EndObject() }

// BeginArray opens an array.
func (w *JSON) BeginArray() { w.j.BeginArray() }

// EndArray closes an array.
func (w *JSON) EndArray() { w.j.EndArray() }

// Key writes an object key.
func (w *JSON) Key(k string) { w.j.Key(k) }

// String writes a string value.
func (w *JSON) String(s string) { w.j.String(s) }

// Int writes an integer.
func (w *JSON) Int(v int64) { w.j.Int(v) }

// Uint writes an unsigned integer.
func (w *JSON) Uint(v uint64) { w.j.Uint(v) }

// Float writes a double the way the format's library does.
func (w *JSON) Float(f float64) { w.j.Float(f) }

// Bool writes a boolean.
func (w *JSON) Bool(v bool) { w.j.Bool(v) }

// Null writes null.
func (w *JSON) Null() { w.j.Null() }

// Number writes a number literal as given.
func (w *JSON) Number(n string) { w.j.Number(n) }

// Bytes is everything written so far (for the table format, with its
// trailing newline once the top-level value is closed).
func (w *JSON) Bytes() []byte { return w.j.Bytes() }

// Reset empties the writer, keeping its buffer, so one writer can encode
// many bodies without allocating.
func (w *JSON) Reset() { w.j.Reset() }

// Len is the number of bytes written so far.
func (w *JSON) Len() int { return len(w.j.buf) }

// ParseInt parses s as C strtoll(s, 0) does, range-checked to bits.
func ParseInt(s string, bits int) (int64, bool) { return rtParseInt(s, bits) }

// ParseUint parses s as C strtoull(s, 0) does, refusing a minus sign
// (except "-0"), range-checked to bits.
func ParseUint(s string, bits int) (uint64, bool) { return rtParseUint(s, bits) }

// ParseBool accepts "true" and "false", case-insensitive, only.
func ParseBool(s string) (bool, bool) { return rtParseBool(s) }

// ParseDouble parses s as strtod does, refusing inf, nan and overflow.
func ParseDouble(s string) (float64, bool) { return rtParseDouble(s) }

// Fixed formats f as printf("%.<decimals>f") does, with values closer to 0
// than 1e-6 printed as zero, as table_printer writes doubles.
func Fixed(f float64, decimals int) string { return string(rtAppendFixed(nil, f, decimals)) }

// Arg is one query argument as the server decodes it: Flag when the item
// had no '='.
type Arg = rtArg

// ParseQuery decodes and splits a raw query as the server does, in request
// order; the error is the transport's 400 text. The generator predicts with
// it what the spec's request examples are answered.
func ParseQuery(rawQuery string) ([]Arg, error) {
	var r rtRequest
	if err := r.parse("/", rawQuery); err != nil {
		return nil, err
	}
	return r.list(), nil
}

// SplitList splits a comma list as the server does: blanks trimmed, empty
// items dropped.
func SplitList(s string) []string { return rtSplitList(s) }
