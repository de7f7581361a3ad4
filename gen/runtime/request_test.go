package pegasusrt

import (
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

const (
	testPartial = "failed to parse request: ERR_INVALID_PARAMETERS: Encountered partial escape sequence at end of string"
	testHexFmt  = "failed to parse request: ERR_INVALID_PARAMETERS: The characters %s do not form a hex value. Please escape it or pass a valid hex value"
)

func TestParseRequestPath(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		// http_server_test.cpp parse_url cases.
		{"", ""},
		{"/", ""},
		{"///", ""},
		{"/threads", "threads"},
		{"/threads/", "threads"},
		{"//pprof/heap/", "pprof/heap"},
		{"//pprof///heap", "pprof/heap"},
		{"/pprof/heap/arg/", "pprof/heap/arg"},
		{"/pprof///heap///arg/", "pprof/heap/arg"},
		// Decoded before splitting.
		{"/meta%2Fapp", "meta/app"},
		{"/meta%2fapp%2F", "meta/app"},
		{"%2F%2F", ""},
		{"/m%65ta/app", "meta/app"},
		// Segments trimmed: leading " \t", trailing " \t\r\n".
		{"/%20meta%09/%20app%20", "meta/app"},
		{"/meta%0D%0A/app", "meta/app"},
		{"/%0Ameta/app", "\nmeta/app"},
		{"/%20%09/meta", "meta"},
		{"/%0A/meta", "meta"},
		// Case-sensitive, '+' kept, decoded NUL ends the path.
		{"/Meta/App", "Meta/App"},
		{"/a+b", "a+b"},
		{"/meta%00/app", "meta"},
		{"/%00", ""},
		// Raw UTF-8 and percent-encoded UTF-8 are the same.
		{"/%E4%B8%AD", "中"},
	}
	for _, tt := range tests {
		req, err := rtParseRequest(tt.raw, "")
		if err != nil {
			t.Errorf("rtParseRequest(%q): %v", tt.raw, err)
			continue
		}
		if req.Path != tt.want || req.more != nil {
			t.Errorf("rtParseRequest(%q) = %q %v, want %q no args", tt.raw, req.Path, req.more, tt.want)
		}
	}
}

func TestParseRequestQuery(t *testing.T) {
	flag := func(k string) rtArg { return rtArg{Key: k, Flag: true} }
	kv := func(k, v string) rtArg { return rtArg{Key: k, Value: v} }
	tests := []struct {
		raw  string
		want []rtArg
	}{
		// http_server_test.cpp parse_query_params cases.
		{"query1", []rtArg{flag("query1")}},
		{"query1=", []rtArg{kv("query1", "")}},
		{"query1=value1", []rtArg{kv("query1", "value1")}},
		{"=", []rtArg{kv("", "")}},
		{"", nil},
		{"query1=value1&query2=value2", []rtArg{kv("query1", "value1"), kv("query2", "value2")}},
		{"query1=value1&query2", []rtArg{kv("query1", "value1"), flag("query2")}},
		// Flags and order.
		{"detail", []rtArg{flag("detail")}},
		{"name=temp&detail", []rtArg{kv("name", "temp"), flag("detail")}},
		{"detail&name=temp", []rtArg{flag("detail"), kv("name", "temp")}},
		// Split at the first '=' only.
		{"a=b=c", []rtArg{kv("a", "b=c")}},
		{"=v", []rtArg{kv("", "v")}},
		// '+' is not a space.
		{"a+b=c+d", []rtArg{kv("a+b", "c+d")}},
		{"a=%2B", []rtArg{kv("a", "+")}},
		// The whole query is decoded first: %26 and %3D split.
		{"a=1%26b=2", []rtArg{kv("a", "1"), kv("b", "2")}},
		{"a%3D1", []rtArg{kv("a", "1")}},
		{"a=x%3Dy", []rtArg{kv("a", "x=y")}},
		{"name=%E4%B8%AD", []rtArg{kv("name", "中")}},
		// Empty items dropped, items trimmed at both ends only.
		{"&&a=1&&", []rtArg{kv("a", "1")}},
		{"%20a%20=%201%20&%09b", []rtArg{kv("a ", " 1"), flag("b")}},
		{"a=1%0D%0A", []rtArg{kv("a", "1")}},
		{"%0Aa=1", []rtArg{kv("\na", "1")}},
		{"%20%0D%0A&a", []rtArg{flag("a")}},
		{"%20&%09", nil},
		// Duplicates: a later flag is ignored.
		{"a=1&a", []rtArg{kv("a", "1")}},
		{"a&a", []rtArg{flag("a")}},
		{"a=&a", []rtArg{kv("a", "")}},
		// A decoded NUL ends the query.
		{"a=1%00&b=2", []rtArg{kv("a", "1")}},
		{"%00a=1", nil},
	}
	for _, tt := range tests {
		req, err := rtParseRequest("/x", tt.raw)
		if err != nil {
			t.Errorf("rtParseRequest(?%s): %v", tt.raw, err)
			continue
		}
		if !reflect.DeepEqual(req.more, tt.want) {
			t.Errorf("rtParseRequest(?%s) args = %#v, want %#v", tt.raw, req.more, tt.want)
		}
		if req.Path != "x" {
			t.Errorf("rtParseRequest(?%s) path = %q", tt.raw, req.Path)
		}
	}
}

