package pegasusrt

import (
	"math"
	"reflect"
	"testing"
)

// testDoc writes the same nested document in any format: scalars, nested
// and empty containers at several depths.
func testDoc(j *rtJSON) {
	j.BeginObject()
	j.Key("a")
	j.Int(1)
	j.Key("b")
	j.BeginArray()
	j.Int(1)
	j.String("two")
	j.BeginObject()
	j.EndObject()
	j.EndArray()
	j.Key("c")
	j.BeginObject()
	j.EndObject()
	j.Key("d")
	j.BeginArray()
	j.EndArray()
	j.Key("e")
	j.BeginObject()
	j.Key("x")
	j.Bool(false)
	j.Key("z")
	j.BeginArray()
	j.Bool(true)
	j.Null()
	j.BeginArray()
	j.Uint(7)
	j.EndArray()
	j.EndArray()
	j.EndObject()
	j.EndObject()
}

func TestJSONFormats(t *testing.T) {
	tests := []struct {
		f    rtFormat
		want string
	}{
		{rtTable, `{"a":1,"b":[1,"two",{}],"c":{},"d":[],"e":{"x":false,"z":[true,null,[7]]}}` + "\n"},
		{rtSorted, `{"a":1,"b":[1,"two",{}],"c":{},"d":[],"e":{"x":false,"z":[true,null,[7]]}}`},
		{rtPretty4, `{
    "a": 1,
    "b": [
        1,
        "two",
        {}
    ],
    "c": {},
    "d": [],
    "e": {
        "x": false,
        "z": [
            true,
            null,
            [
                7
            ]
        ]
    }
}`},
		{rtPretty2, `{
  "a": 1,
  "b": [
    1,
    "two",
    {}
  ],
  "c": {},
  "d": [],
  "e": {
    "x": false,
    "z": [
      true,
      null,
      [
        7
      ]
    ]
  }
}`},
	}
	for _, tt := range tests {
		j := rtNewJSON(tt.f)
		testDoc(j)
		if got := string(j.Bytes()); got != tt.want {
			t.Errorf("format %d:\n got %q\nwant %q", tt.f, got, tt.want)
		}
	}
}

func TestJSONTopLevel(t *testing.T) {
	tests := []struct {
		name  string
		write func(j *rtJSON)
		want  [4]string // rtTable, rtSorted, rtPretty4, rtPretty2
	}{
		{"empty object", func(j *rtJSON) { j.BeginObject(); j.EndObject() }, [4]string{"{}\n", "{}", "{}", "{}"}},
		{"empty array", func(j *rtJSON) { j.BeginArray(); j.EndArray() }, [4]string{"[]\n", "[]", "[]", "[]"}},
		{"null", func(j *rtJSON) { j.Null() }, [4]string{"null\n", "null", "null", "null"}},
		{"string", func(j *rtJSON) { j.String("x") }, [4]string{"\"x\"\n", `"x"`, `"x"`, `"x"`}},
		{"one member", func(j *rtJSON) { j.BeginObject(); j.Key("update_status"); j.String("ERR_OK"); j.EndObject() },
			[4]string{`{"update_status":"ERR_OK"}` + "\n", `{"update_status":"ERR_OK"}`,
				"{\n    \"update_status\": \"ERR_OK\"\n}", "{\n  \"update_status\": \"ERR_OK\"\n}"}},
		{"array of objects", func(j *rtJSON) {
			j.BeginArray()
			j.BeginObject()
			j.Key("k")
			j.BeginArray()
			j.EndArray()
			j.EndObject()
			j.BeginObject()
			j.EndObject()
			j.EndArray()
		}, [4]string{`[{"k":[]},{}]` + "\n", `[{"k":[]},{}]`,
			"[\n    {\n        \"k\": []\n    },\n    {}\n]", "[\n  {\n    \"k\": []\n  },\n  {}\n]"}},
	}
	for _, tt := range tests {
		for i, f := range []rtFormat{rtTable, rtSorted, rtPretty4, rtPretty2} {
			j := rtNewJSON(f)
			tt.write(j)
			if got := string(j.Bytes()); got != tt.want[i] {
				t.Errorf("%s, format %d: got %q, want %q", tt.name, f, got, tt.want[i])
			}
		}
	}
}

