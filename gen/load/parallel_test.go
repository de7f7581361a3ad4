package load_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/pegasus-kv/pegasus-gen/bench"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// sameTree reports the first difference between two node trees in what
// later stages read: kind, tag, value, style and position.
func sameTree(a, b *yaml.Node, path string) error {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column || a.Style != b.Style || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: %v %q %q %d:%d (%d children) vs %v %q %q %d:%d (%d children)", path,
			a.Kind, a.Tag, a.Value, a.Line, a.Column, len(a.Content), b.Kind, b.Tag, b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// TestSplitParseIsTheWholeParse parses large documents in halves and
// whole, and requires the same tree, positions included.
func TestSplitParseIsTheWholeParse(t *testing.T) {
	for _, n := range []int{101, 400} {
		data := bench.SyntheticSpec(n)
		split := load.ParseSplit(data)
		if split == nil {
			t.Fatalf("%d operations: not split", n)
		}
		whole, err := load.ParseWhole(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := sameTree(split, whole, ""); err != nil {
			t.Errorf("%d operations: %v", n, err)
		}
	}
}

// TestSplitParseFallsBack checks that documents the halves could read
// differently from the whole are not split: an alias to an anchor in the
// other half, a quoted string across the cut, several documents, a
// byte-order mark at the cut or one that makes the document UTF-16.
func TestSplitParseFallsBack(t *testing.T) {
	data := string(bench.SyntheticSpec(101))
	mid := strings.Index(data[len(data)/2:], "\n  /synth/") + len(data)/2 + 1
	for name, doc := range map[string]string{
		"alias across the cut": strings.Replace(data, "x-pegasus-roles:", "x-anchor: &far 1\nx-pegasus-roles:", 1) +
			"x-use: *far\n",
		"quoted string across the cut": data[:mid-1] + "\n  x-note: \"start\n" + data[mid:] + "\"\n",
		"document marker":              "---\n" + data,
		"BOM at the cut":               bomKeys(),
		"UTF-16":                       "\xff\xfe" + data,
	} {
		if root := load.ParseSplit([]byte(doc)); root != nil {
			whole, err := load.ParseWhole([]byte(doc))
			if err != nil {
				continue // the whole parse reports the problem either way
			}
			if err := sameTree(root, whole, ""); err != nil {
				t.Errorf("%s: split differs from whole: %v", name, err)
			}
		}
	}
}

// bomKeys is a large document of top-level keys, those of its second half
// each written after a byte-order mark, which is then part of the key.
func bomKeys() string {
	var b strings.Builder
	for i := range 40000 {
		if i >= 20000 {
			b.WriteString("\ufeff")
		}
		fmt.Fprintf(&b, "x-k%d: 1\n", i)
	}
	return b.String()
}

// TestSplitParseTricky cuts small documents (ParseSplit has no size
// threshold) at lines that look like keys but are not, or after line
// breaks other than "\n", and requires the whole parse's tree or no split.
func TestSplitParseTricky(t *testing.T) {
	for name, doc := range map[string]string{
		"explicit entry in a section": "paths:\n  /a: 1\n  ? /q\n  : 1\n  /b: 2\n",
		"explicit entry at top level": "a: 1\n? b\n: 2\nc: 3\n",
		"line separator":              "a: \"x\u2028y\"\nb: 1\nc: 2\nd: 3\n",
		"next line":                   "a: 1 # \u0085\nb: 1\nc: 2\nd: 3\n",
		"lone carriage return":        "a: \"x\ry\"\nb: 1\nc: 2\nd: 3\n",
		"crlf":                        "a: 1\r\nb: 1\r\nc: 2\r\nd: 3\r\n",
	} {
		whole, err := load.ParseWhole([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if split := load.ParseSplit([]byte(doc)); split != nil {
			if err := sameTree(split, whole, ""); err != nil {
				t.Errorf("%s: split differs from whole: %v", name, err)
			}
		}
	}
}

// TestPartsDecodeAsTheWhole decodes a large document in parts and whole
// and requires the same kin-openapi document.
func TestPartsDecodeAsTheWhole(t *testing.T) {
	for name, data := range map[string][]byte{"synthetic": bench.SyntheticSpec(300), "bundled": spec.Bundled} {
		root, err := load.ParseWhole(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := load.Prepare(root); err != nil {
			t.Fatal(err)
		}
		parts, err := load.DecodeDoc(root)
		if err != nil {
			t.Fatal(err)
		}
		whole := &openapi3.T{}
		if err := root.Decode(whole); err != nil {
			t.Fatal(err)
		}
		a, _ := parts.MarshalJSON()
		b, _ := whole.MarshalJSON()
		if !bytes.Equal(a, b) || len(a) < 1000 {
			t.Errorf("%s: the parts decode to a different document (%d vs %d bytes)", name, len(a), len(b))
		}
	}
	// A repeated paths or components key is an error of the whole decode,
	// which the parts must not hide by taking one occurrence each.
	head := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	for _, doc := range []string{
		head + "paths:\n  /a: {}\ncomponents: {}\npaths:\n  /b: {}\n",
		head + "paths: {}\ncomponents: {}\ncomponents: {schemas: {}}\n",
	} {
		root, err := load.ParseWhole([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := load.DecodeDoc(root); err == nil || !strings.Contains(err.Error(), "already defined") {
			t.Errorf("%q: err = %v, want the repeated key reported", doc, err)
		}
	}
}
