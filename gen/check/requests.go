package check

import (
	"fmt"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/conformrt"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
)

// verdict is what the server answers a request before its handler runs,
// decided from the spec alone: status 400 with text, or 0 when the
// arguments and the body pass and the handler decides.
type verdict struct {
	status int
	text   string
	why    string
}

// request checks one request example's status against what the server
// answers its arguments and body (the order of checks in CONVENTIONS:
// unknown arguments, each parameter in the order written, the body), and
// that a 400 it gets is one the 400 response documents.
func (c *exampleChecker) request(n int, e *ir.RequestExample) {
	subj := fmt.Sprintf("%s: example %d (query %q)", subject(c.op), n, e.Query)
	v := c.predict(e)
	switch {
	case v.status == 400 && e.Status != 400 && !c.answeredFirst(e.Status):
		c.l.Add(e.Pos, subj, "marked %d, but the server answers it 400 %q before the handler runs: %s (mark it 400, or correct the request)", e.Status, v.text, v.why)
	case v.status == 400 && e.Status == 400:
		if p := c.undocumented400(v.text); p != "" {
			c.l.Add(e.Pos, subj, "the server answers it 400 %q (%s), which the 400 response does not document: %s (add the text to the 400 response)", v.text, v.why, p)
		}
		if body := c.errorBody(v.text); e.Answer != nil && *e.Answer != body {
			c.l.Add(e.Pos, subj, "answer %q, but the server answers it 400 %q (%s): name the example of that body", *e.Answer, body, v.why)
		}
	}
	// A 400 example whose arguments pass is not decided here: the handler
	// may answer 400 itself.
}

// answeredFirst reports whether status is what the server may answer
// before it looks at the arguments: the guard's status, or a redirect.
func (c *exampleChecker) answeredFirst(status int) bool {
	return c.op.Guard != nil && status == c.op.Guard.Status || status == 307 && c.op.Redirect != ir.NoRedirect
}

// predict decides what the server answers e before its handler runs.
func (c *exampleChecker) predict(e *ir.RequestExample) verdict {
	op := c.op
	args, err := pegasusrt.ParseQuery(e.Query)
	if err != nil {
		return verdict{400, err.Error(), "the query does not parse"}
	}
	params := map[string]bool{}
	freeForm := false
	for _, p := range op.Params {
		params[p.Name] = true
		freeForm = freeForm || p.Kind == ir.FreeFormParam
	}
	if op.RejectUnknown && !freeForm {
		for _, a := range args {
			if !params[a.Key] {
				return verdict{400, expand(op.UnknownBody, a.Key, a.Value), fmt.Sprintf("%q is not a parameter, and the operation rejects unknown arguments", a.Key)}
			}
		}
	}
	for _, p := range op.Params {
		if v := paramVerdict(p, args); v.status != 0 {
			return v
		}
	}
	if text, bad := conformrt.BodyOutcome(c.tables, c.cf, e.Body); bad {
		return verdict{400, text, "the request body is refused"}
	}
	return verdict{}
}

// paramVerdict is what binding p from args answers, as the generated
// server binds it (gen/emit/bind.go).
func paramVerdict(p *ir.Param, args []pegasusrt.Arg) verdict {
	var a pegasusrt.Arg
	present := false
	for _, x := range args {
		if x.Key == p.Name {
			a, present = x, true
		}
	}
	switch p.Kind {
	case ir.PairsParam:
		if present && len(pegasusrt.SplitList(a.Value))%2 != 0 && p.Invalid != nil {
			return verdict{400, expand(*p.Invalid, a.Key, a.Value), fmt.Sprintf("%q is an odd count of name,value items", a.Value)}
		}
		return verdict{}
	case ir.ValueParam:
	default:
		return verdict{}
	}
	switch {
	case !present && p.Required && p.Missing != nil:
		return verdict{400, *p.Missing, fmt.Sprintf("required parameter %q is absent", p.Name)}
	case !present:
		return verdict{}
	case a.Value == "" && p.Required && p.Missing != nil && p.Empty != nil && *p.Missing == *p.Empty:
		return verdict{400, *p.Missing, fmt.Sprintf("parameter %q is empty", p.Name)}
	case a.Value == "" && p.Empty != nil:
		return verdict{400, *p.Empty, fmt.Sprintf("parameter %q is empty", p.Name)}
	case !validValue(p, a.Value) && !p.IgnoreInvalid && p.Invalid != nil:
		return verdict{400, expand(*p.Invalid, a.Key, a.Value), fmt.Sprintf("%q is not a valid %s", a.Value, paramKind(p))}
	}
	return verdict{}
}