func TestJSONTableStrings(t *testing.T) {
	// table_printer writes every scalar as a string; a two-level
	// multi_table_printer body as /meta/app writes it.
	j := rtNewJSON(rtTable)
	j.BeginObject()
	j.Key("general")
	j.BeginObject()
	j.Key("app_name")
	j.String("temp")
	j.Key("app_id")
	j.String("2")
	j.Key("max_replica_count")
	j.Uint(math.MaxUint64)
	j.EndObject()
	j.Key("replicas")
	j.BeginObject()
	j.EndObject()
	j.EndObject()
	want := `{"general":{"app_name":"temp","app_id":"2","max_replica_count":18446744073709551615},"replicas":{}}` + "\n"
	if got := string(j.Bytes()); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestJSONIntegers(t *testing.T) {
	j := rtNewJSON(rtSorted)
	j.BeginArray()
	j.Int(math.MinInt64)
	j.Int(math.MaxInt64)
	j.Int(0)
	j.Uint(math.MaxUint64)
	j.Bool(true)
	j.EndArray()
	want := "[-9223372036854775808,9223372036854775807,0,18446744073709551615,true]"
	if got := string(j.Bytes()); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestJSONEscaping(t *testing.T) {
	in := "a\"b\\c/d\b\f\n\r\t\x00\x01\x0b\x1f\x7f\u00e9中\xff"
	tests := []struct {
		f    rtFormat
		want string
	}{
		// Checked against rapidjson 1.1.0 Writer and nlohmann 3.9.1 dump()
		// (except \xff: nlohmann would throw on invalid UTF-8).
		{rtTable, `"a\"b\\c/d\b\f\n\r\t\u0000\u0001\u000B\u001F` + "\x7f\u00e9中\xff\"\n"},
		{rtPretty4, `"a\"b\\c/d\b\f\n\r\t\u0000\u0001\u000B\u001F` + "\x7f\u00e9中\xff\""},
		{rtSorted, `"a\"b\\c/d\b\f\n\r\t\u0000\u0001\u000b\u001f` + "\x7f\u00e9中\xff\""},
		{rtPretty2, `"a\"b\\c/d\b\f\n\r\t\u0000\u0001\u000b\u001f` + "\x7f\u00e9中\xff\""},
	}
	for _, tt := range tests {
		j := rtNewJSON(tt.f)
		j.String(in)
		if got := string(j.Bytes()); got != tt.want {
			t.Errorf("format %d: got %q, want %q", tt.f, got, tt.want)
		}
	}
	// Keys are escaped the same way.
	j := rtNewJSON(rtSorted)
	j.BeginObject()
	j.Key("k\x1f\"")
	j.Int(1)
	j.EndObject()
	if got, want := string(j.Bytes()), `{"k\u001f\"":1}`; got != want {
		t.Errorf("key: got %q, want %q", got, want)
	}
}

// testFloats are doubles with the bodies rapidjson 1.1.0 Writer::Double and
// nlohmann 3.9.1 dump() produce for them (generated with the C++ libraries).
// Several are not strconv's shortest form: both Grisu2 implementations
// differ from it, and from each other, in the last digit.
var testFloats = []struct {
	bits            uint64
	rapid, nlohmann string
}{
	{0x4014000000000000, "5.0", "5.0"},
	{0x3fe0000000000000, "0.5", "0.5"},
	{0x3fb999999999999a, "0.1", "0.1"},
	{0x3fd3333333333333, "0.3", "0.3"},
	{0x3ff8000000000000, "1.5", "1.5"},
	{0x4059000000000000, "100.0", "100.0"},
	{0x405edd2f1a9fbe77, "123.456", "123.456"},
	{0xc004000000000000, "-2.5", "-2.5"},
	{0x4415af1d78b58c40, "100000000000000000000.0", "1e+20"},
	{0x444b1ae4d6e2ef50, "1e21", "1e+21"},
	{0x4454542ba12a337c, "1.5e21", "1.5e+21"},
	{0x4480f0cf064dd592, "1e22", "1e+22"},
	{0x430c6bf526340000, "1000000000000000.0", "1e+15"},
	{0x4341c37937e08000, "10000000000000000.0", "1e+16"},
	{0x42dc12218377de40, "123456789012345.0", "123456789012345.0"},
	{0x43118b54f22aeb00, "1234567890123456.0", "1.234567890123456e+15"},
	{0x3f1a36e2eb1c432d, "0.0001", "0.0001"},
	{0x3ee4f8b588e368f1, "0.00001", "1e-05"},
	{0x3eef75104d551d69, "0.000015", "1.5e-05"},
	{0x3eb0c6f7a0b5ed8d, "0.000001", "1e-06"},
	{0x3e7ad7f29abcaf48, "1e-7", "1e-07"},
	{0x3e8421f5f40d8376, "1.5e-7", "1.5e-07"},
	{0x3ee9e3abe16fc70d, "0.000012345", "1.2345e-05"},
	{0x46293e5939a08cea, "1e30", "1e+30"},
	{0x54b249ad2594c37d, "1e100", "1e+100"},
	{0x2b2bff2ee48e0530, "1e-100", "1e-100"},
	{0x7fefffffffffffff, "1.7976931348623157e308", "1.7976931348623157e+308"},
	{0x0000000000000001, "5e-324", "5e-324"},
	{0x0010000000000000, "2.2250738585072014e-308", "2.2250738585072014e-308"},
	{0x4340000000000000, "9007199254740992.0", "9.007199254740992e+15"},
	{0x3fd3333333333334, "0.30000000000000007", "0.30000000000000004"},
	{0x3fd5555555555555, "0.3333333333333333", "0.3333333333333333"},
	{0x3fe5555555555555, "0.6666666666666666", "0.6666666666666666"},
	{0x400768a783317dc9, "2.9261007546881259", "2.9261007546881257"},
	{0x40bad6705b07c2d0, "6870.4388890123959", "6870.4388890123955"},
	{0x3f028b28dd9ac012, "0.000035369095440329748", "3.5369095440329745e-05"},
	{0x43c4752278b414eb, "2948244709692790500.0", "2.9482447096927903e+18"},
	{0x437b6574dd2718b4, "123382031554022210.0", "1.2338203155402221e+17"},
	{0xa7ccc5df892f84fd, "-5.7050041899845737e-117", "-5.7050041899845734e-117"},
	{0x430fddecd228dcda, "1121216685743003.3", "1.1212166857430033e+15"},
	{0x4028000000000000, "12.0", "12.0"},
	{0x40934a456d5cfaad, "1234.5678", "1234.5678"},
	{0x3f50624dd2f1a9fc, "0.001", "0.001"},
	{0x41b1de784a000000, "299792458.0", "299792458.0"},
	{0x44dfe185ca57c517, "6.02214076e23", "6.02214076e+23"},
	{0x3c07a4da290c1653, "1.602176634e-19", "1.602176634e-19"},
}

func TestJSONFloat(t *testing.T) {
	for _, tt := range testFloats {
		f := math.Float64frombits(tt.bits)
		for _, c := range []struct {
			format rtFormat
			want   string
		}{{rtPretty4, tt.rapid}, {rtSorted, tt.nlohmann}, {rtPretty2, tt.nlohmann}} {
			j := rtNewJSON(c.format)
			j.Float(f)
			if got := string(j.Bytes()); got != c.want {
				t.Errorf("Float(%v) format %d = %q, want %q", f, c.format, got, c.want)
			}
		}
		j := rtNewJSON(rtTable)
		j.Float(f)
		if got := string(j.Bytes()); got != tt.rapid+"\n" {
			t.Errorf("Float(%v) table = %q, want %q", f, got, tt.rapid+"\n")
		}
	}
	special := []struct {
		f               float64
		rapid, nlohmann string
	}{
		{0, "0.0", "0.0"},
		{math.Copysign(0, -1), "-0.0", "-0.0"},
		{math.NaN(), "null", "null"},
		{math.Inf(1), "null", "null"},
		{math.Inf(-1), "null", "null"},
		{-5, "-5.0", "-5.0"},
		{-1e-7, "-1e-7", "-1e-07"},
	}
	for _, tt := range special {
		if got := string(rtAppendFloat(nil, tt.f, false)); got != tt.rapid {
			t.Errorf("rapidjson %v = %q, want %q", tt.f, got, tt.rapid)
		}
		if got := string(rtAppendFloat(nil, tt.f, true)); got != tt.nlohmann {
			t.Errorf("nlohmann %v = %q, want %q", tt.f, got, tt.nlohmann)
		}
	}
}

func TestJSONFloatInContainers(t *testing.T) {
	a, b := 0.1, 0.2 // variables: a constant 0.1 + 0.2 would be exactly 0.3
	j := rtNewJSON(rtPretty4)
	j.BeginObject()
	j.Key("value")
	j.Float(a + b)
	j.Key("nan")
	j.Float(math.NaN())
	j.EndObject()
	want := "{\n    \"value\": 0.30000000000000007,\n    \"nan\": null\n}"
	if got := string(j.Bytes()); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAppendFixed(t *testing.T) {
	tests := []struct {
		f    float64
		d    int
		want string
	}{
		{3.14159, 2, "3.14"},
		{0, 2, "0.00"},
		{math.Copysign(0, -1), 2, "0.00"},
		{1e-7, 2, "0.00"},
		{-1e-7, 2, "0.00"},
		{9.99e-7, 2, "0.00"},
		{1e-6, 2, "0.00"}, // not < 1e-6: "%.2f" also gives 0.00
		{-0.001, 2, "-0.00"},
		{2.675, 2, "2.67"}, // binary value is below the tie
		{0.125, 2, "0.12"}, // exact tie: round half to even, as glibc
		{0.375, 2, "0.38"},
		{1.005, 2, "1.00"},
		{-1.5, 2, "-1.50"},
		{1e20, 2, "100000000000000000000.00"},
		{123456.789, 1, "123456.8"},
		{5, 0, "5"},
		{2.5, 0, "2"},
		{0, 0, "0"},
		{0, 3, "0.000"},
		{math.NaN(), 2, "nan"},
		{math.Copysign(math.NaN(), -1), 2, "-nan"},
		{math.Inf(1), 2, "inf"},
		{math.Inf(-1), 2, "-inf"},
	}
	for _, tt := range tests {
		if got := string(rtAppendFixed(nil, tt.f, tt.d)); got != tt.want {
			t.Errorf("rtAppendFixed(%v, %d) = %q, want %q", tt.f, tt.d, got, tt.want)
		}
	}
}

func TestJSONRaw(t *testing.T) {
	raw := []byte(` { "b" : [ 1 , 2.50, -0, 1e3, "x\u00e9\/\u0001" ] , "a" : { } , "c":[],"d":{"e":null,"f":true} } `)
	tests := []struct {
		f    rtFormat
		want string
	}{
		{rtTable, "{\"b\":[1,2.50,-0,1e3,\"x\u00e9/\\u0001\"],\"a\":{},\"c\":[],\"d\":{\"e\":null,\"f\":true}}\n"},
		{rtSorted, "{\"b\":[1,2.50,-0,1e3,\"x\u00e9/\\u0001\"],\"a\":{},\"c\":[],\"d\":{\"e\":null,\"f\":true}}"},
		{rtPretty2, "{\n  \"b\": [\n    1,\n    2.50,\n    -0,\n    1e3,\n    \"x\u00e9/\\u0001\"\n  ],\n  \"a\": {},\n  \"c\": [],\n  \"d\": {\n    \"e\": null,\n    \"f\": true\n  }\n}"},
	}
	for _, tt := range tests {
		j := rtNewJSON(tt.f)
		j.Raw(raw)
		if got := string(j.Bytes()); got != tt.want {
			t.Errorf("format %d:\n got %q\nwant %q", tt.f, got, tt.want)
		}
	}
	for _, bad := range []string{"", " ", "{", "nul", "[1,]"} {
		j := rtNewJSON(rtSorted)
		j.BeginArray()
		j.Raw([]byte(bad))
		j.Raw([]byte("7"))
		j.EndArray()
		if got := string(j.Bytes()); got != "[null,7]" {
			t.Errorf("Raw(%q) = %q, want [null,7]", bad, got)
		}
	}
	// As a member value.
	j := rtNewJSON(rtPretty4)
	j.BeginObject()
	j.Key("v")
	j.Raw([]byte(`{"x":[1]}`))
	j.EndObject()
	if got, want := string(j.Bytes()), "{\n    \"v\": {\n        \"x\": [\n            1\n        ]\n    }\n}"; got != want {
		t.Errorf("member Raw: got %q, want %q", got, want)
	}
}

func TestJSONReuse(t *testing.T) {
	j := rtGetJSON(rtTable)
	j.BeginObject()
	j.Key("k")
	j.BeginArray()
	// Abandoned mid-way: Reset must clear the nesting too.
	rtPutJSON(j)
	j = rtGetJSON(rtPretty2)
	j.BeginObject()
	j.Key("k")
	j.Int(1)
	j.EndObject()
	if got, want := string(j.Bytes()), "{\n  \"k\": 1\n}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	j.Reset()
	j.Null()
	if got := string(j.Bytes()); got != "null" {
		t.Errorf("after Reset: %q", got)
	}
	rtPutJSON(j)
	big := rtNewJSON(rtTable)
	big.buf = make([]byte, 0, 2<<20)
	rtPutJSON(big) // dropped, must not panic
}

func TestJSONNoAlloc(t *testing.T) {
	j := rtNewJSON(rtPretty4)
	write := func() {
		j.Reset()
		j.BeginObject()
		j.Key("name")
		j.String("replica*app.pegasus*get_qps")
		j.Key("value")
		j.Float(1234.5678)
		j.Key("p99")
		j.Int(42)
		j.Key("list")
		j.BeginArray()
		j.Float(0.5)
		j.Int(3)
		j.EndArray()
		j.EndObject()
	}
	write()
	if allocs := testing.AllocsPerRun(100, write); allocs != 0 {
		t.Errorf("%v allocs per body, want 0", allocs)
	}
}

func TestSortedKeys(t *testing.T) {
	m := map[string]int{"b": 1, "a": 2, "B": 3, "10": 4, "2": 5, "": 6, "é": 7}
	want := []string{"", "10", "2", "B", "a", "b", "é"}
	if got := rtSortedKeys(m); !reflect.DeepEqual(got, want) {
		t.Errorf("rtSortedKeys = %q, want %q", got, want)
	}
	if got := rtSortedKeys(map[string]bool(nil)); len(got) != 0 {
		t.Errorf("rtSortedKeys(nil) = %q", got)
	}
}

func TestMergeKeys(t *testing.T) {
	tests := []struct {
		sorted, names, want []string
	}{
		{nil, nil, []string{}},
		{[]string{"1", "2"}, []string{"appid"}, []string{"1", "2", "appid"}},
		{[]string{"b", "d"}, []string{"c", "a"}, []string{"a", "b", "c", "d"}},
		{[]string{"a", "b"}, []string{"b"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		in := append([]string(nil), tt.sorted...)
		got := rtMergeKeys(in, tt.names...)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("rtMergeKeys(%q, %q) = %q, want %q", tt.sorted, tt.names, got, tt.want)
		}
		if !reflect.DeepEqual(in, tt.sorted) && len(tt.sorted) > 0 {
			t.Errorf("rtMergeKeys modified its input: %q", in)
		}
	}
	if !rtContains("a", []string{"b", "a"}) || rtContains("c", []string{"b", "a"}) || rtContains("", nil) {
		t.Error("rtContains")
	}
}
