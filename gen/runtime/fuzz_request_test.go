package pegasusrt

import (
	"bufio"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// Fuzz targets for the server's request parsing. Each checks its parser
// against a plain reference (the C++ steps written the obvious way) or
// against the client's encoder, not only for panics. Seeds are the wire
// facts of request_test.go and the spec's example queries; what the fuzzer
// finds is kept under testdata/fuzz.

// refNormalize is the registry key computed the slow, obvious way:
// split_args on '/', each segment trimmed (leading " \t", trailing
// " \t\r\n"), empty ones dropped, rejoined with '/'.
func refNormalize(p string) string {
	var segs []string
	for _, s := range strings.Split(p, "/") {
		s = strings.TrimLeft(s, " \t")
		s = strings.TrimRight(s, " \t\r\n")
		if s != "" {
			segs = append(segs, s)
		}
	}
	return strings.Join(segs, "/")
}

// requestSeeds are raw path, raw query pairs from the wire facts.
var requestSeeds = [][2]string{
	{"/", ""},
	{"//pprof///heap///arg/", ""},
	{"/meta%2Fapp", "name=temp&detail"},
	{"/%20meta%09/%20app%20", "name=%26x%3Dy"},
	{"/metrics", "types=replica,%20disk&attributes=table_id,2&with_metric_fields=name,value"},
	{"/updateConfig", "replica_write_throttling_delay_ms=1000"},
	{"/meta/app", "name=a&name=b"},
	{"/meta/app", "detail&detail"},
	{"/x%", ""},
	{"/x%4", "a=%zz"},
	{"/x%00y", "a=b%00c&d=e"},
	{"/meta/apps", "a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q&r&a=1"},
	{"/ meta", " a = b \r\n& c\t"},
}

// FuzzParseRequest checks rtRequest.parse: the path is the reference
// normalisation of the decoded path, each key appears once, every item of
// the decoded query is accounted for, and errors are the server's 400 texts.
func FuzzParseRequest(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add(s[0], s[1])
	}
	queries, _ := specExamples()
	for _, q := range queries {
		f.Add("/meta/app", q)
	}
	f.Fuzz(func(t *testing.T, rawPath, rawQuery string) {
		var req rtRequest
		err := req.parse(rawPath, rawQuery)
		if err != nil {
			if !strings.HasPrefix(err.Error(), rtParseErrorPrefix) {
				t.Fatalf("error without the server's prefix: %q", err)
			}
			return
		}
		path, perr := rtUnescape(rawPath, true)
		query, qerr := rtUnescape(rawQuery, false)
		if perr != nil || qerr != nil {
			t.Fatalf("parse accepted what rtUnescape refuses: %v %v", perr, qerr)
		}
		if want := refNormalize(rtCutNUL(path)); req.Path != want {
			t.Fatalf("path %q: got %q, want %q", rawPath, req.Path, want)
		}
		checkArgs(t, req.list(), rtCutNUL(query))
	})
}

// checkArgs compares parsed arguments with the decoded query split the
// obvious way: first occurrence of a key wins, a repeated flag is ignored,
// and (since parse succeeded) no key is repeated with a value.
func checkArgs(t *testing.T, got []rtArg, query string) {
	var want []rtArg
	seen := map[string]bool{}
	for _, item := range strings.Split(query, "&") {
		item = strings.TrimRight(strings.TrimLeft(item, " \t"), " \t\r\n")
		if item == "" {
			continue
		}
		k, v, has := strings.Cut(item, "=")
		if seen[k] {
			if has {
				t.Fatalf("duplicate %q with a value was accepted", k)
			}
			continue
		}
		seen[k] = true
		want = append(want, rtArg{Key: k, Value: v, Flag: !has})
	}
	if !slices.Equal(got, want) {
		t.Fatalf("query %q: got %+v, want %+v", query, got, want)
	}
}

