package load

import (
	"context"
	"strings"
	"testing"
)

// spec is a minimal document with a placeholder for the case under test.
const spec = `openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /x:
    get:
      responses:
%s
`

// TestPrepareLoadsAsKinOpenAPIDoes checks the normalisation that the single
// parse repeats from kin-openapi's own loader: each document must load (or
// fail) the way LoadFromData treats it.
func TestPrepareLoadsAsKinOpenAPIDoes(t *testing.T) {
	for _, c := range []struct {
		name, responses string
		check           func(t *testing.T, s *Spec)
		err             string
	}{
		{name: "unquoted status key", responses: "        200: {description: ok}",
			check: func(t *testing.T, s *Spec) {
				if s.Doc.Paths.Find("/x").Get.Responses.Value("200") == nil {
					t.Error("response 200 not found under its written text")
				}
			}},
		{name: "local tag and date", responses: "        '200': {description: !md fine, x-when: 2024-01-02}",
			check: func(t *testing.T, s *Spec) {
				r := s.Doc.Paths.Find("/x").Get.Responses.Value("200").Value
				if *r.Description != "fine" {
					t.Errorf("description = %q", *r.Description)
				}
				if v, ok := r.Extensions["x-when"].(string); !ok || v != "2024-01-02" {
					t.Errorf("x-when = %#v, want the text as written", r.Extensions["x-when"])
				}
			}},
		{name: "infinity", responses: "        '200': {description: ok, x-n: .inf}", err: "s.yaml:7:39: cannot parse the spec: .inf has no JSON representation"},
		{name: "null key", responses: "        ~: {description: ok}", err: "s.yaml:7:9: cannot parse the spec: mapping key is null"},
		{name: "alias cycle", responses: "        '200': &a {description: ok, x-self: *a}", err: `anchor "a" contains an alias of itself`},
		{name: "alias key", responses: "        '200': {description: &k x-k, *k : 1}",
			check: func(t *testing.T, s *Spec) {
				if _, ok := s.Doc.Paths.Find("/x").Get.Responses.Value("200").Value.Extensions["x-k"]; !ok {
					t.Error("the alias key does not name x-k")
				}
			}},
		{name: "syntax", responses: "        '200': [unclosed", err: "s.yaml:7:16: cannot parse the spec: a flow sequence that starts here is not closed"},
		{name: "tab", responses: "        '200':\n\t  description: ok", err: "s.yaml:8:1: cannot parse the spec: a tab character"},
		{name: "mapping value", responses: "        '200': {description: ok}\n       x: 1", err: "s.yaml:8:8: cannot parse the spec: did not find expected key"},
		// A first key dedented by mistake: the parser stops at its sibling,
		// the next line; the diagnostic names the line that is off.
		{name: "dedented first key", responses: "       '200': {description: ok}\n        '400': {description: no}",
			err: "s.yaml:7:8: cannot parse the spec: did not find expected key: this key is indented less than its sibling on line 8"},
		{name: "dedented first key with children", responses: "       '200':\n          description: ok\n        '400':\n          description: no\n        '500':\n          description: no",
			err: "s.yaml:7:8: cannot parse the spec: did not find expected key: this key is indented less than its sibling on line 9"},
		{name: "dedented child", responses: "        '200':\n          description: ok\n         x-a: 1\n        '400':\n          description: no",
			err: "s.yaml:9:10: cannot parse the spec: did not find expected key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(strings.Replace(spec, "%s", c.responses, 1))
			s, err := Load(context.Background(), "s.yaml", data)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, s)
		})
	}
}

// TestJSONAsKinOpenAPIReadsIt checks the two JSON documents kin-openapi's
// own loader reads with its JSON parser: duplicate keys (the last wins)
// and a raw U+0085 inside a string (a line break to YAML).
func TestJSONAsKinOpenAPIReadsIt(t *testing.T) {
	for _, c := range []struct{ name, doc, title string }{
		{"duplicate key", `{"openapi":"3.0.3","info":{"title":"t","version":"1","title":"u"},"paths":{}}`, "u"},
		{"next line", "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"a\u0085b\",\"version\":\"1\"},\"paths\":{}}", "a\u0085b"},
	} {
		s, err := Load(context.Background(), "s.json", []byte(c.doc))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if s.Doc.Info.Title != c.title {
			t.Errorf("%s: title %q, want %q", c.name, s.Doc.Info.Title, c.title)
		}
	}
}

// TestPos checks positions: keys, sequence items, escaped pointer tokens,
// and the nearest ancestor for what is missing.
func TestPos(t *testing.T) {
	s, err := Load(context.Background(), "s.yaml", []byte(strings.Replace(spec, "%s", "        '200': {description: ok}", 1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ptr       string
		line, col int
	}{
		{"", 1, 1},
		{Pointer("paths", "/x", "get"), 5, 5},
		{Pointer("paths", "/x", "get", "responses", "200", "description"), 7, 17},
		{Pointer("paths", "/x", "put"), 4, 3},
		{Pointer("info", "title"), 2, 8},
	} {
		p := s.Pos(c.ptr)
		if p.Line != c.line || p.Col != c.col {
			t.Errorf("Pos(%q) = %d:%d, want %d:%d", c.ptr, p.Line, p.Col, c.line, c.col)
		}
	}
}

// TestAliasBombPosition checks that an alias bomb is refused quickly with
// the place of the alias that tipped it over, not the document's start.
func TestAliasBombPosition(t *testing.T) {
	spec := "openapi: 3.0.3\nx-a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		spec += "x-" + n + ": &" + n + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = n
	}
	_, err := Load(context.Background(), "s.yaml", []byte(spec))
	if err == nil || !strings.HasPrefix(err.Error(), "s.yaml:") || strings.HasPrefix(err.Error(), "s.yaml:1:1:") {
		t.Fatalf("alias bomb: %v", err)
	}
}

// TestWrongKindInSpecTerms checks that a value of the wrong kind is
// reported as the spec element expected, without Go type names.
func TestWrongKindInSpecTerms(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"openapi: 3.0.3\ninfo: 5\npaths: {}\n", "s.yaml:2:7: expected a mapping here, found an integer (5)"},
		{"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/x: {get: {responses: 7}}}\n",
			"s.yaml:3:31: expected a mapping here, found an integer (7)"},
		{"openapi: [1]\n", "s.yaml:1:10: expected a string here, found a list"},
	} {
		_, err := Load(context.Background(), "s.yaml", []byte(c.spec))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.spec, err, c.want)
		}
	}
}

// FuzzDedentedKey: placing a "did not find expected key" never panics, and
// a line it blames is an earlier line of the input.
func FuzzDedentedKey(f *testing.F) {
	f.Add("a:\n  b:\n   c: {}\n    d: {}\n", 4)
	f.Add("a:\n b:\n    x: 1\n  c:\n    y: 2\n  d: 3\n", 4)
	f.Add("\n\n#\n", 3)
	f.Fuzz(func(t *testing.T, doc string, line int) {
		if k, ok := dedentedKey([]byte(doc), line); ok && (k < 1 || k >= line) {
			t.Errorf("blamed line %d for an error at line %d", k, line)
		}
	})
}
