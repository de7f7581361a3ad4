package pegasusrt

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// testCompaction is manual_compaction_info (§4.10) decoded the way
// generated code does it: six listed fields.
type testCompaction struct {
	AppName, Type, Bottommost, TriggerTime string
	TargetLevel, MaxRunning                int32
}

func decodeCompaction(body string) (testCompaction, bool) {
	v := testCompaction{TargetLevel: -99, MaxRunning: -99}
	o, ok := rtDecodeObject([]byte(body))
	ok = ok &&
		o.String("app_name", &v.AppName) &&
		o.String("type", &v.Type) &&
		o.Int32("target_level", &v.TargetLevel) &&
		o.String("bottommost_level_compaction", &v.Bottommost) &&
		o.Int32("max_concurrent_running_count", &v.MaxRunning) &&
		o.String("trigger_time", &v.TriggerTime) &&
		o.Complete(6)
	return v, ok
}

func TestDecodeObjectCountRule(t *testing.T) {
	const all = `"app_name":"temp","type":"once","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"trigger_time":""`
	full := testCompaction{AppName: "temp", Type: "once", Bottommost: "skip", TargetLevel: -1, MaxRunning: 0}
	tests := []struct {
		name, body string
		ok         bool
		want       testCompaction
	}{
		{"all fields", `{` + all + `}`, true, full},
		{"all fields, whitespace", " \n{ " + all + " }\t\r\n", true, full},
		{"all fields plus unknown", `{` + all + `,"unknown":{"x":[1]}}`, true, full},
		{"all fields plus two unknown", `{"u1":1,` + all + `,"u2":null}`, true, full},
		{"missing fields, no unknown", `{"app_name":"a","target_level":3}`, true,
			testCompaction{AppName: "a", TargetLevel: 3, MaxRunning: -99}},
		{"empty object", `{}`, true, testCompaction{TargetLevel: -99, MaxRunning: -99}},
		{"missing field plus unknown", `{"app_name":"a","unknown":1}`, false, testCompaction{}},
		{"five fields plus unknown", `{"app_name":"temp","type":"once","target_level":-1,"bottommost_level_compaction":"skip","max_concurrent_running_count":0,"x":""}`, false, testCompaction{}},
		{"only unknown", `{"x":1}`, false, testCompaction{}},
		// Duplicates: the first member wins, but MemberCount counts both.
		{"duplicate, all present", `{` + all + `,"app_name":5}`, true, full},
		{"duplicate, some missing", `{"app_name":"a","app_name":"b"}`, false, testCompaction{}},
		{"duplicate, first has the wrong type", `{"app_name":5,"app_name":"a"}`, false, testCompaction{}},
		// Escapes in keys are decoded before matching.
		{"escaped key", `{"app\u005fname":"x"}`, true, testCompaction{AppName: "x", TargetLevel: -99, MaxRunning: -99}},
	}
	for _, tt := range tests {
		got, ok := decodeCompaction(tt.body)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("%s: got %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDecodeObjectTypes(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"target_level":0}`, true},
		{`{"target_level":-0}`, true},
		{`{"target_level":2147483647}`, true},
		{`{"target_level":-2147483648}`, true},
		{`{"target_level":"0"}`, false},
		{`{"target_level":1.0}`, false},
		{`{"target_level":1e2}`, false},
		{`{"target_level":2147483648}`, false},
		{`{"target_level":-2147483649}`, false},
		{`{"target_level":99999999999999999999}`, false},
		{`{"target_level":true}`, false},
		{`{"target_level":null}`, false},
		{`{"target_level":[1]}`, false},
		{`{"app_name":5}`, false},
		{`{"app_name":null}`, false},
		{`{"app_name":true}`, false},
		{`{"app_name":{}}`, false},
		{`{"app_name":["a"]}`, false},
		{`{"app_name":""}`, true},
		// Not a JSON object at all.
		{``, false},
		{` `, false},
		{`null`, false},
		{`[]`, false},
		{`"x"`, false},
		{`1`, false},
		{`{`, false},
		{`{"a":}`, false},
		{`{"a":1,}`, false},
		{`{} x`, false},
		{`{}{}`, false},
		{`{'a':1}`, false},
		{"{\"app_name\":\"\t\"}", false},
		{`{"a":NaN}`, false},
		// rapidjson refuses an unpaired high surrogate anywhere.
		{`{"app_name":"\ud800"}`, false},
		{`{"other":["\ud800x"]}`, false},
		{`{"app_name":"\ud800\u0041"}`, false},
		{`{"app_name":"\\ud800"}`, true}, // an escaped backslash, not an escape
		{`{"app_name":"\udc00"}`, true},
		{`{"app_name":"\ud83d\ude00"}`, true},
	}
	for _, tt := range tests {
		if _, ok := decodeCompaction(tt.body); ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.body, ok, tt.ok)
		}
	}
}

