package load

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// streamDoc is a large spec (well over 2×minSplit) whose paths are written
// between head and tail, with lines that tempt a cut.
func streamDoc(head, tail, extra string) []byte {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("paths:\n  # the operations\n")
	b.WriteString(extra)
	for i := range 1400 {
		fmt.Fprintf(&b, "  /op%s/%04d:\n    get:\n      operationId: op%[2]d\n      summary: %s\n", strings.Repeat("x", i%7), i, strings.Repeat("word ", 40))
		fmt.Fprintf(&b, "      description: |\n        Operation %d.\n\n        paths:\n      responses:\n        '200': {description: ok}\n", i)
		b.WriteString("        \"404\":\n          description: >-\n            not\n            found\n\n")
	}
	b.WriteString(tail)
	return []byte(b.String())
}

// sameAsWhole compares what loadStream made of data with parsing and
// decoding it whole: the same kin-openapi document, and the same position
// for every pointer into the tree.
func sameAsWhole(st *streamed, data []byte) error {
	root, err := parseWhole(data)
	if err != nil || prepare(root) != nil {
		return fmt.Errorf("streamed, but the whole document does not parse: %v", err)
	}
	whole := &openapi3.T{}
	if err := root.Decode(whole); err != nil {
		return fmt.Errorf("streamed, but the whole document does not decode: %v", err)
	}
	a, aerr := st.doc.MarshalJSON()
	b, berr := whole.MarshalJSON()
	if aerr != nil || berr != nil {
		return fmt.Errorf("the documents do not marshal: streamed %v, whole %v", aerr, berr)
	}
	if !bytes.Equal(a, b) {
		return fmt.Errorf("the streamed document differs from the whole one:\n%s\n%s", a, b)
	}
	return sameIndex(st.index, root)
}

// smallPieces makes loadStream cut documents of any size into pieces of
// a line or two, until the test ends.
func smallPieces(t testing.TB) {
	size, min := pieceSize, streamMin
	pieceSize, streamMin = 1, 0
	t.Cleanup(func() { pieceSize, streamMin = size, min })
}

