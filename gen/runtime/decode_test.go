package pegasusrt

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// fzRow and fzDoc are decoded the way generated decoders decode (this
// is their shape, written by hand): every kind a generated decoder reads.
type fzRow struct {
	Name  *string  `json:"name,omitempty"`
	Value *float64 `json:"value,omitempty"`
	Count int32    `json:"count,string"`
}

func (v *fzRow) decode(d *rtDec) {
	if !d.begin('{') {
		return
	}
	for d.more() {
		switch k := d.key(); string(k) {
		case "name":
			if !d.null() {
				v.Name = d.strPtr(d.str())
			}
		case "value":
			if !d.null() {
				v.Value = d.f64Ptr(d.float(false))
			}
		case "count":
			v.Count = int32(d.integer(32, true))
		default:
			d.skip()
		}
	}
}

type fzDoc struct {
	Port  int32             `json:"port"`
	TS    int64             `json:"ts"`
	Big   uint64            `json:"big"`
	On    bool              `json:"on"`
	Attrs map[string]string `json:"attrs"`
	Rows  []fzRow           `json:"rows"`
	Raw   json.RawMessage   `json:"raw"`
}

func (v *fzDoc) decode(d *rtDec) {
	if !d.begin('{') {
		return
	}
	for d.more() {
		switch k := d.key(); string(k) {
		case "port":
			v.Port = int32(d.integerOr(32, "unknown"))
		case "ts":
			v.TS = d.integer(64, false)
		case "big":
			v.Big = d.unsigned(64, false)
		case "on":
			v.On = d.boolean(false)
		case "attrs":
			if d.begin('{') {
				if v.Attrs == nil {
					v.Attrs = map[string]string{}
				}
				for d.more() {
					k0 := d.intern(d.key())
					v.Attrs[k0] = d.str()
				}
			}
		case "rows":
			if n := d.count(); d.begin('[') {
				v.Rows = make([]fzRow, 0, n)
				for d.more() {
					v.Rows = append(v.Rows, fzRow{})
					v.Rows[len(v.Rows)-1].decode(d)
				}
			}
		case "raw":
			v.Raw = d.raw()
		default:
			d.skip()
		}
	}
}

// fzKeys are the member names of fzDoc and fzRow: encoding/json matches
// them case-insensitively, the generated decoders exactly.
var fzKeys = []string{"port", "ts", "big", "on", "attrs", "rows", "raw", "name", "value", "count"}