func TestDecodeObjectStrings(t *testing.T) {
	tests := []struct {
		json, want string
	}{
		{`"temp"`, "temp"},
		{`""`, ""},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u4E2D"`, "é中"},
		{`"\ud83d\ude00"`, "😀"},
		{`"a\u0000b"`, "a"}, // GetString() is a C string
		{`"\u0000"`, ""},
		{`"\udc00"`, "\xed\xb0\x80"}, // rapidjson encodes a lone low surrogate
		{"\"\xff\xfe\"", "\xff\xfe"}, // invalid UTF-8 kept as is
		{"\"é\"", "é"},
	}
	for _, tt := range tests {
		o, ok := rtDecodeObject([]byte(`{"app_name":` + tt.json + `}`))
		got := "untouched"
		if !ok || !o.String("app_name", &got) || !o.Complete(1) || got != tt.want {
			t.Errorf("%s: got %q (ok %v), want %q", tt.json, got, ok, tt.want)
		}
	}
	// Absent leaves the destination alone.
	o, _ := rtDecodeObject([]byte(`{}`))
	s := "keep"
	if !o.String("app_name", &s) || s != "keep" {
		t.Errorf("absent field changed the destination to %q", s)
	}
}

func TestDecodeObjectIntBool(t *testing.T) {
	ints := []struct {
		json string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false},
		{"18446744073709551615", 0, false},
		{"-9223372036854775809", 0, false},
		{"1.5", 0, false},
		{"1E3", 0, false},
		{`"1"`, 0, false},
	}
	for _, tt := range ints {
		o, ok := rtDecodeObject([]byte(`{"n":` + tt.json + `}`))
		var got int64 = -1
		ok = ok && o.Int64("n", &got)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("Int64 %s: got %d, %v; want %d, %v", tt.json, got, ok, tt.want, tt.ok)
		}
	}
	bools := []struct {
		json     string
		want, ok bool
	}{
		{"true", true, true},
		{"false", false, true},
		// json_helper also takes an int32 (rapidjson IsInt).
		{"1", true, true},
		{"0", false, true},
		{"-5", true, true},
		{"2147483647", true, true},
		{"-2147483648", true, true},
		{"2147483648", false, false},
		{"1.0", false, false},
		{`"true"`, false, false},
		{"null", false, false},
	}
	for _, tt := range bools {
		o, ok := rtDecodeObject([]byte(`{"b":` + tt.json + `}`))
		got := !tt.want
		ok = ok && o.Bool("b", &got) && o.Complete(1)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("Bool %s: got %v, %v; want %v, %v", tt.json, got, ok, tt.want, tt.ok)
		}
	}
	var zero rtObject
	if zero.Complete(0) {
		t.Error("a zero rtObject must not be Complete")
	}
}

func TestDecodeOrdered(t *testing.T) {
	type member struct{ k, raw string }
	tests := []struct {
		data string
		want []member
	}{
		{`{"b":1,"a":{"x":[1,"}"]},"c":"s"}`, []member{{"b", "1"}, {"a", `{"x":[1,"}"]}`}, {"c", `"s"`}}},
		{" {\n \"2\" : [ ] ,\t\"10\":null , \"1\":true } ", []member{{"2", "[ ]"}, {"10", "null"}, {"1", "true"}}},
		{`{"k\u00e9\"":-1.5e3,"k":"\"\\"}`, []member{{"ké\"", "-1.5e3"}, {"k", `"\"\\"`}}},
		{`{"d":1,"d":2}`, []member{{"d", "1"}, {"d", "2"}}},
		{`{}`, nil},
		{`null`, nil},
		{" null ", nil},
	}
	for _, tt := range tests {
		var got []member
		err := rtDecodeOrdered([]byte(tt.data), func(k string, raw json.RawMessage) error {
			got = append(got, member{k, string(raw)})
			return nil
		})
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, %v; want %v", tt.data, got, err, tt.want)
		}
	}
	for _, bad := range []string{`[]`, `"x"`, `1`, `true`} {
		if err := rtDecodeOrdered([]byte(bad), nil); err != rtErrNotObject {
			t.Errorf("%s: err = %v, want rtErrNotObject", bad, err)
		}
	}
	for _, bad := range []string{``, `{`, `{"a"}`, `{"a":1}x`} {
		var syn *json.SyntaxError
		if err := rtDecodeOrdered([]byte(bad), nil); !errors.As(err, &syn) {
			t.Errorf("%q: err = %v, want a *json.SyntaxError", bad, err)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := rtDecodeOrdered([]byte(`{"a":1,"b":2}`), func(string, json.RawMessage) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("callback error: got %v after %d calls", err, calls)
	}
}

func TestDecodeOrderedUnmarshal(t *testing.T) {
	// The use generated code makes of it: rows in server order.
	type row struct {
		AppID string `json:"app_id"`
	}
	var rows []row
	err := rtDecodeOrdered([]byte(`{"3":{"app_id":"3"},"1":{"app_id":"1"},"2":{"app_id":"2"}}`), func(_ string, raw json.RawMessage) error {
		var r row
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil || !reflect.DeepEqual(rows, []row{{"3"}, {"1"}, {"2"}}) {
		t.Errorf("got %v, %v", rows, err)
	}
}
