package load

import (
	"bytes"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// A large spec is nearly all path items, and its YAML tree is twice the
// size of the document decoded from it. loadStream never holds that tree
// whole: it cuts the paths section's text into pieces at path-item lines,
// and, two at a time, parses each piece, indexes its positions, decodes its
// items and drops it, before the next. What is left (the keys before and
// after paths) is parsed and decoded as usual, and the index is put
// together around the indexed items.
//
// It is a shortcut with a way back, as parseSplit is: whatever it is not
// sure of (no single paths section, an alias across pieces, a repeated
// path, a byte-order mark past the start, any error) makes it decline,
// and Load parses and decodes the document whole, which also gives an
// error a reader should see.

// pieceSize is the size of text a piece of the paths section is cut at: a
// piece's tree is then about 3 MB, and its items a few hundred; streamMin
// is the size of document from which loading streams. Variables, so that
// the tests and the fuzz target can cut small documents into many pieces.
var (
	pieceSize = minSplit
	streamMin = 2 * minSplit
)

// pieceWorkers is how many pieces are in hand at once. It bounds the
// load's memory (each piece's tree is about 3 MB, and garbage until the
// collector runs) rather than following the cores: two keep both cores of
// the 2-core machines this was measured on busy, and each more holds
// another piece at once.
const pieceWorkers = 2

// streamed is what loadStream makes: the tree without its path items, the
// index of all of it, and the document.
type streamed struct {
	root  *yaml.Node
	index *posIndex
	doc   *openapi3.T
}

// loadStream loads a large document a piece at a time; nil when it
// declines.
func loadStream(data []byte) *streamed {
	if len(data) < streamMin || otherBreaks(data) || !plainUTF8(data) {
		return nil
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if !splittable(lines) {
		return nil
	}
	start, end, indent := pathsSection(lines)
	if start < 0 {
		return nil
	}
	if !itemLines(lines[:start], 0) || !itemLines(lines[start+1:end], indent) || !itemLines(lines[end:], 0) {
		return nil
	}
	pieces := cutPieces(lines, start+1, end, indent)
	b := newIndexBuilder()
	done := make([]*piece, len(pieces))
	var mu sync.Mutex // b, which the pieces share
	var failed bool
	var wg sync.WaitGroup
	work := make(chan int)
	for range pieceWorkers {
		wg.Go(func() {
			for i := range work {
				mu.Lock()
				skip := failed // the whole load follows: the rest is wasted work
				mu.Unlock()
				if skip {
					continue
				}
				p := pieces[i]
				done[i] = streamPiece(lines[p[0]:p[1]], p[0], len(data), b, &mu)
				if done[i] == nil {
					mu.Lock()
					failed = true
					mu.Unlock()
				}
			}
		})
	}
	for i := range pieces {
		work <- i
	}
	close(work)
	wg.Wait()
	if failed {
		return nil
	}
	return assemble(lines, start, end, done, b)
}

// piece is a piece of the paths section once streamed: its items decoded,
// and their keys' and values' ids in the index, with the keys' texts.
type piece struct {
	paths *openapi3.Paths
	kids  []int32
	names []string
}

// splittable reports whether a document's lines can be parsed apart:
// no directives, document markers or tab-indented lines.
func splittable(lines [][]byte) bool {
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("...")) || bytes.HasPrefix(l, []byte("%")) || bytes.HasPrefix(l, []byte("\t")) {
			return false
		}
	}
	return true
}

// pathsSection finds the one top-level "paths:" key whose items are the
// block below it: its line, the line after its section, and its items'
// indentation; start is -1 when there is no such single section.
func pathsSection(lines [][]byte) (start, end, indent int) {
	start, end, indent = -1, len(lines), -1
	for i, l := range lines {
		if !isKeyLine(l, 0) {
			if start >= 0 && end == len(lines) && indent < 0 && !blank(l) {
				indent = len(l) - len(bytes.TrimLeft(l, " "))
			}
			continue
		}
		if start >= 0 && end == len(lines) {
			end = i
		}
		if bytes.HasPrefix(l, []byte("paths:")) {
			if start >= 0 || len(bytes.TrimSpace(l[len("paths:"):])) > 0 {
				return -1, 0, 0 // a repeated key, or a flow mapping
			}
			start = i
		}
	}
	if start < 0 || indent <= 0 {
		return -1, 0, 0
	}
	return start, end, indent
}

// itemLines reports whether lines (the paths section, or the document
// around it) are plainly a block mapping's entries at indent: each line
// blank, a key line at indent, or indented further, which ties it to the
// entry above. Only then does each piece read alone as it reads in the
// whole.
func itemLines(lines [][]byte, indent int) bool {
	entry := false
	for _, l := range lines {
		if blank(l) {
			continue
		}
		n := len(l) - len(bytes.TrimLeft(l, " "))
		if n < indent || n == indent && !isKeyLine(l, indent) || n > indent && !entry {
			return false
		}
		entry = true
	}
	return true
}

