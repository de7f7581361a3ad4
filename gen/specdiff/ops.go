package specdiff

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// opSubject names an operation as a reader finds it.
func opSubject(o *ir.Operation) string { return o.Method + " " + o.Path + " (" + o.ID + ")" }

// operations compares operations matched by operationId; an operation
// removed and another added on the same method and path is reported as
// both, with a note that it is likely a rename.
func (d *differ) operations(old, new []*ir.Operation) {
	both, gone, more := matchNames(old, new, func(o *ir.Operation) string { return o.ID })
	for _, p := range both {
		d.operation(p[0], p[1])
	}
	byRoute := map[string]*ir.Operation{}
	for _, n := range more {
		byRoute[n.Method+" "+n.Path] = n
	}
	renamed := map[*ir.Operation]string{}
	for _, o := range gone {
		c := d.add(ClientBreaking, opSubject(o), o.Pos, "operation removed", "callers of its client method no longer compile")
		if n := byRoute[o.Method+" "+o.Path]; n != nil {
			c.Note = fmt.Sprintf("likely renamed: %s now has operationId %s", o.Method+" "+o.Path, n.ID)
			renamed[n] = o.ID
		}
	}
	for _, n := range more {
		c := d.add(Addition, opSubject(n), n.Pos, "operation added",
			"new client method; servers embedding Unimplemented answer it as not implemented until they handle it")
		if from := renamed[n]; from != "" {
			c.Note = "likely renamed from operationId " + from
		}
	}
}

// operation compares one operation's facts, parameters, body and responses.
func (d *differ) operation(old, new *ir.Operation) {
	subj := opSubject(new)
	facts(d, subj, new.Pos, opFacts, old, new)
	d.roleSet(subj, new.Pos, old.Roles, new.Roles)
	d.params(subj, old, new)
	d.body(subj, new.Pos, old.Body, new.Body)
	d.responses(subj, old, new)
}

var opFacts = []fact[*ir.Operation]{
	{name: "method", class: ClientBreaking, reason: "callers' requests go to another method", get: func(o *ir.Operation) string { return o.Method }},
	{name: "path", class: ClientBreaking, reason: "callers' requests go to another path", get: func(o *ir.Operation) string { return o.Path }},
	{name: "client method", class: ClientBreaking, reason: "callers name the client method and its request type", get: func(o *ir.Operation) string {
		return o.HandlerMethod + " " + o.RequestGoName + " " + o.ResponseGoName
	}},
	{name: "feature", class: ServerBreaking, reason: "whether servers serve it depends on another feature switch", get: func(o *ir.Operation) string { return featureName(o.Feature) }},
	{name: "builtin", class: ServerBreaking, reason: "who answers it: the generated server or the handler", get: func(o *ir.Operation) string { return string(o.Builtin) }},
	{name: "help", class: ServerBreaking, reason: "servers list this line in GET /", get: func(o *ir.Operation) string { return o.Help }},
	{name: "methods", class: ServerBreaking, reason: "which HTTP methods servers run it for", get: func(o *ir.Operation) string { return methodPolicy(o.Methods) }},
	{name: "method error", class: ServerBreaking, reason: "servers answer this text to another method", get: func(o *ir.Operation) string { return o.MethodError }},
	{name: "error format", class: ServerBreaking, reason: "how servers write their error messages", get: func(o *ir.Operation) string { return errorFormat(o.ErrorFormat) }},
	{name: "redirect", class: ServerBreaking, reason: "when a backup server redirects to the primary", get: func(o *ir.Operation) string { return redirectPolicy(o.Redirect) }},
	{name: "guard", class: ServerBreaking, reason: "which condition servers check before answering", get: func(o *ir.Operation) string { return guardName(o.Guard) }},
	{name: "unknown arguments", class: ServerBreaking, reason: "whether servers reject arguments that are not parameters", classify: stricterIfSet("callers sending other arguments are now rejected", "servers must accept other arguments"),
		get: func(o *ir.Operation) string { return yes(o.RejectUnknown) }},
	{name: "unknown-argument error", class: ServerBreaking, reason: "servers answer this text to an unknown argument", get: func(o *ir.Operation) string { return o.UnknownBody }},
	{name: "raw arguments", classify: removable(ServerBreaking, "handlers reading the arguments as sent no longer compile"), get: func(o *ir.Operation) string { return yes(o.RawArgs) }},
	{name: "node-local", class: ClientBreaking, reason: "the client method is called on one node (or fans out) rather than the cluster", get: func(o *ir.Operation) string { return yes(o.NodeLocal) }},
	{name: "members field", class: WireOnly, reason: "where clients learn the cluster's servers", get: func(o *ir.Operation) string { return o.MembersField }},
	{name: "mutates", class: WireOnly, reason: "the conformance suite sends it only with -mutating", get: func(o *ir.Operation) string { return yes(o.Mutates) }},
	{name: "conformance query", class: WireOnly, reason: "arguments every conformance request carries", get: func(o *ir.Operation) string { return o.ConformQuery }},
	{name: "single flight", class: WireOnly, reason: "the conformance suite never sends these concurrently", get: func(o *ir.Operation) string { return o.SingleFlight }},
	{name: "request examples", class: WireOnly, reason: "requests the conformance suite sends", get: requestExamples},
	{name: "summary", class: Docs, reason: "documentation only", get: func(o *ir.Operation) string { return o.Summary }},
	{name: "description", class: Docs, reason: "documentation only", get: func(o *ir.Operation) string { return o.Description }},
	{name: "tags", class: Docs, reason: "documentation only", get: func(o *ir.Operation) string { return joined(o.Tags) }},
}

