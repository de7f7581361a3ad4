package conformrt

import (
	"math"
	"strconv"
	"strings"
)

// cfBodyCase is a request body the server must refuse, and the text it must
// refuse it with.
type cfBodyCase struct {
	name string
	body string
	want string
}

// bodyVariants derive refused bodies from a valid one: not JSON, not an
// object, each field of the wrong JSON type, a field missing (alone, and
// next to an unknown member), and each field's validation rule broken. Which text each
// must get is not guessed: bodyOutcome works it out with the decoding and
// validation rules of the real server (json_helper, then the rules in the
// order written), so a variant the server must accept is left out.
func (r *cfRun) bodyVariants(b *cfBody, valid string) []cfBodyCase {
	s := r.resolve(b.Schema)
	var out []cfBodyCase
	try := func(name, body string) {
		if want, refused := r.bodyOutcome(b, body); refused {
			out = append(out, cfBodyCase{name: name, body: body, want: want})
		}
	}
	try("empty", "")
	try("not JSON", "{")
	try("not an object", "[]")
	base, err := cfParse([]byte(valid))
	if err != nil || base.Kind != '{' || s == nil {
		return out
	}
	for _, f := range s.Fields {
		fs := r.resolve(f.Schema)
		wrong := `"conform"`
		if fs != nil && fs.Kind == cfString {
			wrong = "1"
		}
		try(f.Name+" of the wrong type", cfSetMember(base, f.Name, wrong))
		try(f.Name+" missing, with an unknown member", cfSetMember(cfDropMember(base, f.Name), cfUnknownArg, "1"))
		// Absent alone: json_helper leaves it zero, which its own rule
		// may refuse (a required member).
		try(f.Name+" missing", string(cfRender(cfDropMember(base, f.Name), cfCompact)))
		switch {
		case len(f.Enum) > 0:
			try(f.Name+" not one of "+strings.Join(f.Enum, ", "), cfSetMember(base, f.Name, `"conform_other"`))
		case f.MinLength > 0:
			try(f.Name+" too short", cfSetMember(base, f.Name, `""`))
		case f.HasMin && f.Min > math.MinInt32:
			try(f.Name+" below the minimum", cfSetMember(base, f.Name, strconv.FormatInt(f.Min-1, 10)))
		}
		if f.WhenField != "" {
			if cond, err := cfParse([]byte(cfSetMember(base, f.WhenField, cfQuote(f.WhenValue)))); err == nil {
				try(f.Name+" empty when "+f.WhenField+" is "+f.WhenValue, cfSetMember(cond, f.Name, `""`))
			}
		}
	}
	return out
}

// resolve follows a schema's reference to its named type.
func (r *cfRun) resolve(s *cfSchema) *cfSchema { return (&cfValidator{api: r.api}).resolve(s) }

// cfSetMember is n written compactly with member k set to the JSON value v.
func cfSetMember(n *cfNode, k, v string) string {
	m := cfNodeFrom(n)
	if node, err := cfParse([]byte(v)); err == nil {
		for i, key := range m.Keys {
			if key == k {
				m.Items[i] = node
				return string(cfRender(m, cfCompact))
			}
		}
		m.Keys, m.RawKeys, m.Items = append(m.Keys, k), append(m.RawKeys, []byte(cfQuote(k))), append(m.Items, node)
	}
	return string(cfRender(m, cfCompact))
}

// cfDropMember is n without member k.
func cfDropMember(n *cfNode, k string) *cfNode {
	m := &cfNode{Kind: '{'}
	for i, key := range n.Keys {
		if key != k {
			m.Keys, m.RawKeys, m.Items = append(m.Keys, key), append(m.RawKeys, n.RawKeys[i]), append(m.Items, n.Items[i])
		}
	}
	return m
}

// cfNodeFrom is a copy of an object node that can be changed.
func cfNodeFrom(n *cfNode) *cfNode {
	return &cfNode{Kind: n.Kind, Keys: append([]string(nil), n.Keys...), RawKeys: append([][]byte(nil), n.RawKeys...), Items: append([]*cfNode(nil), n.Items...)}
}

// bodyOutcome is what the real server answers a body: decoding as
// json_helper does (an object; a present listed field of exactly its type;
// every listed field present, or no unknown member), then each field's
// rules in the order written, absent fields being zero.
func (r *cfRun) bodyOutcome(b *cfBody, body string) (string, bool) {
	n, err := cfParse([]byte(body))
	if err != nil || n.Kind != '{' {
		return b.Invalid, true
	}
	s := r.resolve(b.Schema)
	if s == nil {
		return "", false
	}
	parsed := 0
	values := map[string]string{}
	for _, f := range s.Fields {
		m := n.member(f.Name)
		if m == nil {
			continue
		}
		parsed++
		fs := r.resolve(f.Schema)
		v, ok := cfDecodeExact(m, fs)
		if !ok {
			return b.Invalid, true
		}
		values[f.Name] = v
	}
	if parsed != len(s.Fields) && parsed != len(n.Keys) {
		return b.Invalid, true
	}
	for _, f := range s.Fields {
		v, present := values[f.Name]
		if !present {
			fs := r.resolve(f.Schema)
			if fs != nil && fs.Kind != cfString {
				v = "0"
			}
		}
		if f.MinLength > 0 && len(v) < f.MinLength {
			return f.Invalid, true
		}
		if len(f.Enum) > 0 && !cfIn(v, f.Enum) {
			return f.Invalid, true
		}
		if f.HasMin {
			if i, err := strconv.ParseInt(v, 10, 64); err == nil && i < f.Min {
				return f.Invalid, true
			}
		}
		if f.WhenField != "" && values[f.WhenField] == f.WhenValue && v == "" {
			return f.Invalid, true
		}
	}
	return "", false
}

// cfDecodeExact decodes a member that must have exactly its JSON type, as
// json_helper reads it: strings as strings; integers without fraction or
// exponent, in range; booleans as true, false or an int32.
func cfDecodeExact(m *cfNode, s *cfSchema) (string, bool) {
	if s == nil {
		return m.text(), true
	}
	switch s.Kind {
	case cfString:
		if m.Kind != '"' {
			return "", false
		}
		return m.Str, true
	case cfBool:
		switch m.Kind {
		case 't':
			return "true", true
		case 'f':
			return "false", true
		case '0':
			if i, err := strconv.ParseInt(string(m.Raw), 10, 32); err == nil {
				return strconv.FormatBool(i != 0), true
			}
		}
		return "", false
	case cfInt32, cfInt64:
		if m.Kind != '0' {
			return "", false
		}
		bits := 64
		if s.Kind == cfInt32 {
			bits = 32
		}
		i, err := strconv.ParseInt(string(m.Raw), 10, bits)
		if err != nil {
			return "", false
		}
		return strconv.FormatInt(i, 10), true
	}
	return m.text(), true
}

func cfIn(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
