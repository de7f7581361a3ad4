package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// treeFind is the walk of the YAML tree that the position index replaced,
// kept as the index's oracle.
func treeFind(root *yaml.Node, pointer string) (ir.Pos, bool) {
	pos := ir.Pos{Line: root.Line, Col: root.Column}
	n := root
	for pointer != "" {
		var tok string
		tok, pointer = nextToken(pointer)
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			i := -1
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == tok {
					i = j
					break
				}
			}
			if i < 0 {
				return pos, false
			}
			pos.Line, pos.Col = n.Content[i].Line, n.Content[i].Column
			n = n.Content[i+1]
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return pos, false
			}
			n = n.Content[i]
			pos.Line, pos.Col = n.Line, n.Column
		default:
			return pos, false
		}
	}
	return pos, true
}

// pointers lists a pointer to every node under n (through aliases, to a
// bounded depth), and beside each a pointer to something missing there.
func pointers(n *yaml.Node, at string, depth int, out *[]string) {
	*out = append(*out, at, at+"/nothing~1here", at+"/99999")
	if depth > 12 {
		return
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			pointers(n.Content[i+1], at+Pointer(n.Content[i].Value), depth+1, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			pointers(c, at+"/"+strconv.Itoa(i), depth+1, out)
		}
	}
}

// TestPosIndexIsTheTreeWalk holds the index to the tree walk on every
// pointer into the bundled spec, the test specs, and documents with
// aliases, duplicate keys, and mappings of every size around mapFrom.
func TestPosIndexIsTheTreeWalk(t *testing.T) {
	docs := map[string][]byte{
		"aliases": []byte("a: &x {k: 1, l: [&y {m: 2}, *y]}\nb: *x\nc: [*x, *y]\nd: {*x: 3}\n"),
		"dups":    []byte("a: 1\nb: 2\na: 3\nm: {k: 1, k: 2}\n"),
		"escapes": []byte("\"/a~b\": {\"~1\": 1}\n"),
	}
	big := []byte("m:\n")
	for i := range 3 * mapFrom {
		big = append(big, "  k"+strconv.Itoa(i%(2*mapFrom))+": "+strconv.Itoa(i)+"\n"...)
		docs["size"+strconv.Itoa(i)] = append([]byte(nil), big...)
	}
	files, _ := filepath.Glob("../../spec/*.yaml")
	more, _ := filepath.Glob("../../tests/testdata/*/*.yaml")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
	}
	for name, data := range docs {
		root, err := parseWhole(data)
		if err != nil {
			continue // not a mapping, or not YAML: nothing to index
		}
		if err := sameIndex(newPosIndex(root), root); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

// sameIndex checks that x answers every pointer into root (and beside
// each, one to something missing) as the tree walk does.
func sameIndex(x *posIndex, root *yaml.Node) error {
	s := &Spec{index: x}
	var ptrs []string
	pointers(root, "", 0, &ptrs)
	for _, p := range ptrs {
		want, wantOK := treeFind(root, p)
		got, gotOK := s.find(p)
		if got != want || gotOK != wantOK {
			return fmt.Errorf("%q: the index says %v %v, the tree %v %v", p, got, gotOK, want, wantOK)
		}
	}
	return nil
}