// cutPieces cuts lines [from, to) into pieces of about pieceSize bytes,
// each holding a path item (the first starts at from, the others at an
// item's key line).
func cutPieces(lines [][]byte, from, to, indent int) [][2]int {
	var pieces [][2]int
	lo, size, items := from, 0, false
	for i := from; i < to; i++ {
		key := isKeyLine(lines[i], indent)
		if key && items && size >= pieceSize {
			pieces = append(pieces, [2]int{lo, i})
			lo, size = i, 0
		}
		size += len(lines[i])
		items = items || key
	}
	return append(pieces, [2]int{lo, to})
}

// streamPiece parses the path items in lines (the first at line index
// first of the document, whose size is total), indexes them, decodes
// them and lets their tree go; nil when the piece cannot be read alone.
func streamPiece(lines [][]byte, first, total int, b *indexBuilder, mu *sync.Mutex) *piece {
	text := append([]byte("paths:\n"), bytes.Join(lines, nil)...)
	root, err := parseWhole(text)
	if err != nil || len(root.Content) != 2 || root.Content[0].Value != "paths" || root.Content[1].Kind != yaml.MappingNode {
		return nil
	}
	shiftLines(root, first-1) // the piece's line 2 is the document's line first+1
	if prepare(root) != nil || hasMergeOrAlias(root.Content[1]) {
		return nil
	}
	items := root.Content[1]
	p := &piece{paths: &openapi3.Paths{}, kids: make([]int32, 0, len(items.Content)), names: make([]string, 0, len(items.Content)/2)}
	mu.Lock()
	if cap(b.x.nodes) == 0 {
		// The first piece sizes the index for all of them, from its share
		// of the text, with an eighth to spare: grown by doubling, the
		// index allocated four times its size.
		nodes, names := 0, 0
		count(root, &nodes, &names)
		scale := float64(total) / float64(len(text)) * 9 / 8
		b.presize(int(float64(nodes)*scale), int(float64(names)*scale))
	}
	for i := 0; i+1 < len(items.Content); i += 2 {
		k, v, name := b.entry(items.Content[i], items.Content[i+1])
		p.kids, p.names = append(p.kids, k, v), append(p.names, name)
	}
	mu.Unlock()
	if decodeItems(items, 0, len(items.Content), p.paths, true) != nil {
		return nil
	}
	return p
}

// assemble parses what surrounds the paths section, puts the tree and its
// index together, and decodes the rest of the document; nil when it
// cannot.
func assemble(lines [][]byte, start, end int, pieces []*piece, b *indexBuilder) *streamed {
	head, ok := parsePart(lines, 0, start)
	tail, ok2 := parsePart(lines, end, len(lines))
	if !ok || !ok2 {
		return nil
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: tagStr, Value: "paths", Line: start + 1, Column: 1}
	items := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: start + 2, Column: 1}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: key.Line, Column: key.Column}
	if head != nil {
		root.Line, root.Column = head.Line, head.Column
		root.Content = head.Content
	}
	root.Content = append(root.Content, key, items)
	if tail != nil {
		root.Content = append(root.Content, tail.Content...)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "paths" && root.Content[i] != key {
			return nil // a repeated key: the whole decode's error
		}
	}
	b.graft = items
	for _, p := range pieces {
		b.graftKids = append(b.graftKids, p.kids...)
		b.graftNames = append(b.graftNames, p.names...)
	}
	index := b.finish(b.add(root)) // before the decode cuts the tree
	doc, err := decodeDoc(root, true)
	if err != nil {
		return nil
	}
	if doc.Paths == nil { // decoded whole, from the empty paths left here
		doc.Paths = openapi3.NewPaths()
	}
	for _, p := range pieces {
		if !mergeNew(doc.Paths, p.paths) {
			return nil // a path repeated across pieces
		}
	}
	return &streamed{root: root, index: index, doc: doc}
}

// parsePart parses lines [from, to) of the document, at their lines: nil
// for lines that hold nothing.
func parsePart(lines [][]byte, from, to int) (*yaml.Node, bool) {
	if blankLines(lines[from:to]) {
		return nil, true
	}
	n, err := parseWhole(bytes.Join(lines[from:to], nil))
	if err != nil || prepare(n) != nil {
		return nil, false
	}
	shiftLines(n, from)
	return n, true
}

// mergeNew is mergePaths, refusing a path dst has already.
func mergeNew(dst, src *openapi3.Paths) bool {
	for k := range src.Map() {
		if dst.Value(k) != nil {
			return false
		}
	}
	for k := range src.Extensions {
		if _, ok := dst.Extensions[k]; ok {
			return false
		}
	}
	mergePaths(dst, src)
	return true
}

// blankLines reports whether lines hold nothing but blanks and comments.
func blankLines(lines [][]byte) bool {
	for _, l := range lines {
		if !blank(l) {
			return false
		}
	}
	return true
}
