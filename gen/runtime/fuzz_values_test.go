package pegasusrt

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for the value parsers, the body decoder and the JSON
// writers, each checked against the standard library where the grammars
// agree.

// FuzzParseNumbers checks the buf2* parsers against strconv on the strings
// both grammars share (no leading blanks, no '_', no 0b/0o prefixes, which
// strconv accepts and strtoll does not).
func FuzzParseNumbers(f *testing.F) {
	for _, s := range []string{"0", "-0", "+5", "010", "08", "0x10", "0X1f", "-0x8000000000000000",
		"9223372036854775808", "18446744073709551616", " 5", "\v5", "5 ", "0x", "1e3", "1.5", "-2.5e-3",
		"0x1p-2", "0x1.8", "inf", "nan", "1e400", "1e-400", "TRUE", "False", "truE ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		shared := s != "" && !rtIsSpace(s[0]) && !strings.Contains(s, "_") && !goOnlyPrefix(s)
		for _, bits := range []int{32, 64} {
			i, ok := rtParseInt(s, bits)
			if shared {
				want, err := strconv.ParseInt(s, 0, bits)
				if ok != (err == nil) || ok && i != want {
					t.Fatalf("ParseInt(%q, %d) = %d, %v; strconv %d, %v", s, bits, i, ok, want, err)
				}
			}
			u, ok := rtParseUint(s, bits)
			if shared && s[0] != '-' {
				want, err := strconv.ParseUint(strings.TrimPrefix(s, "+"), 0, bits)
				if s[0] == '+' && len(s) > 1 && (s[1] == '+' || s[1] == '-') {
					want, err = 0, strconv.ErrSyntax
				}
				if ok != (err == nil) || ok && u != want {
					t.Fatalf("ParseUint(%q, %d) = %d, %v; strconv %d, %v", s, bits, u, ok, want, err)
				}
			}
			if ok && strings.HasPrefix(strings.TrimLeft(s, " \t\n\v\f\r"), "-") && u != 0 {
				t.Fatalf("ParseUint(%q) accepted a negative %d", s, u)
			}
		}
		if d, ok := rtParseDouble(s); ok {
			if math.IsNaN(d) || math.IsInf(d, 0) || d != 0 && math.Abs(d) < 0x1p-1022 {
				t.Fatalf("ParseDouble(%q) = %v", s, d)
			}
			if !strings.ContainsAny(s, "xXpP") && shared {
				if want, err := strconv.ParseFloat(s, 64); err != nil || want != d {
					t.Fatalf("ParseDouble(%q) = %v; strconv %v, %v", s, d, want, err)
				}
			}
		}
		b, ok := rtParseBool(s)
		l := []byte(s)
		for i, c := range l {
			if 'A' <= c && c <= 'Z' {
				l[i] = c + 'a' - 'A'
			}
		}
		if ok != (string(l) == "true" || string(l) == "false") || ok && b != (string(l) == "true") {
			t.Fatalf("ParseBool(%q) = %v, %v", s, b, ok)
		}
	})
}

// goOnlyPrefix reports a 0b or 0o prefix after an optional sign, which
// strconv's base 0 reads and strtoll's does not.
func goOnlyPrefix(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return len(s) >= 2 && s[0] == '0' && strings.ContainsRune("bBoO", rune(s[1]))
}

// FuzzDecodeObject checks the json_helper body model: it accepts exactly
// the valid JSON objects (less rapidjson's unpaired surrogates), sees their
// top-level members in order with duplicates, and its typed readers agree
// with encoding/json.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{"app_name":"temp","partition_count":8,"replica_count":3}`,
		`{"type":"normal","enable":true,"ingest_behind":1}`, `{"a":1,"a":2}`, `{}`, `[]`, `"x"`, ``, ` {"k":"\u0000x"}`,
		`{"s":"\ud800"}`, `{"s":"\udc00\ud83d\ude00"}`, `{"n":-0,"m":9223372036854775808,"f":1.0,"e":1e2}`,
		`{"o":{"x":[1,{"y":"}"}]},"t":"\"]"}`} {
		f.Add([]byte(s))
	}
	_, bodies := specExamples()
	for _, b := range bodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		o, ok := rtDecodeObject(body)
		trim := bytes.TrimLeft(body, " \t\r\n")
		isObject := json.Valid(body) && len(trim) > 0 && trim[0] == '{'
		if ok != (isObject && rtSurrogatesPaired(body)) {
			t.Fatalf("rtDecodeObject(%q) ok = %v", body, ok)
		}
		if !ok {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		_, _ = dec.Token()
		for i := 0; dec.More(); i++ {
			tok, err := dec.Token()
			var raw json.RawMessage
			if err == nil {
				err = dec.Decode(&raw)
			}
			if err != nil || i >= len(o.members) {
				t.Fatalf("member %d of %q: %v (have %d)", i, body, err, len(o.members))
			}
			if k := tok.(string); utf8.ValidString(k) && !strings.ContainsRune(k, utf8.RuneError) && string(o.members[i].key) != k {
				t.Fatalf("member %d key %q, want %q", i, o.members[i].key, k)
			}
			if !bytes.Equal(o.members[i].val, raw) {
				t.Fatalf("member %d value %q, want %q", i, o.members[i].val, raw)
			}
		}
		for _, m := range o.members {
			checkTypedReaders(t, &o, string(m.key), m.val)
		}
		_ = o.Complete(len(o.members))
	})
}