// FuzzParseTarget feeds whole request lines through net/http's own reader
// and then parseTarget, the way a generated server sees them: any target
// net/http accepts must parse or fail with a 400 text, never panic, and an
// origin-form target must give the same result as parse on its parts.
func FuzzParseTarget(f *testing.F) {
	for _, s := range requestSeeds {
		t := s[0]
		if s[1] != "" {
			t += "?" + s[1]
		}
		f.Add(t)
	}
	f.Add("http://host:1/meta/app?name=x#frag")
	f.Add("http://host:1?x=1")
	f.Add("*")
	f.Fuzz(func(t *testing.T, target string) {
		if strings.ContainsAny(target, " \r\n") {
			return // not one request line
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")))
		if err != nil {
			return
		}
		var req rtRequest
		err = req.parseTarget(r)
		if err != nil && !strings.HasPrefix(err.Error(), rtParseErrorPrefix) {
			t.Fatalf("error without the server's prefix: %q", err)
		}
		if !strings.HasPrefix(target, "/") || strings.Contains(target, "#") {
			return
		}
		p, q, _ := strings.Cut(target, "?")
		var direct rtRequest
		derr := direct.parse(p, q)
		if (err == nil) != (derr == nil) || err == nil && (req.Path != direct.Path || !slices.Equal(req.list(), direct.list())) {
			t.Fatalf("target %q: parseTarget %v %+v, parse %v %+v", target, err, req.list(), derr, direct.list())
		}
	})
}

// FuzzQueryRoundTrip sends two arguments through the client's encoder
// (rtQuery) and the server's parser: whatever the client agrees to send
// must arrive as it was meant, except for what the server's trimming and
// C strings change, which the client cannot express either.
func FuzzQueryRoundTrip(f *testing.F) {
	f.Add("name", "temp", "detail", "")
	f.Add("types", "replica,disk", "attributes", "table_id,2,partition_id,1")
	f.Add("a", "%+# ,:@", "b", "100%")
	f.Add("k", "x&y", "v", "1=2")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		var q rtQuery
		q.Add(k1, v1)
		q.Add(k2, v2)
		var req rtRequest
		err := req.parse("/op", string(q.b))
		if q.err != nil {
			if !strings.ContainsAny(k1+v1+k2+v2, "&=") {
				t.Fatalf("client refused %q", q.err)
			}
			return
		}
		if !sendable(k1, v1) || !sendable(k2, v2) || k1 == k2 {
			return // a generated client sends each argument once
		}
		if err != nil {
			t.Fatalf("client sent %q, server refused it: %v", q.b, err)
		}
		want := []rtArg{{Key: k1, Value: v1}, {Key: k2, Value: v2}}
		if got := req.list(); !slices.Equal(got, want) {
			t.Fatalf("sent %+v, server read %+v", want, got)
		}
	})
}

// sendable reports whether k=v survives the server's item trimming and
// C-string cut unchanged.
func sendable(k, v string) bool {
	item := k + "=" + v
	return k != "" && !strings.ContainsRune(item, 0) &&
		strings.TrimLeft(item, " \t") == item && strings.TrimRight(item, " \t\r\n") == item
}

// FuzzListRoundTrip checks list and pairs arguments: a list the client
// joins with ',' is split back by rtSplitList into the same items when
// they are sendable (no ',', NUL or trimmed blanks, not empty), and the
// split never yields an empty or untrimmed item.
func FuzzListRoundTrip(f *testing.F) {
	f.Add("replica,disk", "table_id,2,partition_id,1")
	f.Add(" a , b ,,c", "")
	f.Add("x\x00y,z", "\t,\r\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, s := range []string{a, b} {
			for _, it := range rtSplitList(s) {
				if it == "" || strings.TrimRight(strings.TrimLeft(it, " \t"), " \t\r\n") != it || strings.ContainsAny(it, ",\x00") {
					t.Fatalf("split %q gave item %q", s, it)
				}
			}
		}
		items := []string{a, b}
		for _, it := range items {
			if it == "" || strings.ContainsAny(it, ",&=\x00") || strings.TrimRight(strings.TrimLeft(it, " \t"), " \t\r\n") != it {
				return
			}
		}
		var q rtQuery
		q.Add("types", strings.Join(items, ","))
		var req rtRequest
		if err := req.parse("/metrics", string(q.b)); err != nil {
			t.Fatalf("sent %q: %v", q.b, err)
		}
		arg, ok := req.Get("types")
		if !ok {
			t.Fatalf("sent %q: no types", q.b)
		}
		if got := rtSplitList(arg.Value); !slices.Equal(got, items) {
			t.Fatalf("sent %q, read %q", items, got)
		}
	})
}