// stricterIfSet classifies a flag whose setting rejects more requests.
func stricterIfSet(set, cleared string) func(o, n string) (Class, string) {
	return func(o, n string) (Class, string) {
		if n != "" {
			return ClientBreaking, set
		}
		return ServerBreaking, cleared
	}
}

func featureName(f *ir.Feature) string {
	if f == nil {
		return ""
	}
	return f.Name
}

func guardName(g *ir.Guard) string {
	if g == nil {
		return ""
	}
	return g.Name
}

func methodPolicy(m ir.MethodPolicy) string {
	return [...]string{"any", "get-only", "exact"}[m]
}

func errorFormat(f ir.ErrorFormat) string { return [...]string{"text", "json-error"}[f] }

func redirectPolicy(r ir.RedirectPolicy) string {
	return [...]string{"", "first", "after-names"}[r]
}

func requestExamples(o *ir.Operation) string {
	var s []string
	for _, e := range o.Examples {
		s = append(s, fmt.Sprintf("%q %q %d", e.Query, e.Body, e.Status))
	}
	return strings.Join(s, "; ")
}

// roleSet compares which roles serve an operation.
func (d *differ) roleSet(subj string, pos ir.Pos, old, new []string) {
	_, gone, more := matchNames(old, new, func(s string) string { return s })
	for _, r := range gone {
		d.add(ClientBreaking, subj, pos, "no longer served by role "+r, "callers of the role's client lose the method")
	}
	for _, r := range more {
		d.add(Addition, subj, pos, "now served by role "+r, "new client method of the role; servers embedding Unimplemented answer it as not implemented")
	}
}

// params compares parameters matched by name, and their order, which is
// the order servers bind them in and so the order of their errors.
func (d *differ) params(subj string, old, new *ir.Operation) {
	both, gone, more := matchNames(old.Params, new.Params, func(p *ir.Param) string { return p.Name })
	var oo, no []string
	for _, p := range both {
		d.param(subj, p[0], p[1])
		oo = append(oo, p[0].Name)
	}
	for _, n := range new.Params {
		for _, p := range both {
			if p[1] == n {
				no = append(no, n.Name)
			}
		}
	}
	if joined(oo) != joined(no) {
		d.add(ServerBreaking, subj, new.Pos, fmt.Sprintf("parameter order: %s → %s", joined(oo), joined(no)),
			"servers check parameters in this order, so it decides which error a request with several bad ones gets")
	}
	for _, p := range gone {
		d.add(ClientBreaking, subj, p.Pos, "parameter "+p.Name+" removed", "callers that set it no longer compile")
	}
	for _, p := range more {
		if p.Required {
			d.add(ClientBreaking, subj, p.Pos, "required parameter "+p.Name+" added", "callers must now send it")
		} else {
			d.add(Addition, subj, p.Pos, "optional parameter "+p.Name+" added", "callers may send it; servers must understand it")
		}
	}
}

