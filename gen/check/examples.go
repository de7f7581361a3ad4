package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/conformrt"
	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// checkExamples judges every example of the spec the way the generated
// conformance suite judges a server: a response example's x-pegasus-body
// with the suite's own body checks (format byte for byte, schema, table
// strings, row keys), against its value; a request example's status
// against what the server answers its arguments before the handler runs;
// and the parameters' error texts against the documented 400 texts. An
// example the generator accepts is thus an exchange the suite accepts.
func checkExamples(l *diag.List, api *ir.API) {
	done := map[*ir.Operation]bool{}
	for _, role := range api.Roles {
		tables := emit.ConformTables(api, role)
		for i, op := range role.Operations {
			if done[op] {
				continue
			}
			done[op] = true
			ex := &exampleChecker{l: l, op: op, tables: tables, cf: tables.Ops[i]}
			for j, r := range op.Responses {
				for _, e := range r.Examples {
					ex.response(r, ex.cf.Responses[j], e)
				}
			}
			ex.errorTexts()
			for n, e := range op.Examples {
				ex.request(n, e)
			}
		}
	}
}

// exampleChecker checks the examples of one operation.
type exampleChecker struct {
	l      *diag.List
	op     *ir.Operation
	tables *conformrt.API
	cf     *conformrt.Op
}

// response checks one response example: its body as the suite would check
// the server's, and that the body and the value say the same.
func (c *exampleChecker) response(r *ir.Response, cf *conformrt.Response, e *ir.Example) {
	subj := fmt.Sprintf("%s: response %d: example %s", subject(c.op), r.Status, e.Name)
	if !e.HasBody {
		if r.Format == ir.FormatTable || r.Format == ir.FormatPretty4 {
			// The value has lost the written order of its members: only
			// the bytes can say it.
			c.l.Add(e.Pos, subj, "has no x-pegasus-body: a %s body keeps its members in the order written, which only the exact bytes show (add them)", r.Format)
		}
		return
	}
	for _, p := range conformrt.CheckBody(c.tables, cf, []byte(e.Value)) {
		c.l.Add(e.BodyPos, subj, "x-pegasus-body: %s (correct the body: it is what the server sends)", p)
	}
	if e.ValueJSON == "" {
		return
	}
	var value any
	if err := decodeNumbers([]byte(e.ValueJSON), &value); err != nil {
		return
	}
	if s, ok := value.(string); ok && (!r.Format.IsJSON() || cf.OrText && !looksJSON(e.Value)) {
		if s != e.Value {
			c.l.Add(e.BodyPos, subj, "x-pegasus-body %q is not the value %q: make them the same text", clip(e.Value), clip(s))
		}
		return
	}
	if !r.Format.IsJSON() {
		return
	}
	var body any
	if err := decodeNumbers([]byte(e.Value), &body); err != nil {
		return // reported by CheckBody
	}
	if where, b, v := firstDifference("", body, value); where != "" || b != v {
		if where == "" {
			where = "/"
		}
		c.l.Add(e.BodyPos, subj, "x-pegasus-body and value differ at %s: the body has %s, the value %s (make them say the same)", where, b, v)
	}
}

// looksJSON reports whether a body of a JSON-or-text response is the JSON.
func looksJSON(s string) bool {
	return s != "" && (s[0] == '{' || s[0] == '[' || s == "null")
}

// decodeNumbers decodes JSON keeping numbers as written.
func decodeNumbers(data []byte, v *any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

// firstDifference is the JSON pointer of the first place where a and b
// differ, with what each has there ("none" for a missing member); "" and
// two equal texts when they are the same. Numbers are compared by value
// (the YAML value 5.0 is the body's 5.0).
func firstDifference(at string, a, b any) (string, string, string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for _, k := range slices.Sorted(mapsKeys(keys)) {
			av, ain := am[k]
			bv, bin := bm[k]
			p := at + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
			switch {
			case !ain:
				return p, "none", show(bv)
			case !bin:
				return p, show(av), "none"
			}
			if w, x, y := firstDifference(p, av, bv); w != "" || x != y {
				return w, x, y
			}
		}
		return "", "", ""
	}
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok && bok {
		for i := range min(len(as), len(bs)) {
			if w, x, y := firstDifference(fmt.Sprintf("%s/%d", at, i), as[i], bs[i]); w != "" || x != y {
				return w, x, y
			}
		}
		if len(as) != len(bs) {
			return at, fmt.Sprintf("%d items", len(as)), fmt.Sprintf("%d items", len(bs))
		}
		return "", "", ""
	}
	if an, ok := a.(json.Number); ok {
		if bn, ok := b.(json.Number); ok && sameNumber(an, bn) {
			return "", "", ""
		}
	} else if fmt.Sprintf("%T %v", a, a) == fmt.Sprintf("%T %v", b, b) {
		return "", "", ""
	}
	return at, show(a), show(b)
}

func mapsKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// sameNumber compares two JSON numbers by value.
func sameNumber(a, b json.Number) bool {
	x, okx := new(big.Float).SetPrec(256).SetString(string(a))
	y, oky := new(big.Float).SetPrec(256).SetString(string(b))
	return okx && oky && x.Cmp(y) == 0
}

// show is a JSON value as a diagnostic names it.
func show(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	data, _ := json.Marshal(v)
	return clip(string(data))
}

// clip shortens a text for a diagnostic.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
