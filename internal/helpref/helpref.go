// Package helpref compares a server's GET / listing with the reference
// page's (shared/pegasus/http-api-reference.md). The rule is the page's
// own operations: every path the page lists is listed, with the page's
// help text byte for byte, in the page's order; a path the page does not
// have is an extension of this spec, named but allowed, so that adding an
// operation to the spec needs no edit of the page or of the tests.
package helpref

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Listings reads the page's two help listings (MetaServer, ReplicaServer),
// each compacted and ending in "\n" as GET / answers.
func Listings(page string) ([]string, error) {
	data, err := os.ReadFile(page)
	if err != nil {
		return nil, err
	}
	blocks := regexp.MustCompile("(?s)```\n(\\{.*?\\})\n```").FindAllSubmatch(data, -1)
	if len(blocks) != 2 {
		return nil, fmt.Errorf("%s: found %d help listings, want 2", page, len(blocks))
	}
	var out []string
	for _, b := range blocks {
		var buf bytes.Buffer
		// json.Compact keeps key order and the page's own escapes.
		if err := json.Compact(&buf, b[1]); err != nil {
			return nil, fmt.Errorf("%s: %v", page, err)
		}
		out = append(out, buf.String()+"\n")
	}
	return out, nil
}

// entry is one path of a listing with its help text as written.
type entry struct {
	path string
	raw  string
}

// entries reads a listing's members in order, keeping each value's bytes.
func entries(listing string) ([]entry, error) {
	dec := json.NewDecoder(strings.NewReader(listing))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object: %.60q", listing)
	}
	var out []entry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		out = append(out, entry{path: tok.(string), raw: string(raw)})
	}
	return out, nil
}

// Compare checks got (a GET / answer) against want (the page's listing).
// It returns the paths got has beyond the page (extensions, allowed) and
// an error listing every difference of the page's own paths: missing,
// changed (both texts), out of the page's order; nil when there is none.
func Compare(got, want string) (extensions []string, err error) {
	g, err := entries(got)
	if err != nil {
		return nil, fmt.Errorf("the listing: %v", err)
	}
	w, err := entries(want)
	if err != nil {
		return nil, fmt.Errorf("the page's listing: %v", err)
	}
	onPage := map[string]string{}
	for _, e := range w {
		onPage[e.path] = e.raw
	}
	var problems []string
	var kept []string
	seen := map[string]bool{}
	for _, e := range g {
		want, ok := onPage[e.path]
		if !ok {
			extensions = append(extensions, e.path)
			continue
		}
		seen[e.path] = true
		kept = append(kept, e.path)
		if e.raw != want {
			problems = append(problems, fmt.Sprintf("%s: help is\n\t%s\nthe page has\n\t%s", e.path, e.raw, want))
		}
	}
	var order []string
	for _, e := range w {
		if !seen[e.path] {
			problems = append(problems, fmt.Sprintf("%s: on the page, missing from the listing", e.path))
			continue
		}
		order = append(order, e.path)
	}
	if len(problems) == 0 && strings.Join(kept, " ") != strings.Join(order, " ") {
		problems = append(problems, fmt.Sprintf("the page's paths are listed as\n\t%s\nthe page lists them as\n\t%s", strings.Join(kept, " "), strings.Join(order, " ")))
	}
	if len(problems) == 0 && len(extensions) == 0 && got != want {
		// Same members, same texts: what is left is the framing.
		problems = append(problems, fmt.Sprintf("the same entries, framed differently:\n\t%q\nthe page:\n\t%q", got, want))
	}
	if len(problems) > 0 {
		return extensions, fmt.Errorf("%d difference(s) from the reference page:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	return extensions, nil
}