// FuzzStream holds loadStream to the whole load on any document, cut into
// pieces at every path item it can: when it does not decline, the document
// and every position are the whole load's.
func FuzzStream(f *testing.F) {
	smallPieces(f)
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	for _, s := range []string{
		head + "paths:\n  /a: {get: {responses: {'200': {description: ok}}}}\n  /b:\n    x-y: &y 1\n    x-z: *y\n  x-p: 2\ncomponents: {}\n",
		"paths:\n  /a: {}\n\n  # c\n  /b: {}\n" + head,
		head + "paths:\n  /a:\n    description: |\n      x\n\n      /b: y\n  /c: {}\n",
		head + "paths:\n  /a: {}\n  /a: {}\n",
		head + "x-a: &a {}\npaths:\n  /a: *a\n",
		head + "paths:\n  '/a': {}\n  \"/b\": {}\n  ? /c\n  : {}\n",
		// Found by review: a BOM read as the text's start, and UTF-16.
		head + "paths:\n  /a: {}\n\ufeffcomponents: {}\n",
		"\xff\xfex\x00-\x00x\x00:\x00 \x00A\npaths:\n  /a: {}\nx-t: 12\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return // the cuts are per line; longer documents add nothing
		}
		if st := loadStream(data); st != nil {
			if err := sameAsWhole(st, data); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestStreamIsTheWholeLoad holds loadStream to parsing and decoding the
// document whole: the same kin-openapi document and the same position for
// every pointer into the tree; and it declines what it cannot read apart.
func TestStreamIsTheWholeLoad(t *testing.T) {
	t.Run("pieces of a line", func(t *testing.T) {
		smallPieces(t)
		data := streamDoc("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n", "components: {}\n", "  x-note: 1\n")[:20000]
		data = data[:bytes.LastIndex(data, []byte("\n  /op"))+1]
		st := loadStream(data)
		if st == nil {
			t.Fatal("declined")
		}
		if err := sameAsWhole(st, data); err != nil {
			t.Fatal(err)
		}
	})
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	const tail = "components:\n  schemas:\n    A: {type: string}\n"
	for name, data := range map[string][]byte{
		"head and tail": streamDoc(head, tail, ""),
		"paths first":   streamDoc("", head+tail, ""),
		"paths last":    streamDoc("# a comment\n"+head+tail, "", ""),
		"extension":     streamDoc(head, tail, "  x-note: {a: 1}\n"),
		"local anchors": streamDoc(head, tail, "  /anchored:\n    x-r: &r {'200': {description: ok}}\n    get: {operationId: anchored, responses: *r}\n  /aliased:\n    get: {operationId: aliased, responses: *r}\n"),
	} {
		st := loadStream(data)
		if st == nil {
			t.Errorf("%s: declined", name)
			continue
		}
		if err := sameAsWhole(st, data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, data := range map[string][]byte{
		"small":             []byte(head + "paths: {}\n"),
		"alias across":      streamDoc("x-a: &a {description: ok}\n"+head, tail, "  /x:\n    get: {operationId: x, responses: {'200': *a}}\n"),
		"path repeated":     streamDoc(head, "  /op/0000: {}\n"+tail, ""),
		"paths twice":       streamDoc(head, "paths: {}\n"+tail, ""),
		"flow paths":        []byte(head + "paths: {" + strings.Repeat(" ", 3*minSplit) + "}\n"),
		"tabs":              append(streamDoc(head, tail, ""), "\t\n"...),
		"not yaml in piece": streamDoc(head, tail, "  /x: [\n"),
		"inner BOM":         streamDoc(head, "\ufeff"+tail, ""),
		"UTF-16":            append([]byte("\xff\xfe"), streamDoc(head, tail, "")...),
	} {
		if loadStream(data) != nil {
			t.Errorf("%s: not declined", name)
		}
	}
}

// TestStreamErrorsAreTheWholeLoads: a large spec with a problem gets the
// diagnostics the whole load gives, whatever piece the problem is in, and
// a good one validates alike. A spec the stream declines is loaded whole,
// so for those the comparison holds by construction: what is tested there
// is that the stream declines (rather than reporting on its own), at the
// step named.
func TestStreamErrorsAreTheWholeLoads(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	good := streamDoc(head, "components: {}\n", "")
	last := bytes.LastIndex(good, []byte("\n  /op")) + 1
	for name, c := range map[string]struct {
		data []byte
		path string // streamed; declined at resolving (the pieces were decoded); declined
	}{
		"good":         {good, "streamed"},
		"no operation": {append(append(append([]byte{}, good[:last]...), "  /late:\n    get: {}\n"...), good[last:]...), "streamed"},
		"bad ref":      {bytes.Replace(good, []byte("'200': {description: ok}"), []byte("'200': {$ref: '#/components/responses/Nope'}"), 1), "declined at resolving"},
		"bad kind":     {append(append(append([]byte{}, good[:last]...), "  /late:\n    get: {responses: 7}\n"...), good[last:]...), "declined"},
		"bad yaml":     {append(append(append([]byte{}, good[:last]...), "  /late: [\n"...), good[last:]...), "declined"},
	} {
		data := c.data
		path := "declined"
		if loadStream(data) != nil {
			path = "declined at resolving"
			s := &Spec{File: "s.yaml", placeholders: map[ir.Pos]bool{}}
			if done, err := s.loadStreamed(context.Background(), data); done && err == nil {
				path = "streamed"
				s.Valid()
			}
		}
		if path != c.path {
			t.Errorf("%s: %s, want %s", name, path, c.path)
		}
		load := func() string {
			s, err := Load(context.Background(), "s.yaml", data)
			if err == nil {
				err = s.Valid()
			}
			return fmt.Sprint(err)
		}
		streamedOut := load()
		min := streamMin
		streamMin = 1 << 40
		wholeOut := load()
		streamMin = min
		if streamedOut != wholeOut {
			t.Errorf("%s: streamed load says\n%s\nthe whole load\n%s", name, streamedOut, wholeOut)
		}
		t.Logf("%s: %.160s", name, wholeOut)
		if (name == "good") != (wholeOut == "<nil>") {
			t.Errorf("%s: %s", name, wholeOut)
		}
	}
}