// param compares one parameter.
func (d *differ) param(subj string, old, new *ir.Param) {
	s := subj + ": parameter " + new.Name
	facts(d, subj, new.Pos, prefixed("parameter "+new.Name+" ", paramFacts), old, new)
	d.typeRef(s, new.Pos, old.Type, new.Type, true)
}

// prefixed names a table's facts after the thing that has them.
func prefixed[T any](prefix string, table []fact[T]) []fact[T] {
	out := make([]fact[T], len(table))
	for i, f := range table {
		f.name = prefix + f.name
		out[i] = f
	}
	return out
}

var paramFacts = []fact[*ir.Param]{
	{name: "kind", class: ClientBreaking, reason: "callers write it another way (value, flag, list, pairs or free-form)", get: func(p *ir.Param) string { return p.Kind.String() }},
	{name: "Go name", class: ClientBreaking, reason: "callers set the request's field by this name", get: func(p *ir.Param) string { return p.GoName }},
	{name: "required", classify: stricterIfSet("callers must now send it", "servers must now accept requests without it"), get: func(p *ir.Param) string { return yes(p.Required) }},
	{name: "minimum", classify: minimum, get: func(p *ir.Param) string { return optInt(p.Min) }},
	{name: "default", class: ServerBreaking, reason: "servers apply another value when it is absent", get: func(p *ir.Param) string { return opt(p.Default) }},
	{name: "missing error", class: ServerBreaking, reason: "servers answer this text when it is absent", get: func(p *ir.Param) string { return opt(p.Missing) }},
	{name: "empty error", class: ServerBreaking, reason: "servers answer this text when it is empty", get: func(p *ir.Param) string { return opt(p.Empty) }},
	{name: "invalid error", class: ServerBreaking, reason: "servers answer this text when it does not parse", get: func(p *ir.Param) string { return opt(p.Invalid) }},
	{name: "ignore invalid", class: ServerBreaking, reason: "whether servers reject or ignore a value that does not parse", get: func(p *ir.Param) string { return yes(p.IgnoreInvalid) }},
	{name: "examples", class: WireOnly, reason: "values the conformance suite sends", get: func(p *ir.Param) string { return joined(p.Examples) }},
	{name: "description", class: Docs, reason: "documentation only", get: func(p *ir.Param) string { return p.Description }},
}

func optInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// minimum classifies a change of an input's smallest accepted integer.
func minimum(o, n string) (Class, string) {
	if n == "" {
		return ServerBreaking, "servers must now accept every value"
	}
	ov, _ := strconv.ParseInt(o, 10, 64)
	nv, _ := strconv.ParseInt(n, 10, 64)
	if o == "" || nv > ov {
		return ClientBreaking, "callers' smaller values are now rejected"
	}
	return ServerBreaking, "servers must now accept smaller values"
}

// body compares request bodies.
func (d *differ) body(subj string, pos ir.Pos, old, new *ir.RequestBody) {
	switch {
	case old == nil && new == nil:
		return
	case old == nil:
		class, why := Addition, "callers may send it"
		if new.Required {
			class, why = ClientBreaking, "callers must now send it"
		}
		d.add(class, subj, new.Pos, "request body added", why)
		return
	case new == nil:
		d.add(ClientBreaking, subj, pos, "request body removed", "callers that send one no longer compile")
		return
	}
	facts(d, subj, new.Pos, bodyFacts, old, new)
	d.typeRef(subj+": request body", new.Pos, old.Type, new.Type, true)
}

