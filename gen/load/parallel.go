package load

import (
	"bytes"
	"errors"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// Loading is most of a large spec's generation time and a YAML parser is
// sequential, so a large document is parsed in two pieces on two cores, and
// decoded into kin-openapi's types a part at a time beside each other. Both
// are shortcuts with a way back: any doubt (a piece that does not parse, a
// document marker, an unexpected shape) falls back to parsing or decoding
// the document whole, which also gives the error a reader should see.

// minSplit is the size below which a document is parsed whole: the bundled
// spec parses in a few milliseconds, and splitting costs a copy.
const minSplit = 256 << 10

// parseRoot parses data into its top-level mapping node.
func parseRoot(data []byte) (*yaml.Node, error) {
	if len(data) >= minSplit && runtime.GOMAXPROCS(0) > 1 {
		if root := parseSplit(data); root != nil {
			return root, nil
		}
	}
	return parseWhole(data)
}

// parseWhole is the plain parse.
func parseWhole(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the spec is not a YAML mapping")
	}
	return doc.Content[0], nil
}

// parseSplit cuts the document at a key line near its middle and parses
// the halves concurrently. The cut is at a line that starts a key of the
// top-level mapping, or of the mapping under the top-level key whose
// section holds the middle (paths, usually), at that mapping's
// indentation; the second half is then parsed under a copy of the
// section's key line. It returns nil when it cannot split safely.
func parseSplit(data []byte) *yaml.Node {
	if otherBreaks(data) {
		return nil // line numbers would not follow the "\n"s the halves are cut at
	}
	if !plainUTF8(data) {
		return nil
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if !splittable(lines) {
		return nil // directives, several documents, or tabs: parse whole
	}
	cut, section := cutLine(lines, len(data)/2)
	if cut <= 0 {
		return nil
	}
	first := bytes.Join(lines[:cut], nil)
	second := bytes.Join(lines[cut:], nil)
	header := 0
	if section >= 0 {
		second = append(append([]byte{}, lines[section]...), second...)
		header = 1
	}
	var a, b *yaml.Node
	var errA, errB error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b, errB = parseWhole(second)
	}()
	a, errA = parseWhole(first)
	wg.Wait()
	if errA != nil || errB != nil {
		return nil
	}
	// Lines of the second half count from the cut; a copied section key
	// line comes first and is not counted.
	shiftLines(b, cut-header)
	if section < 0 {
		a.Content = append(a.Content, b.Content...)
		return a
	}
	// The section is the first half's last key and the second's first.
	na, nb := len(a.Content), len(b.Content)
	if na < 2 || nb < 2 || a.Content[na-2].Value != b.Content[0].Value ||
		a.Content[na-1].Kind != yaml.MappingNode || b.Content[1].Kind != yaml.MappingNode {
		return nil
	}
	a.Content[na-1].Content = append(a.Content[na-1].Content, b.Content[1].Content...)
	a.Content = append(a.Content, b.Content[2:]...)
	return a
}

// cutLine finds the first key line at or after byte offset mid: a line of
// the top-level mapping (section -1), or one at the child indentation of
// the top-level section holding mid (section is its key line's index).
func cutLine(lines [][]byte, mid int) (cut, section int) {
	section, indent, off := -1, -1, 0
	for i, l := range lines {
		if isKeyLine(l, 0) {
			if off >= mid && i > 0 {
				return i, -1
			}
			section, indent = -1, -1
			if rest := bytes.TrimSpace(l[bytes.IndexByte(l, ':')+1:]); len(rest) == 0 {
				section = i // a key whose value is the block below it
			}
		} else if section >= 0 && indent < 0 && !blank(l) {
			indent = len(l) - len(bytes.TrimLeft(l, " "))
		}
		if off >= mid && section >= 0 && indent > 0 && i > section+1 && isKeyLine(l, indent) {
			return i, section
		}
		off += len(l)
	}
	return -1, -1
}

// isKeyLine reports whether l starts a plain or quoted mapping key at
// exactly indent spaces: not a comment, a sequence item or a continuation.
func isKeyLine(l []byte, indent int) bool {
	if len(l) <= indent || bytes.Count(l[:indent], []byte(" ")) != indent {
		return false
	}
	switch c := l[indent]; {
	case c == ' ', c == '#', c == '-' && len(l) > indent+1 && l[indent+1] == ' ', c == '\n', c == '\r':
		return false
	case c == '[', c == '{', c == '|', c == '>', c == '&', c == '*', c == '!', c == '?', c == ':':
		// flow collections, block scalars, node properties, and both lines
		// of an explicit "? key" / ": value" entry
		return false
	}
	return bytes.Contains(l, []byte(":"))
}

// otherBreaks reports whether data breaks lines other than with "\n" (or
// "\r\n"), as YAML also does at a lone "\r", U+0085, U+2028 and U+2029.
func otherBreaks(data []byte) bool {
	for _, br := range []string{"\u0085", "\u2028", "\u2029"} {
		if bytes.Contains(data, []byte(br)) {
			return true
		}
	}
	return bytes.Count(data, []byte("\r")) != bytes.Count(data, []byte("\r\n"))
}