// validValue reports whether the server accepts v for p: it parses, and
// is not below the minimum.
func validValue(p *ir.Param, v string) bool {
	bits := 64
	if p.Type.Kind == ir.Int32 || p.Type.Kind == ir.Uint32 {
		bits = 32
	}
	switch p.Type.Kind {
	case ir.Int32, ir.Int64:
		n, ok := pegasusrt.ParseInt(v, bits)
		return ok && (p.Min == nil || n >= *p.Min)
	case ir.Uint32, ir.Uint64:
		n, ok := pegasusrt.ParseUint(v, bits)
		return ok && (p.Min == nil || *p.Min <= 0 || n >= uint64(*p.Min))
	case ir.Bool:
		_, ok := pegasusrt.ParseBool(v)
		return ok
	case ir.Float64:
		_, ok := pegasusrt.ParseDouble(v)
		return ok
	}
	return true
}

// paramKind names the values a parameter takes, for diagnostics.
func paramKind(p *ir.Param) string {
	s := kindText(p.Type.Kind)
	if p.Min != nil {
		s += fmt.Sprintf(" of at least %d", *p.Min)
	}
	return s
}

// expand fills an error template as the server does.
func expand(tmpl, name, value string) string {
	return strings.NewReplacer("{name}", name, "{value}", value).Replace(tmpl)
}

// errorBody is the 400 body of an error text in the operation's
// error-format: the text, or {"error_message": text} in the pretty4 format.
func (c *exampleChecker) errorBody(text string) string {
	if c.op.ErrorFormat != ir.ErrorJSON {
		return text
	}
	j := pegasusrt.NewJSON(pegasusrt.Pretty4)
	j.BeginObject()
	j.Key("error_message")
	j.String(text)
	j.EndObject()
	return string(j.Bytes())
}

// response400 is the operation's documented 400, as the suite reads it,
// when its body is text (error-format text).
func (c *exampleChecker) response400() *conformrt.Response {
	if c.op.ErrorFormat != ir.ErrorText {
		return nil
	}
	for j, r := range c.op.Responses {
		if r.Status == 400 && r.Format == ir.FormatText {
			return c.cf.Responses[j]
		}
	}
	return nil
}

// undocumented400 is why text is not a documented 400 body, or "".
func (c *exampleChecker) undocumented400(text string) string {
	r := c.response400()
	if r == nil {
		return ""
	}
	if p := conformrt.CheckBody(c.tables, r, []byte(text)); len(p) > 0 {
		return p[0]
	}
	return ""
}

// errorTexts checks the fixed 400 texts of the parameters (missing, empty,
// invalid, the unknown-argument text) against the 400 response: the
// documented enum or pattern must hold each, or a client reading the 400
// meets a text the spec says cannot come. Texts with {name} or {value}
// are checked through the request examples that produce them.
func (c *exampleChecker) errorTexts() {
	if c.response400() == nil {
		return
	}
	check := func(pos ir.Pos, what string, text *string) {
		if text == nil || strings.Contains(*text, "{value}") || strings.Contains(*text, "{name}") {
			return
		}
		if p := c.undocumented400(*text); p != "" {
			c.l.Add(pos, subject(c.op), "%s %q is not a documented 400 body: %s (add it to the 400 response's enum or pattern, or correct the text)", what, *text, p)
		}
	}
	for _, p := range c.op.Params {
		check(p.Pos, fmt.Sprintf("parameter %q: missing text", p.Name), p.Missing)
		check(p.Pos, fmt.Sprintf("parameter %q: empty text", p.Name), p.Empty)
		if !p.IgnoreInvalid {
			check(p.Pos, fmt.Sprintf("parameter %q: invalid text", p.Name), p.Invalid)
		}
	}
	if c.op.RejectUnknown {
		check(c.op.Pos, "unknown-param-error", &c.op.UnknownBody)
	}
}
