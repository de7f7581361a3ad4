package emit

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	pegasusrt "github.com/pegasus-kv/pegasus-gen/gen/runtime"
	"github.com/pegasus-kv/pegasus-gen/templates"
)

// parsed holds the templates, parsed once per process.
var parsed = sync.OnceValues(func() (*template.Template, error) {
	return templates.Parse(template.FuncMap{
		// jsonString quotes as the real server's rapidjson does (no HTML escaping).
		"jsonString": pegasusrt.TableString,
		"join":       strings.Join,
	})
})

// execute runs one template.
func execute(name string, data any) ([]byte, error) {
	t, err := parsed()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// helpEntries are a role's help lines for the enabled features (nil: the
// defaults).
func helpEntries(role *ir.Role, enabled map[string]bool) []*ir.HelpLine {
	var out []*ir.HelpLine
	for _, h := range role.Help {
		if ft := h.Feature; ft != nil {
			on, set := enabled[ft.Name]
			if !set {
				on = ft.Default
			}
			if !on {
				continue
			}
		}
		out = append(out, h)
	}
	return out
}

// helpIndexText is the exact body of GET / for the default features.
func helpIndexText(role *ir.Role, enabled map[string]bool) ([]byte, error) {
	return execute("help_index.json.tmpl", map[string]any{"Entries": helpEntries(role, enabled)})
}

// docsText renders the API reference.
func docsText(api *ir.API, cfg Config) ([]byte, error) {
	view := map[string]any{
		"Title":       nonEmpty(api.Title, "HTTP API"),
		"Spec":        nonEmpty(api.SpecName, "its spec"),
		"Description": strings.TrimSpace(api.Description),
	}
	var roles []map[string]any
	for _, r := range api.Roles {
		if wanted(cfg.Roles, r.Name) {
			roles = append(roles, roleView(api, r))
		}
	}
	view["Roles"] = roles
	var types []map[string]any
	for _, t := range api.Types {
		types = append(types, typeView(t))
	}
	view["Types"] = types
	view["Agreements"] = rulesView(api.Agreements)
	return execute("http-api.md.tmpl", view)
}

// rulesView is what the reference shows of rules: each CEL text, what it
// says, and where upstream guarantees it.
func rulesView(rules []*ir.Rule) []map[string]any {
	var out []map[string]any
	for _, r := range rules {
		var reads []string
		for _, op := range r.Reads {
			reads = append(reads, op.ID)
		}
		out = append(out, map[string]any{"Name": r.Name, "Source": oneLine(r.Source), "Message": r.Message, "Cite": oneLine(r.Cite), "Reads": reads})
	}
	return out
}

// fieldChecks lists what an answer's member is checked against besides
// its type: its keywords and named format, and when it is present.
func fieldChecks(f *ir.Field) string {
	var parts []string
	if f.Format != "" {
		parts = append(parts, "format `"+f.Format+"`")
	}
	if f.Pattern != "" {
		parts = append(parts, "pattern `"+f.Pattern+"`")
	}
	if f.MaxLength != nil {
		parts = append(parts, fmt.Sprintf("at most %d characters", *f.MaxLength))
	}
	if f.Max != nil {
		parts = append(parts, fmt.Sprintf("at most %d", *f.Max))
	}
	if f.PresentWhen != "" {
		parts = append(parts, "p"+strings.TrimPrefix(strings.TrimSuffix(f.PresentWhen, "."), "P"))
	}
	return strings.Join(parts, "; ")
}

// roleView is what the reference shows of a role.
func roleView(api *ir.API, r *ir.Role) map[string]any {
	var listing strings.Builder
	entries := helpEntries(r, nil)
	listing.WriteString("{\n")
	for i, e := range entries {
		fmt.Fprintf(&listing, "    %s: %s", pegasusrt.TableString(e.Path), pegasusrt.TableString(e.Help))
		if i < len(entries)-1 {
			listing.WriteString(",")
		}
		listing.WriteString("\n")
	}
	listing.WriteString("}")
	var optional []map[string]any
	for _, ft := range roleFeatures(api, r) {
		var paths []string
		for _, op := range r.Operations {
			if op.Feature == ft && (len(paths) == 0 || paths[len(paths)-1] != op.Path) {
				paths = append(paths, op.Path)
			}
		}
		optional = append(optional, map[string]any{"Name": ft.Name, "Default": ft.Default, "Description": ft.Description, "Paths": paths})
	}
	var ops []map[string]any
	for _, op := range r.Operations {
		ops = append(ops, opView(op))
	}
	return map[string]any{"Title": nonEmpty(r.Title, r.Name), "Port": r.DefaultPort, "Listing": listing.String(), "Optional": optional, "Ops": ops}
}

// opView is what the reference shows of an operation.
func opView(op *ir.Operation) map[string]any {
	v := map[string]any{
		"Method": op.Method, "Path": op.Path, "Help": op.Help, "ID": op.ID, "Roles": op.Roles,
		"Summary": op.Summary, "Description": strings.TrimSpace(op.Description),
		"Feature": "", "Redirect": "", "Guard": "",
		"Methods": [...]string{"GET and POST alike", "GET only; other methods → 400 `" + op.MethodError + "`", "this method only"}[op.Methods],
		"Unknown": "ignored", "Rules": rulesView(op.Rules),
	}
	if op.Builtin == ir.BuiltinHelpIndex {
		v["Methods"] = "GET and POST alike; answered by the generated server from the help index"
	}
	if op.Feature != nil {
		v["Feature"] = op.Feature.Name
	}
	switch op.Redirect {
	case ir.RedirectFirst:
		v["Redirect"] = "a backup MetaServer answers 307 to the primary before looking at the arguments"
	case ir.RedirectAfterNames:
		v["Redirect"] = "a backup MetaServer checks argument names, then answers 307 to the primary"
	}
	if g := op.Guard; g != nil {
		v["Guard"] = fmt.Sprintf("`%s`: when disabled → %d `%s`", g.Name, g.Status, g.Body)
	}
	if op.RejectUnknown {
		v["Unknown"] = fmt.Sprintf("rejected → 400 `%s`", op.UnknownBody)
		if op.UnknownBody == "" {
			v["Unknown"] = "rejected → 400 with an empty body"
		}
	}
	var params []map[string]any
	for _, p := range op.Params {
		params = append(params, map[string]any{
			"Name": p.Name, "Kind": p.Kind.String(), "Type": typeText(p.Type), "Required": yesNo(p.Required), "Errors": paramErrors(p),
		})
	}
	v["Params"] = params
	v["Body"] = nil
	if b := op.Body; b != nil {
		body := map[string]any{"ContentType": b.ContentType, "Type": typeText(b.Type), "Invalid": b.Invalid, "Fields": []map[string]any(nil)}
		if b.Type.Named != nil {
			var fields []map[string]any
			for _, f := range b.Type.Named.Fields {
				fields = append(fields, map[string]any{"Name": f.JSONName, "Type": typeText(f.Type), "Rules": fieldRules(f)})
			}
			body["Fields"] = fields
		}
		v["Body"] = body
	}
	var resps []map[string]any
	for _, r := range op.Responses {
		var exs []map[string]any
		for _, e := range r.Examples {
			exs = append(exs, map[string]any{"Status": r.Status, "Name": e.Name, "Value": strings.TrimSuffix(e.Value, "\n")})
		}
		resps = append(resps, map[string]any{"Status": r.Status, "Format": r.Format.String(), "Body": responseText(r), "Examples": exs})
	}
	v["Responses"] = resps
	return v
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// paramErrors lists a parameter's 400 texts for the table.
func paramErrors(p *ir.Param) string {
	var parts []string
	add := func(what string, s *string) {
		if s != nil {
			parts = append(parts, fmt.Sprintf("%s → `%s`", what, *s))
		}
	}
	add("absent", p.Missing)
	add("empty", p.Empty)
	if p.IgnoreInvalid {
		parts = append(parts, "invalid → ignored")
	} else {
		add("invalid", p.Invalid)
	}
	if p.Default != nil {
		parts = append(parts, "default "+*p.Default)
	}
	return strings.Join(parts, "; ")
}

// fieldRules describes a body field's validation.
func fieldRules(f *ir.Field) string {
	var rules []string
	if f.MinLength > 0 {
		rules = append(rules, "not empty")
	}
	if len(f.Enum) > 0 {
		rules = append(rules, "one of "+strings.Join(f.Enum, ", "))
	}
	if f.Min != nil {
		rules = append(rules, fmt.Sprintf(">= %d", *f.Min))
	}
	if c := f.RequiredWhen; c != nil {
		rules = append(rules, fmt.Sprintf("not empty when %s is %s", c.Field.JSONName, c.Value))
	}
	if len(rules) == 0 {
		return ""
	}
	return strings.Join(rules, ", ") + " — else 400 `" + f.Invalid + "`"
}

// responseText summarises a body.
func responseText(r *ir.Response) string {
	var s string
	switch {
	case r.Body != nil:
		s = typeText(r.Body)
		if r.TextGoName != "" {
			s += ", or a plain-text error line"
		}
	case r.Format == ir.FormatEmpty:
		s = "empty"
	case len(r.Texts) > 0:
		quoted := make([]string, len(r.Texts))
		for i, t := range r.Texts {
			quoted[i] = "`" + t + "`"
		}
		s = strings.Join(quoted, " or ")
	case r.Pattern != "":
		s = "text matching `" + r.Pattern + "`"
	default:
		s = oneParagraph(r.Description)
	}
	if r.StatusField != nil {
		s += fmt.Sprintf(" (`%s` is `%s` on success)", r.StatusField.JSONName, r.StatusField.OK)
	}
	for _, h := range r.Headers {
		s += "; header " + h
	}
	return strings.ReplaceAll(s, "|", "\\|")
}

// typeText names a type for people.
func typeText(t *ir.TypeRef) string {
	var s string
	switch t.Kind {
	case ir.Struct, ir.OrderedMap:
		s = "[" + t.Named.Name + "](#" + strings.ToLower(t.Named.Name) + ")"
	case ir.Map:
		if t.Named != nil {
			s = "[" + t.Named.Name + "](#" + strings.ToLower(t.Named.Name) + ")"
		} else {
			s = "map of " + typeText(t.Elem)
		}
	case ir.Slice:
		s = "array of " + typeText(t.Elem)
	case ir.Any:
		s = "any JSON value"
	case ir.Number:
		s = "number (integer or double)"
	default:
		s = [...]string{"string", "int32", "int64", "uint32", "uint64", "number", "boolean", "bytes"}[t.Kind]
		if t.Wire == ir.Stringified {
			s += " as a string"
		}
	}
	if t.Nullable {
		s += " or null"
	}
	return s
}

// typeView is what the reference shows of a schema.
func typeView(t *ir.Type) map[string]any {
	var shape string
	switch t.Kind {
	case ir.Struct:
		shape = "An object"
		if t.Extra != nil {
			shape += "; other members are " + typeText(t.Extra)
		}
	case ir.OrderedMap:
		shape = fmt.Sprintf("An object of %s rows keyed by their `%s`, in the server's order.", typeText(&ir.TypeRef{Kind: ir.Struct, Named: t.Row}), t.KeyField.JSONName)
	case ir.Map:
		shape = "An object whose members are " + typeText(t.Elem) + "."
	}
	if t.Format != ir.FormatEmpty {
		shape += fmt.Sprintf(" Written in the %s format.", t.Format)
	}
	var fields []map[string]any
	for _, f := range t.Fields {
		fields = append(fields, map[string]any{"Name": f.JSONName, "Type": typeText(f.Type), "Required": f.Required, "Doc": oneParagraph(f.Doc),
			"Checks": fieldChecks(f), "Rules": rulesView(f.Rules)})
	}
	return map[string]any{"Name": t.Name, "Doc": oneParagraph(t.Doc), "Shape": shape, "Fields": fields, "Rules": rulesView(t.Rules)}
}