// fzComparable reports whether encoding/json is an oracle for data: no
// key spelt in another case, no "unknown" port (a generated rule), no
// null inside the containers (encoding/json keeps the old element), and no
// exotic escapes (encoding/json replaces invalid UTF-8 and lone
// surrogates, rtUnquote keeps rapidjson's bytes).
func fzComparable(data []byte) bool {
	low := bytes.ToLower(data)
	for _, k := range fzKeys {
		if bytes.Count(low, []byte(`"`+k+`"`)) != bytes.Count(data, []byte(`"`+k+`"`)) {
			return false
		}
	}
	return !bytes.Contains(data, []byte("unknown")) && !bytes.Contains(data, []byte("null")) &&
		!bytes.Contains(data, []byte(`\u`)) && strings.ToValidUTF8(string(data), "") == string(data)
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"port":34801,"ts":1700000000000000000,"big":18446744073709551615,"on":true,"attrs":{"table_id":"2","partition_id":"0"},` +
			`"rows":[{"name":"get_requests","value":3,"count":"7"},{"name":"hit","value":1.5e-3}],"raw":{"a":[1,"x"]}}`,
		`{"port":"unknown","rows":[],"attrs":{}}`,
		`{"port":"unk","rows":[{"count":7}]}`,
		`{"port":99999999999,"ts":1.5,"big":-1,"on":"true"}`,
		`{"rows":{"a":1},"attrs":[1],"raw":null}`,
		`null`, `[]`, `"x"`, `{"rows":[{"name":"a\"b\\c\u00e9\ud83d\ude00"}]}`, `{"port":1} x`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ours fzDoc
		err := rtUnmarshal(data, &ours)
		if !json.Valid(data) {
			if err == nil {
				t.Fatalf("invalid JSON decoded without error: %q", data)
			}
			return
		}
		if err == nil && !bytes.Contains(data, []byte(`\u`)) && utf8.Valid(data) {
			// What decoded must survive encoding/json's round trip (which
			// would replace the invalid UTF-8 that rapidjson's escapes of
			// lone surrogates make).
			again, _ := json.Marshal(&ours)
			var twice fzDoc
			if e := rtUnmarshal(again, &twice); e != nil || !reflect.DeepEqual(fzNormal(ours), fzNormal(twice)) {
				t.Fatalf("%q: decoded %+v, re-encoded %s, decoded again %+v (%v)", data, ours, again, twice, e)
			}
		}
		if !fzComparable(data) {
			return
		}
		var theirs fzDoc
		jerr := json.Unmarshal(data, (*fzPlain)(&theirs))
		if jerr == nil && err != nil {
			t.Fatalf("%q: encoding/json decodes it, ours fails: %v", data, err)
		}
		if jerr == nil && !reflect.DeepEqual(fzNormal(ours), fzNormal(theirs)) {
			t.Fatalf("%q:\n ours %+v\n json %+v", data, ours, theirs)
		}
	})
}

// fzPlain is fzDoc without its decoder, for encoding/json.
type fzPlain fzDoc

// fzNormal makes two decodes comparable: raw values compacted (null as
// absent), empty and nil containers alike.
func fzNormal(d fzDoc) fzDoc {
	if len(d.Raw) > 0 && string(d.Raw) != "null" {
		// The value, not its spelling: encoding/json's Marshal writes a
		// RawMessage's "&" as "\u0026", the same string.
		var v any
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if json.Unmarshal(d.Raw, &v) == nil && enc.Encode(v) == nil {
			d.Raw = bytes.TrimSpace(b.Bytes())
		}
	} else {
		d.Raw = nil
	}
	if len(d.Attrs) == 0 {
		d.Attrs = nil
	}
	if len(d.Rows) == 0 {
		d.Rows = nil
	}
	return d
}

// TestDecodeKinds: the readers on the values the servers send, and the
// errors for values of the wrong kind.
func TestDecodeKinds(t *testing.T) {
	var d fzDoc
	err := rtUnmarshal([]byte(`{"port":"unknown","ts":-5,"big":18446744073709551615,"on":true,"attrs":{"a\"b":"c"},"rows":[{"name":"n","value":2.5,"count":"9"},{}],"raw":[1, 2],"extra":{"x":[{}]}}`), &d)
	if err != nil || d.Port != 0 || d.TS != -5 || d.Big != 1<<64-1 || !d.On || d.Attrs[`a"b`] != "c" || len(d.Rows) != 2 ||
		*d.Rows[0].Name != "n" || *d.Rows[0].Value != 2.5 || d.Rows[0].Count != 9 || d.Rows[1].Name != nil || string(d.Raw) != "[1, 2]" {
		t.Fatalf("%+v %v", d, err)
	}
	for _, bad := range []string{`{"port":"x"}`, `{"port":4294967296}`, `{"ts":"1"}`, `{"big":-1}`, `{"on":1}`, `{"rows":{}}`, `{"attrs":[]}`, `{"rows":[{"count":9}]}`, `{`} {
		if err := rtUnmarshal([]byte(bad), new(fzDoc)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	// Strings are interned: equal names share their bytes.
	_ = rtUnmarshal([]byte(`{"rows":[{"name":"get_requests"},{"name":"get_requests"}]}`), &d)
	if a, b := d.Rows[0].Name, d.Rows[1].Name; a == b || *a != *b || !sameData(*a, *b) {
		t.Errorf("names not interned (or pointers shared)")
	}
}

// sameData reports whether two strings share their bytes.
func sameData(a, b string) bool {
	return a == b && unsafe.StringData(a) == unsafe.StringData(b)
}

// FuzzDecodeOrderedVisits: rtDecodeOrdered visits every member of any valid
// object in order and refuses everything else.
func FuzzDecodeOrderedVisits(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":{"x":[1,2]},"c":"\u00e9"}`, `{}`, `null`, `[1]`, `{"a":1,"a":2}`, `{"a"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var keys []string
		err := rtDecodeOrdered(data, func(k string, raw json.RawMessage) error {
			if !json.Valid(raw) {
				t.Fatalf("%q: member %q has invalid value %q", data, k, raw)
			}
			keys = append(keys, k)
			return nil
		})
		if !json.Valid(data) && err == nil {
			t.Fatalf("%q: invalid JSON accepted", data)
		}
		var m map[string]json.RawMessage
		if err == nil && json.Unmarshal(data, &m) == nil && m != nil {
			for _, k := range keys {
				if _, ok := m[k]; !ok && strings.ToValidUTF8(k, "\uFFFD") == k {
					t.Fatalf("%q: key %q not in encoding/json's view %v", data, k, m)
				}
			}
		}
	})
}

// FuzzValid: rtValid agrees with json.Valid on any bytes.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`{"a":[1,-0.5e+3,true,false,null,"x\u00e9\n"]}`, `[]`, `{}`, ` 1 `, `01`, `1.`, `-`, `"\x"`, `"\u12"`,
		"\"\x01\"", `{"a" 1}`, `[1,]`, `{"a":1,}`, `tru`, `nul`, `[` + strings.Repeat("[", 10001) + `]`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := rtValid(data), json.Valid(data); got != want {
			t.Fatalf("rtValid(%q) = %v, json.Valid %v", data, got, want)
		}
	})
}

// TestValidDepth: the nesting limit is encoding/json's, to the level.
func TestValidDepth(t *testing.T) {
	for _, n := range []int{9999, 10000, 10001} {
		b := []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
		if rtValid(b) != json.Valid(b) {
			t.Errorf("depth %d: rtValid %v, json.Valid %v", n, rtValid(b), json.Valid(b))
		}
	}
}
