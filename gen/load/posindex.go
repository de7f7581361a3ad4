package load

import (
	"slices"

	"go.yaml.in/yaml/v4"
)

// posIndex is the position index the spec keeps once kin-openapi has
// decoded it: each node's kind and place, its children, and each mapping's
// key texts, in flat slices. The YAML tree it is made from costs about 170
// bytes a node (a 2,000-operation spec has half a million nodes, 82 MB,
// twice its decoded document), and was the largest thing alive while the
// IR was built; the index is a tenth of that and answers the same
// pointers.
//
// Aliases are resolved when the index is made: an alias keeps its own
// place and takes its anchor's children, so a pointer through an alias
// walks into what it names, as the tree walk did.
type posIndex struct {
	root  int32 // the document's top-level mapping
	nodes []posNode
	kids  []int32                    // each node's children's ids, contiguous; a mapping's alternate key, value
	names []string                   // each mapping's key texts, contiguous (interned: keys repeat)
	keys  map[int32]map[string]int32 // a large mapping's keys, made on first use (under Spec.mu)
}

// posNode is one node: where it is and where its children are.
type posNode struct {
	line, col int32
	first     int32 // its children are kids[first : first+n]; a mapping's names start at name
	n         int32
	name      int32
	kind      yaml.Kind
}

// mapFrom is the number of keys from which a mapping's lookups go through
// a map (made on first use) rather than a scan of its names.
const mapFrom = 12

// newPosIndex indexes the tree under root.
func newPosIndex(root *yaml.Node) *posIndex {
	nodes, names := 0, 0
	count(root, &nodes, &names)
	b := newIndexBuilder()
	b.presize(nodes, names)
	return b.finish(b.add(root))
}

// indexBuilder holds what making an index needs and the index does not.
// Its tree may come in parts (see loadStream): a mapping whose entries
// were indexed before it, graft, takes them as its children.
type indexBuilder struct {
	x       *posIndex
	ids     map[*yaml.Node]int32 // anchored nodes, for the aliases that name them
	aliases map[int32]*yaml.Node
	intern  map[string]string

	graft      *yaml.Node
	graftKids  []int32 // key, value ids
	graftNames []string
}

func newIndexBuilder() *indexBuilder {
	return &indexBuilder{x: &posIndex{}, ids: map[*yaml.Node]int32{}, intern: map[string]string{}}
}

// presize makes room for an index of about so many nodes and keys.
func (b *indexBuilder) presize(nodes, names int) {
	x := b.x
	x.nodes, x.kids, x.names = slices.Grow(x.nodes, nodes), slices.Grow(x.kids, nodes), slices.Grow(x.names, names)
}

// add indexes n and what is under it, and returns n's id. A node's
// children's ids are reserved before they are added, so that each node's
// kids are contiguous.
func (b *indexBuilder) add(n *yaml.Node) int32 {
	x := b.x
	id := int32(len(x.nodes))
	x.nodes = append(x.nodes, posNode{line: int32(n.Line), col: int32(n.Column), kind: n.Kind})
	if n.Anchor != "" {
		b.ids[n] = id
	}
	switch {
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		if b.aliases == nil {
			b.aliases = map[int32]*yaml.Node{}
		}
		b.aliases[id] = n.Alias
	case n == b.graft:
		x.nodes[id].first, x.nodes[id].n, x.nodes[id].name = int32(len(x.kids)), int32(len(b.graftKids)), int32(len(x.names))
		x.kids = append(x.kids, b.graftKids...)
		x.names = append(x.names, b.graftNames...)
	case len(n.Content) > 0:
		first := len(x.kids)
		x.kids = slices.Grow(x.kids, len(n.Content))[:first+len(n.Content)]
		if n.Kind == yaml.MappingNode {
			x.nodes[id].name = int32(len(x.names))
			for i := 0; i+1 < len(n.Content); i += 2 {
				x.names = append(x.names, b.interned(n.Content[i].Value))
			}
		}
		for i, c := range n.Content {
			x.kids[first+i] = b.add(c)
		}
		x.nodes[id].first, x.nodes[id].n = int32(first), int32(len(n.Content))
	}
	return id
}

// entry indexes one key and value of a mapping ahead of the mapping
// itself (see graft), and returns their ids and the key's text.
func (b *indexBuilder) entry(k, v *yaml.Node) (key, val int32, name string) {
	return b.add(k), b.add(v), b.interned(k.Value)
}

// finish resolves the aliases and returns the index of the tree whose
// root has id root.
func (b *indexBuilder) finish(root int32) *posIndex {
	x := b.x
	x.root, x.keys = root, map[int32]map[string]int32{}
	for id, target := range b.aliases {
		if t, ok := b.ids[target]; ok {
			at := &x.nodes[id] // keeps its own place: a list item's place is the alias's
			at.kind, at.first, at.n, at.name = x.nodes[t].kind, x.nodes[t].first, x.nodes[t].n, x.nodes[t].name
		}
	}
	return x
}

// count counts the nodes under n, and the keys of its mappings, which
// the index is sized for at once.
func count(n *yaml.Node, nodes, names *int) {
	*nodes++
	if n.Kind == yaml.AliasNode {
		return
	}
	if n.Kind == yaml.MappingNode {
		*names += len(n.Content) / 2
	}
	for _, c := range n.Content {
		count(c, nodes, names)
	}
}

// interned is s, shared with every equal key text before it.
func (b *indexBuilder) interned(s string) string {
	if t, ok := b.intern[s]; ok {
		return t
	}
	b.intern[s] = s
	return s
}

// child is the value under key tok of mapping id, with the key's id: the
// first such key, as a YAML reader sees the first of duplicates. A large
// mapping's map of keys is made on first use, so callers serialise.
func (x *posIndex) child(id int32, tok string) (key, val int32, ok bool) {
	nd := &x.nodes[id]
	pairs := int(nd.n) / 2
	names := x.names[nd.name : int(nd.name)+pairs]
	i := -1
	if pairs < mapFrom {
		for j, name := range names {
			if name == tok {
				i = j
				break
			}
		}
	} else {
		m, made := x.keys[id]
		if !made {
			m = make(map[string]int32, pairs)
			for j := len(names) - 1; j >= 0; j-- { // the first of duplicates wins
				m[names[j]] = int32(j)
			}
			x.keys[id] = m
		}
		if j, found := m[tok]; found {
			i = int(j)
		}
	}
	if i < 0 {
		return 0, 0, false
	}
	at := int(nd.first) + 2*i
	return x.kids[at], x.kids[at+1], true
}
