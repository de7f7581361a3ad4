package load

import (
	"strings"

	"go.yaml.in/yaml/v4"
)

// The spec is parsed once, into a yaml v4 node tree that serves both for
// the position index and as kin-openapi's input: its types decode themselves
// from such nodes (openapi3.T implements yaml v4's Unmarshaler). Its own
// loader parses the bytes itself and, before decoding, normalises the tree
// in four ways that prepare repeats here, so that a document loads the same
// either way (openapi3/native_yaml.go, prepareScalars; the JSON documents
// its loader reads with a JSON parser instead are handed to it, see Load;
// only error texts differ, naming a line rather than a JSON pointer):
//
//   - a scalar with an application's own tag (description: !md text) is a
//     string;
//   - a date-shaped scalar is a string, not a time.Time the data model has
//     no room for;
//   - .inf and .nan are refused, having no JSON form;
//   - a mapping key is read as the text written (200: and '200': name the
//     same response), a null key is refused, and an alias used as a key
//     names what its anchor says;
//
// and it refuses an alias that leads back into the node it sits in, which
// would otherwise recurse until the stack is exhausted.

// YAML's tags for the scalars prepare looks at.
const (
	tagStr       = "!!str"
	tagNull      = "!!null"
	tagFloat     = "!!float"
	tagTimestamp = "!!timestamp"
	tagMerge     = "!!merge"
)

// prepare normalises the tree under n in place; positions are unchanged.
func prepare(n *yaml.Node) error {
	aliases := false
	if err := prepareNode(n, &aliases); err != nil {
		return err
	}
	if aliases {
		return checkAliasCycles(n)
	}
	return nil
}

func prepareNode(n *yaml.Node, aliases *bool) error {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		*aliases = true
	case yaml.ScalarNode:
		if (strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")) || n.Tag == tagTimestamp {
			n.Tag = tagStr
		}
		if n.Tag == tagFloat {
			switch strings.ToLower(strings.TrimLeft(n.Value, "+-")) {
			case ".inf", ".nan":
				return errAt(n, "%s has no JSON representation", n.Value)
			}
		}
	case yaml.MappingNode:
		if err := nameKeys(n); err != nil {
			return err
		}
	}
	for _, c := range n.Content {
		if err := prepareNode(c, aliases); err != nil {
			return err
		}
	}
	return nil
}

// nameKeys makes every key of mapping n the string it is written as.
func nameKeys(n *yaml.Node) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Tag == tagMerge || (k.Value == "<<" && k.Style == 0 && (k.Tag == "" || k.Tag == tagStr)) {
			continue
		}
		if k.Kind == yaml.AliasNode && k.Alias != nil && k.Alias.Kind == yaml.ScalarNode {
			// A copy, so that the anchor's own use keeps its type; at the
			// alias's place, where the member is declared.
			named := *k.Alias
			named.Anchor = ""
			named.Line, named.Column = k.Line, k.Column
			n.Content[i], k = &named, &named
		}
		if k.Kind == yaml.MappingNode || k.Kind == yaml.SequenceNode {
			return errAt(k, "a mapping key is a %s: a key is a name, written as text", map[bool]string{true: "mapping", false: "list"}[k.Kind == yaml.MappingNode])
		}
		if k.Kind != yaml.ScalarNode || k.Tag == tagStr {
			continue
		}
		if k.Tag == tagNull {
			return errAt(k, "mapping key is null, so it names nothing")
		}
		k.Tag = tagStr
	}
	return nil
}

// checkAliasCycles refuses an alias that leads back to a node it sits in,
// such as e: &a {properties: {p: *a}}, walking each node once.
func checkAliasCycles(root *yaml.Node) error {
	const (
		onPath = iota + 1
		done
	)
	state := map[*yaml.Node]uint8{}
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		switch state[n] {
		case onPath:
			return errAt(n, "anchor %q contains an alias of itself", n.Anchor)
		case done:
			return nil
		}
		state[n] = onPath
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			if err := walk(n.Alias); err != nil {
				return err
			}
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		state[n] = done
		return nil
	}
	return walk(root)
}