// plainUTF8 reports whether data reads the same cut into lines: it is
// UTF-8 with no byte-order mark but at its very start. YAML takes a BOM
// that starts a text as the text's encoding (UTF-16 too) and any other as
// part of the text, so a piece starting with one, or a UTF-16 document
// whose lines happen to be readable alone, would read otherwise.
func plainUTF8(data []byte) bool {
	return utf8.Valid(data) && !bytes.Contains(data[min(3, len(data)):], []byte("\ufeff"))
}

// blank reports whether l holds nothing but spaces or a comment.
func blank(l []byte) bool {
	t := bytes.TrimSpace(l)
	return len(t) == 0 || t[0] == '#'
}

// shiftLines adds n to the line of every node under root. Content makes a
// tree (an alias points at its anchor through Alias, not Content), so each
// node is reached once.
func shiftLines(root *yaml.Node, n int) {
	root.Line += n
	for _, c := range root.Content {
		shiftLines(c, n)
	}
}

// decodeDoc decodes the tree into kin-openapi's document. The paths and
// the components, nearly all of a large spec, are decoded beside the rest,
// the paths in as many parts as there are cores, and put together as the
// whole decode would; a document with merge keys or aliases at those
// levels is decoded whole.
//
// With release, each batch of path items is cut from the tree once it is
// decoded, and the components once they are, so that the tree shrinks as
// the document grows rather than both being alive at their full size (on
// 2,000 operations they were 82 and 45 MB). The tree is then no use for
// anything else, an error included: it comes back as errReleased, for the
// caller to parse the spec again and decode it whole.
func decodeDoc(root *yaml.Node, release bool) (*openapi3.T, error) {
	doc := &openapi3.T{}
	var pathsNode, compNode *yaml.Node
	twice := false
	rest := *root
	rest.Content = nil
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Value == "paths":
			twice = twice || pathsNode != nil
			pathsNode = v
		case k.Value == "components":
			twice = twice || compNode != nil
			compNode = v
		default:
			rest.Content = append(rest.Content, k, v)
		}
	}
	parts := runtime.GOMAXPROCS(0)
	// A repeated key is the whole decode's error to report.
	if twice || pathsNode == nil || compNode == nil || pathsNode.Kind != yaml.MappingNode || compNode.Kind != yaml.MappingNode ||
		parts < 2 || hasMergeOrAlias(root) || hasMergeOrAlias(pathsNode) {
		return doc, root.Decode(doc)
	}
	// Path items in parts of whole items.
	n := len(pathsNode.Content) / 2
	chunks := make([]*openapi3.Paths, parts)
	errs := make([]error, parts+2)
	comps := &openapi3.Components{}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := 2*(n*p/parts), 2*(n*(p+1)/parts)
		chunks[p] = &openapi3.Paths{}
		wg.Go(func() { errs[p] = decodeItems(pathsNode, lo, hi, chunks[p], release) })
	}
	wg.Go(func() {
		if errs[parts] = compNode.Decode(comps); release {
			compNode.Content = nil
		}
	})
	errs[parts+1] = rest.Decode(doc)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			if release {
				return nil, errReleased
			}
			// Report what the whole decode says, as the plain load would.
			whole := &openapi3.T{}
			return whole, root.Decode(whole)
		}
	}
	paths := openapi3.NewPaths()
	for _, c := range chunks {
		mergePaths(paths, c)
	}
	doc.Paths, doc.Components = paths, comps
	return doc, nil
}

// errReleased is decodeDoc's error when it cut the tree as it went and
// found a problem: the tree cannot say what or where.
var errReleased = errors.New("the spec's tree was released while decoding")

// releaseBatch is how many path items are decoded at a time when the tree
// is cut as it is decoded: enough that a batch's fixed cost is small, few
// enough that a batch's nodes are a small part of the tree.
const releaseBatch = 64

// decodeItems decodes the path items in paths.Content[lo:hi] into dst, a
// batch at a time, cutting each batch from the tree when release is set.
func decodeItems(paths *yaml.Node, lo, hi int, dst *openapi3.Paths, release bool) error {
	for lo < hi {
		end := min(lo+2*releaseBatch, hi)
		part := *paths
		part.Content = paths.Content[lo:end]
		batch := &openapi3.Paths{}
		if err := part.Decode(batch); err != nil {
			return err
		}
		mergePaths(dst, batch)
		if release {
			clear(paths.Content[lo:end])
		}
		lo = end
	}
	return nil
}

// mergePaths adds src's path items and extensions to dst.
func mergePaths(dst, src *openapi3.Paths) {
	for k, v := range src.Map() {
		dst.Set(k, v)
	}
	for k, v := range src.Extensions {
		if dst.Extensions == nil {
			dst.Extensions = map[string]any{}
		}
		dst.Extensions[k] = v
	}
}

// hasMergeOrAlias reports whether mapping n has a merge key or an alias
// among its own keys and values, which would tie its parts together.
func hasMergeOrAlias(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Kind == yaml.AliasNode || c.Tag == tagMerge || (c.Value == "<<" && c.Style == 0) {
			return true
		}
	}
	return false
}