func TestParseRequestErrors(t *testing.T) {
	dup := func(k string) string {
		return "failed to parse request: ERR_INVALID_PARAMETERS: duplicate parameter: " + k
	}
	hex := func(s string) string { return fmt.Sprintf(testHexFmt, s) }
	tests := []struct {
		path, query, want string
	}{
		{"/", "a=1&a=2", dup("a")},
		{"/", "a&a=1", dup("a")},
		{"/", "a=1&b&a=", dup("a")},
		{"/", "name=a&name=b", dup("name")},
		{"/", "=1&=2", dup("")},
		{"/", "a=1%26a=2", dup("a")},
		{"/", "%20a=1&a=2%20", dup("a")}, // both trimmed to "a"
		{"/", "a=1&a%20=2", ""},          // "a " is another key
		// uri_decoder_test.cpp cases, in the query.
		{"/", "%", testPartial},
		{"/", "%2", testPartial},
		{"/", "a=%", testPartial},
		{"/", "a=%4", testPartial},
		{"/", "%%%", hex("%%")},
		{"/", "%2%", hex("2%")},
		{"/", "%G0", hex("G0")},
		{"/", "%0G", hex("0G")},
		// The message shows the rest of the string from the bad escape.
		{"/", "a=%G0&b=1", hex("G0&b=1")},
		{"/", "a=%zz%41", hex("zz%41")},
		{"/", "a=%20%g", testPartial},
		// The whole query is decoded before any duplicate is seen.
		{"/", "a=1&a=2&b=%G0", hex("G0")},
		// Path: a NUL is appended before decoding, so "%X" at the end
		// reports the hex error, a lone '%' still the partial one.
		{"/a%4", "", hex("4")},
		{"/a%", "", testPartial},
		{"%", "", testPartial},
		{"/a%G0b", "", hex("G0b")},
		{"/%%%", "", hex("%%")},
		{"/a%2", "", hex("2")},
		// The path is decoded (and fails) before the query.
		{"/a%G0", "%", hex("G0")},
		{"/ok", "%", testPartial},
	}
	for _, tt := range tests {
		req, err := rtParseRequest(tt.path, tt.query)
		if tt.want == "" {
			if err != nil {
				t.Errorf("rtParseRequest(%q, %q): %v", tt.path, tt.query, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("rtParseRequest(%q, %q) = %+v, want error %q", tt.path, tt.query, req, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("rtParseRequest(%q, %q) error\n got %q\nwant %q", tt.path, tt.query, err, tt.want)
		}
	}
}

func TestParseRequestManyArgs(t *testing.T) {
	// Past rtDupMapMin arguments duplicates are found through a map; the
	// rules must not change.
	var items []string
	for i := 0; i < 40; i++ {
		items = append(items, fmt.Sprintf("k%d=%d", i, i))
	}
	q := strings.Join(items, "&")
	req, err := rtParseRequest("/", q+"&k3&k39")
	if err != nil || len(req.more) != 40 {
		t.Fatalf("got %d args, %v", len(req.more), err)
	}
	for i, a := range req.more {
		if a.Key != fmt.Sprintf("k%d", i) || a.Value != fmt.Sprint(i) || a.Flag {
			t.Fatalf("arg %d = %+v", i, a)
		}
	}
	for _, dup := range []string{"k0=x", "k20=", "k39=y"} {
		_, err := rtParseRequest("/", q+"&"+dup)
		want := "failed to parse request: ERR_INVALID_PARAMETERS: duplicate parameter: " + dup[:strings.IndexByte(dup, '=')]
		if err == nil || err.Error() != want {
			t.Errorf("duplicate %s: got %v, want %s", dup, err, want)
		}
	}
}

func TestRequestGet(t *testing.T) {
	req, err := rtParseRequest("/meta/app", "name=temp&detail&empty=")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		want rtArg
		ok   bool
	}{
		{"name", rtArg{Key: "name", Value: "temp"}, true},
		{"detail", rtArg{Key: "detail", Flag: true}, true},
		{"empty", rtArg{Key: "empty"}, true},
		{"Name", rtArg{}, false},
		{"", rtArg{}, false},
	}
	for _, tt := range tests {
		got, ok := req.Get(tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Get(%q) = %+v, %v; want %+v, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseRequestNoAllocClean(t *testing.T) {
	// The server parses into a local value: a usual request allocates nothing.
	var req rtRequest
	allocs := testing.AllocsPerRun(100, func() {
		req = rtRequest{}
		_ = req.parse("/meta/app", "")
	})
	if allocs != 0 {
		t.Errorf("clean path without query: %v allocs, want 0", allocs)
	}
	allocs = testing.AllocsPerRun(100, func() {
		req = rtRequest{}
		_ = req.parse("/meta/app", "name=temp&detail")
	})
	if allocs != 0 {
		t.Errorf("clean path with query: %v allocs, want 0", allocs)
	}
	if a, ok := req.Get("name"); !ok || a.Value != "temp" {
		t.Errorf("Get(name) = %+v, %v", a, ok)
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{",,,", []string{}},
		{" \t ", []string{}},
		{"a", []string{"a"}},
		{"a,b", []string{"a", "b"}},
		{" a , b ,, c ", []string{"a", "b", "c"}},
		{"a\r\n,\tb", []string{"a", "b"}},
		{"\na", []string{"\na"}},
		{"a b,c", []string{"a b", "c"}},
		{"a,a", []string{"a", "a"}},
		{"a\x00,b", []string{"a"}},
		{"replica,partition", []string{"replica", "partition"}},
	}
	for _, tt := range tests {
		got := rtSplitList(tt.in)
		if got == nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("rtSplitList(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestLocation(t *testing.T) {
	tests := []struct {
		primary, path string
		args          []rtArg
		want          string
	}{
		{"127.0.0.1:34601", "meta/cluster", nil, "http://127.0.0.1:34601/meta/cluster"},
		{"127.0.0.1:34601", "meta/app", []rtArg{{Key: "name", Value: "temp"}, {Key: "detail", Flag: true}},
			"http://127.0.0.1:34601/meta/app?name=temp&detail="},
		{"invalid host_port", "meta/apps", []rtArg{{Key: "detail", Flag: true}},
			"http://invalid host_port/meta/apps?detail="},
		{"h:1", "meta/app", []rtArg{{Key: "", Value: ""}}, "http://h:1/meta/app?="},
		// No re-encoding of decoded arguments.
		{"h:1", "meta/app", []rtArg{{Key: "name", Value: "a b&c=d/中"}}, "http://h:1/meta/app?name=a b&c=d/中"},
		// NUL bytes removed anywhere.
		{"h\x00:1", "meta/\x00app", []rtArg{{Key: "a\x00", Value: "\x00b\x00"}}, "http://h:1/meta/app?a=b"},
		{"h:1", "", nil, "http://h:1/"},
	}
	for _, tt := range tests {
		if got := rtLocation(tt.primary, tt.path, tt.args); got != tt.want {
			t.Errorf("rtLocation(%q, %q, %v) = %q, want %q", tt.primary, tt.path, tt.args, got, tt.want)
		}
	}
}

// TestParseTargetForms checks the request-target forms a server may be
// handed: origin-form, absolute-form (a proxy's), a fragment a client sent
// by mistake, and requests made in process without a RequestURI.
func TestParseTargetForms(t *testing.T) {
	for _, tt := range []struct {
		target, path, query string
	}{
		{"/meta/app?name=x", "meta/app", "name"},
		{"http://127.0.0.1:34601/meta/app?name=x", "meta/app", "name"},
		{"http://127.0.0.1:34601?name=x", "", "name"},
		{"http://127.0.0.1:34601", "", ""},
		{"/meta/app?name=x#frag", "meta/app", "name"},
		{"/a://b?name=x", "a:/b", "name"},
	} {
		r := httptest.NewRequest("GET", "http://127.0.0.1:34601/", nil)
		r.RequestURI = tt.target
		var q rtRequest
		if err := q.parseTarget(r); err != nil {
			t.Errorf("%q: %v", tt.target, err)
			continue
		}
		keys := ""
		for _, a := range q.list() {
			keys += a.Key
		}
		if q.Path != tt.path || keys != tt.query {
			t.Errorf("%q: path %q, keys %q; want %q, %q", tt.target, q.Path, keys, tt.path, tt.query)
		}
	}
	r := httptest.NewRequest("GET", "/x/y?k=v", nil)
	r.RequestURI = ""
	var q rtRequest
	if err := q.parseTarget(r); err != nil || q.Path != "x/y" || len(q.list()) != 1 {
		t.Errorf("no RequestURI: %v %q %v", err, q.Path, q.list())
	}
}