// checkTypedReaders runs every typed reader on one member and compares the
// integer ones with strconv on the JSON number's text.
func checkTypedReaders(t *testing.T, o *rtObject, name string, val []byte) {
	var s string
	var i64 int64
	var i32 int32
	var b bool
	_ = o.String(name, &s)
	_ = o.Bool(name, &b)
	first := o.find(name)
	want, err := strconv.ParseInt(string(first), 10, 64)
	intText := err == nil && !bytes.HasPrefix(first, []byte("+"))
	if ok := o.Int64(name, &i64); ok != intText || ok && i64 != want {
		t.Fatalf("Int64(%q) = %d, %v; want %d, %v", first, i64, ok, want, intText)
	}
	ok32 := intText && want >= math.MinInt32 && want <= math.MaxInt32
	if ok := o.Int32(name, &i32); ok != ok32 || ok && int64(i32) != want {
		t.Fatalf("Int32(%q) = %d, %v", first, i32, ok)
	}
	_ = val
}

// FuzzJSONString checks string quoting in both escape styles: the output
// is valid JSON and decodes to the input (for valid UTF-8; invalid bytes
// are copied as rapidjson does, so only validity is checked then).
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\" back\\ slash", "\x00\x01\x1f\x7f", "tab\tnl\n", "é€😀", "\xff\xfe", "</script>", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, lower := range []bool{false, true} {
			q := rtAppendQuoted(nil, s, lower)
			if !utf8.ValidString(s) {
				continue
			}
			var back string
			if err := json.Unmarshal(q, &back); err != nil || back != s {
				t.Fatalf("quoted %q as %s: back %q, %v", s, q, back, err)
			}
		}
		for _, fm := range []rtFormat{rtTable, rtSorted, rtPretty4, rtPretty2} {
			j := rtNewJSON(fm)
			j.BeginObject()
			j.Key(s)
			j.BeginArray()
			j.String(s)
			j.EndArray()
			j.EndObject()
			if utf8.ValidString(s) {
				var m map[string][]string
				if err := json.Unmarshal(j.Bytes(), &m); err != nil || len(m[s]) != 1 || m[s][0] != s {
					t.Fatalf("format %d wrote %q: %v %q", fm, j.Bytes(), err, m)
				}
			}
		}
	})
}

// FuzzJSONFloat checks double formatting in both notations: the text is a
// JSON number that parses back to the same double (NaN and infinities are
// null), and writers of every format produce valid JSON with it.
func FuzzJSONFloat(f *testing.F) {
	for _, v := range []float64{0, math.Copysign(0, -1), 5, 0.1, 1e21, 1e-7, 1e16, 1e-5, 123456.789, math.MaxFloat64,
		math.SmallestNonzeroFloat64, 0x1p-1022, -2.5e-300, math.Inf(1), math.NaN()} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		v := math.Float64frombits(bits)
		for _, nl := range []bool{false, true} {
			s := string(rtAppendFloat(nil, v, nl))
			if math.IsNaN(v) || math.IsInf(v, 0) {
				if s != "null" {
					t.Fatalf("%v written as %q", v, s)
				}
				continue
			}
			if !rtIsNumber(s) {
				t.Fatalf("%v written as %q, not a JSON number", v, s)
			}
			back, err := strconv.ParseFloat(s, 64)
			if err != nil || math.Float64bits(back) != bits {
				t.Fatalf("%v (%#x) written as %q, reads back as %v (%v)", v, bits, s, back, err)
			}
		}
		for _, fm := range []rtFormat{rtTable, rtSorted, rtPretty4, rtPretty2} {
			j := rtNewJSON(fm)
			j.BeginArray()
			j.Float(v)
			j.Float(-v)
			j.EndArray()
			if !json.Valid(j.Bytes()) {
				t.Fatalf("format %d wrote %q", fm, j.Bytes())
			}
		}
	})
}

// FuzzDecodeOrdered checks the client's ordered-map decoder against
// encoding/json: the same documents fail, members come in document order
// with the same keys and raw values, and a callback error stops the walk.
func FuzzDecodeOrdered(f *testing.F) {
	for _, s := range []string{`{"c":1,"a":[2],"b":{"x":"}"}}`, `null`, ` null `, `[]`, `{}`, `{"a":1,"a":2}`,
		`{"\u00e9":"\ud83d\ude00","\"":"\\"}`, `{"x":1`, `{"app_name":"temp","envs":{"k":"v"}}`, ``, `1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var keys []string
		var vals []json.RawMessage
		err := rtDecodeOrdered(data, func(k string, raw json.RawMessage) error {
			if !json.Valid(raw) {
				t.Fatalf("raw value %q is not JSON", raw)
			}
			keys = append(keys, k)
			vals = append(vals, append(json.RawMessage(nil), raw...))
			return nil
		})
		var ref map[string]json.RawMessage
		refErr := json.Unmarshal(data, &ref)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("%q: ordered %v, encoding/json %v", data, err, refErr)
		}
		if err != nil {
			return
		}
		last := map[string]json.RawMessage{}
		clean := true
		for i, k := range keys {
			last[k] = vals[i]
			clean = clean && utf8.ValidString(k) && !strings.ContainsRune(k, utf8.RuneError)
		}
		if clean && len(last) != len(ref) {
			t.Fatalf("%q: %d keys, encoding/json %d", data, len(last), len(ref))
		}
		for k, v := range ref {
			if utf8.ValidString(k) && !strings.ContainsRune(k, utf8.RuneError) && !bytes.Equal(last[k], v) {
				t.Fatalf("%q: key %q = %q, encoding/json %q", data, k, last[k], v)
			}
		}
		if len(keys) > 0 {
			n := 0
			stop := rtDecodeOrdered(data, func(string, json.RawMessage) error { n++; return strconv.ErrRange })
			if stop != strconv.ErrRange || n != 1 {
				t.Fatalf("%q: callback error gave %v after %d calls", data, stop, n)
			}
		}
	})
}