var bodyFacts = []fact[*ir.RequestBody]{
	{name: "request body required", classify: stricterIfSet("callers must now send it", "servers must accept requests without it"), get: func(b *ir.RequestBody) string { return yes(b.Required) }},
	{name: "request body error", class: ServerBreaking, reason: "servers answer this text to a body that does not decode", get: func(b *ir.RequestBody) string { return b.Invalid }},
	{name: "request media type", class: WireOnly, reason: "the media type clients send", get: func(b *ir.RequestBody) string { return b.ContentType }},
	{name: "request body description", class: Docs, reason: "documentation only", get: func(b *ir.RequestBody) string { return b.Description }},
}

// responses compares responses matched by status.
func (d *differ) responses(subj string, old, new *ir.Operation) {
	both, gone, more := matchNames(old.Responses, new.Responses, func(r *ir.Response) string { return strconv.Itoa(r.Status) })
	for _, p := range both {
		d.response(subj, p[0], p[1])
	}
	for _, r := range gone {
		d.add(ClientBreaking, subj, r.Pos, fmt.Sprintf("status %d removed", r.Status), "callers handling its answer type no longer compile")
	}
	for _, r := range more {
		d.add(Addition, subj, r.Pos, fmt.Sprintf("status %d added", r.Status), "callers may receive it")
	}
}

// response compares one status's answer.
func (d *differ) response(subj string, old, new *ir.Response) {
	st := strconv.Itoa(new.Status)
	facts(d, subj, new.Pos, prefixed(st+" ", responseFacts), old, new)
	d.typeRef(subj+": "+st+" body", new.Pos, old.Body, new.Body, false)
	if len(old.Texts)+len(new.Texts) > 0 || old.Pattern != "" || new.Pattern != "" {
		d.values(subj, new.Pos, st+" text", makeSet(old.Texts, old.Pattern), makeSet(new.Texts, new.Pattern), answered)
	}
}

var responseFacts = []fact[*ir.Response]{
	{name: "answer type", class: ClientBreaking, reason: "callers and handlers name the answer by its Go type", get: func(r *ir.Response) string {
		return strings.TrimSpace(r.GoName + " " + r.TextGoName)
	}},
	{name: "format", class: ServerBreaking, reason: "the bytes servers must write for this answer", get: func(r *ir.Response) string { return r.Format.String() }},
	{name: "raw constructor", classify: removable(ServerBreaking, "handlers that encode the body themselves no longer compile"), get: func(r *ir.Response) string { return r.RawGoName }},
	{name: "stream constructor", classify: removable(ServerBreaking, "handlers that stream the body no longer compile"), get: func(r *ir.Response) string { return r.StreamGoName }},
	{name: "status field", class: ServerBreaking, reason: "the body field servers report an error in, and its OK value", get: func(r *ir.Response) string {
		if r.StatusField == nil {
			return ""
		}
		return r.StatusField.JSONName + "=" + r.StatusField.OK
	}},
	{name: "answered by the generated server", class: ServerBreaking, reason: "whether handlers answer this status or the generated server does", get: func(r *ir.Response) string { return yes(r.ServerOnly) }},
	{name: "media type", class: WireOnly, reason: "the documented Content-Type", get: func(r *ir.Response) string { return r.ContentType }},
	{name: "headers", class: WireOnly, reason: "the documented headers", get: func(r *ir.Response) string { return joined(r.Headers) }},
	{name: "examples", class: WireOnly, reason: "example answers, exact wire bytes the round-trip tests use", get: func(r *ir.Response) string {
		var s []string
		for _, e := range r.Examples {
			s = append(s, e.Name+"="+e.Value)
		}
		return strings.Join(s, "; ")
	}},
	{name: "description", class: Docs, reason: "documentation only", get: func(r *ir.Response) string { return r.Description }},
}
