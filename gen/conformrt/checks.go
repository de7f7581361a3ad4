package conformrt

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The transport's own answers, the same on every path (wire-behaviour §1.2,
// §1.3): they are not written per operation in the spec.
const (
	cfDuplicateParam = "failed to parse request: ERR_INVALID_PARAMETERS: duplicate parameter: "
	cfUnknownPath    = `service not found for "%s"`
	cfUnknownArg     = "conform_unknown"
)

// cfArg is one query argument; a flag is sent as a bare key.
type cfArg struct {
	k, v string
	flag bool
}

func cfEncode(args []cfArg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if a.flag {
			parts[i] = a.k
		} else {
			parts[i] = a.k + "=" + a.v
		}
	}
	return strings.Join(parts, "&")
}

// cfDecode splits a query the way the servers do: on "&", then at the
// first "=", a bare item being a flag.
func cfDecode(q string) []cfArg {
	var out []cfArg
	for _, item := range strings.Split(q, "&") {
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		out = append(out, cfArg{k: k, v: v, flag: !ok})
	}
	return out
}

// with sets k in args, replacing an argument of that name.
func with(args []cfArg, a cfArg) []cfArg {
	out := append([]cfArg(nil), args...)
	for i := range out {
		if out[i].k == a.k {
			out[i] = a
			return out
		}
	}
	return append(out, a)
}

// without removes k from args.
func without(args []cfArg, k string) []cfArg {
	var out []cfArg
	for _, a := range args {
		if a.k != k {
			out = append(out, a)
		}
	}
	return out
}

// validValue is a value of p the server must accept: the spec's example,
// else its default, else one made from its type.
func validValue(p *cfParam) string {
	if len(p.Examples) > 0 {
		return p.Examples[0]
	}
	if p.Default != nil {
		return *p.Default
	}
	switch p.Kind {
	case cfListParam:
		return "conform"
	case cfPairsParam:
		return "conform,conform"
	}
	switch p.Type {
	case cfBool:
		return "true"
	case cfString:
		return "conform"
	case cfFloat64:
		return "1.5"
	}
	if p.HasMin && p.Min > 1 {
		return strconv.FormatInt(p.Min, 10)
	}
	return "1"
}

// conformArgs applies the operation's conform-query to args.
func conformArgs(op *cfOp, args []cfArg) []cfArg {
	for _, a := range cfDecode(op.ConformQuery) {
		args = with(args, a)
	}
	return args
}

// args are the arguments of a valid request: the required parameters, or
// with all every parameter.
func validArgs(op *cfOp, all bool) []cfArg {
	var args []cfArg
	for _, p := range op.Params {
		if !p.Required && !all || p.Kind == cfFreeFormParam {
			continue
		}
		if p.Kind == cfFlagParam {
			args = append(args, cfArg{k: p.Name, flag: true})
			continue
		}
		args = append(args, cfArg{k: p.Name, v: validValue(p)})
	}
	return conformArgs(op, args)
}

// validBody is a body the server must accept: the first example the spec
// answers with success, or none (the checks that need a body are then
// left out).
func validBody(op *cfOp) string {
	if op.Body == nil {
		return ""
	}
	for _, ex := range op.Examples {
		if ex.Body != "" && ex.Status < 300 {
			return ex.Body
		}
	}
	return ""
}

// request builds a request of op.
func request(op *cfOp, args []cfArg, body string) cfRequest {
	q := cfRequest{Method: op.Method, Path: op.Path, Query: cfEncode(args), Body: body}
	if body != "" && op.Body != nil {
		q.ContentType = op.Body.ContentType
	}
	return q
}

// cfContentType checks the media type of an answer.
func cfContentType(a *cfAnswer, want string) []string {
	if want == "" {
		return nil
	}
	got := a.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(got)
	if err != nil || mt != want {
		return []string{fmt.Sprintf("Content-Type %q, want %q", got, want)}
	}
	return nil
}

// validate checks an answer against the operation's documentation of its
// status: documented at all, media type, headers, and the body's schema
// and format.
func (r *cfRun) validate(op *cfOp, a *cfAnswer) []string {
	resp := r.response(op, a.Status)
	if resp == nil {
		var doc []string
		for _, d := range op.Responses {
			doc = append(doc, strconv.Itoa(d.Status))
		}
		return []string{fmt.Sprintf("status %d is not documented (documented: %s); body %q", a.Status, strings.Join(doc, ", "), cfClip(a.Body))}
	}
	p := cfContentType(a, resp.ContentType)
	for _, h := range resp.Headers {
		if a.Header.Get(h) == "" {
			p = append(p, fmt.Sprintf("%d without its %s header", a.Status, h))
		}
	}
	var ctx *cfRuleCtx
	if a.Status == 200 && len(resp.Rules) > 0 {
		ctx = &cfRuleCtx{args: cfQueryArgs(a.query), node: a.addr, role: r.api.Role}
	}
	return append(p, r.validateBody(resp, a.Body, ctx)...)
}

// textMatches checks a text body against the documented texts or pattern.
func textMatches(resp *cfResponse, body []byte) []string {
	s := string(body)
	if len(resp.Texts) > 0 {
		for _, t := range resp.Texts {
			if s == t {
				return nil
			}
		}
		if resp.Pattern == "" {
			return []string{fmt.Sprintf("%d body %q is none of the documented texts %q", resp.Status, cfClip(body), resp.Texts)}
		}
	}
	if resp.Pattern != "" {
		re, err := regexp.Compile(resp.Pattern)
		if err != nil {
			return []string{fmt.Sprintf("the documented pattern %s of %d is not a Go regular expression: %v", resp.Pattern, resp.Status, err)}
		}
		if !re.MatchString(s) {
			return []string{fmt.Sprintf("%d body %q does not match the documented pattern %s", resp.Status, cfClip(body), resp.Pattern)}
		}
	}
	return nil
}

// validateBody checks a body against a documented response.
// ctx is the request's, for the operation's rules; nil leaves them out.
func (r *cfRun) validateBody(resp *cfResponse, body []byte, ctx *cfRuleCtx) []string {
	switch resp.Format {
	case cfFormatEmpty:
		if len(body) > 0 {
			return []string{fmt.Sprintf("%d must have an empty body, got %q", resp.Status, cfClip(body))}
		}
		return nil
	case cfFormatText:
		return textMatches(resp, body)
	case cfFormatBinary:
		return nil
	}
	if resp.OrText && (len(body) == 0 || body[0] != '{' && body[0] != '[' && body[0] != 'n') {
		return textMatches(resp, body)
	}
	n, err := cfParse(body)
	if err != nil {
		return []string{fmt.Sprintf("%d body is not JSON: %v", resp.Status, err)}
	}
	v := &cfValidator{api: r.api, ordered: resp.Format == cfFormatTable || resp.Format == cfFormatPretty4}
	v.check("$", n, resp.Schema, false)
	p := append(v.errs, r.opRules(resp, n, ctx)...)
	if want := cfRender(n, resp.Format); !bytes.Equal(want, body) {
		p = append(p, fmt.Sprintf("not in the %s format: %s", cfFormatName(resp.Format), cfFirstDiff(body, want)))
	}
	return p
}

// cfFormatName names a format as the spec does.
func cfFormatName(f int) string {
	return [...]string{"empty", "table", "sorted", "pretty4", "pretty2", "text", "binary"}[f]
}

// cfFirstDiff describes where got first differs from want.
func cfFirstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	ctx := func(b []byte) string {
		lo, hi := max(i-20, 0), min(i+20, len(b))
		return strconv.Quote(string(b[lo:hi]))
	}
	switch {
	case i == len(got):
		return fmt.Sprintf("the body ends at byte %d, the format goes on with %s", i, ctx(want))
	case i == len(want):
		return fmt.Sprintf("byte %d on, %s is more than the format writes", i, ctx(got))
	}
	return fmt.Sprintf("at byte %d the body has %s, the format writes %s", i, ctx(got), ctx(want))
}

// helpIndex checks GET / against the spec's help lines of the enabled
// features, naming each missing, extra or changed entry.
func (r *cfRun) helpIndex(ctx context.Context, s *cfServer) []Result {
	res := Result{Check: CheckHelpIndex, Server: s.addr, Operation: "GET /", Case: "GET / lists the enabled operations", Outcome: Pass}
	req := cfRequest{Method: "GET", Path: "/"}
	want := map[string]string{}
	var b strings.Builder
	b.WriteByte('{')
	for _, h := range r.api.Help {
		if h.Feature != "" && !r.features[h.Feature] {
			continue
		}
		if len(want) > 0 {
			b.WriteByte(',')
		}
		want[h.Path] = h.Text
		b.WriteString(cfQuote(h.Path) + ":" + cfQuote(h.Text))
	}
	b.WriteString("}\n")
	a, err := r.send(ctx, req, s.addr)
	var p []string
	switch {
	case err != nil:
		p = append(p, "no answer: "+err.Error())
	case a.Status != http.StatusOK:
		p = append(p, fmt.Sprintf("status %d, want 200", a.Status))
	case string(a.Body) != b.String():
		p = append(p, cfContentType(a, "text/plain")...)
		n, err := cfParse(a.Body)
		if err != nil || n.Kind != '{' {
			p = append(p, fmt.Sprintf("body is not a JSON object: %q", cfClip(a.Body)))
			break
		}
		got := map[string]bool{}
		for i, k := range n.Keys {
			got[k] = true
			w, ok := want[k]
			switch {
			case !ok:
				p = append(p, fmt.Sprintf("extra entry %q", k))
			case n.Items[i].Kind != '"' || n.Items[i].Str != w:
				p = append(p, fmt.Sprintf("entry %q is %s, want %q", k, n.Items[i].Raw, w))
			}
		}
		for _, h := range r.api.Help {
			if _, enabled := want[h.Path]; enabled && !got[h.Path] {
				p = append(p, fmt.Sprintf("missing entry %q", h.Path))
			}
		}
		if len(p) == 0 {
			p = append(p, "the entries are right but not their bytes: "+cfFirstDiff(a.Body, []byte(b.String())))
		}
	default:
		p = append(p, cfContentType(a, "text/plain")...)
	}
	if len(p) > 0 {
		res.Outcome, res.Message, res.Curl = Fail, strings.Join(p, "; "), cfCurl(req, s.addr)
	}
	return []Result{res}
}

// unknownPath checks the transport's 404 for a path nobody serves.
func (r *cfRun) unknownPath(ctx context.Context, s *cfServer) []Result {
	req := cfRequest{Method: "GET", Path: "/conform/no_such_path"}
	want := fmt.Sprintf(cfUnknownPath, "conform/no_such_path")
	res := Result{Check: CheckPaths, Server: s.addr, Case: "unknown path: 404 " + want, Outcome: Pass}
	a, err := r.send(ctx, req, s.addr)
	switch {
	case err != nil:
		res.Outcome, res.Message = Fail, "no answer: "+err.Error()
	case a.Status != http.StatusNotFound || string(a.Body) != want:
		res.Outcome, res.Message = Fail, fmt.Sprintf("%d %q, want 404 %q", a.Status, cfClip(a.Body), want)
	}
	if res.Outcome == Fail {
		res.Curl = cfCurl(req, s.addr)
	}
	return []Result{res}
}

// checkOp runs every check of one operation against one server.
func (r *cfRun) checkOp(ctx context.Context, s *cfServer, op *cfOp) []Result {
	if op.Feature != "" && !r.features[op.Feature] {
		want := fmt.Sprintf(cfUnknownPath, strings.Trim(op.Path, "/"))
		return r.execute(ctx, s, op, []cfCase{{check: CheckPaths, name: "feature " + op.Feature + " is off: 404", req: request(op, validArgs(op, false), ""),
			verify: r.expectError(op, http.StatusNotFound, want, true)}})
	}
	readOnly := op.Mutates && !r.target.Mutating
	// A request that cannot change anything: for a writing operation in a
	// read-only run, one whose body the server must reject.
	safe := request(op, validArgs(op, false), validBody(op))
	if readOnly {
		safe = request(op, validArgs(op, false), "")
	}
	var skipped []Result
	skip := func(check, why string) {
		skipped = append(skipped, Result{Check: check, Server: s.addr, Operation: opName(op), Case: "all", Outcome: Skip, Message: why})
	}
	redirected := op.Redirect != cfNoRedirect && !s.primary
	if op.Guard != "" && !redirected && (!readOnly || op.Body != nil) {
		if a, err := r.send(ctx, safe, s.addr); err == nil {
			if g, off := r.guarded(op, a); off {
				why := fmt.Sprintf("guard %s is off on this server (%d %q)", g, a.Status, a.Body)
				for _, c := range []string{CheckPositive, CheckNegative, CheckPaths} {
					skip(c, why)
				}
				return skipped
			}
		}
	}
	var cases []cfCase
	if redirected {
		cases = append(cases, r.redirectCases(op, s, readOnly)...)
		cases = append(cases, r.transportCases(op)...)
	} else {
		if op.Redirect != cfNoRedirect {
			cases = append(cases, cfCase{check: CheckRedirect, name: "the primary answers itself", req: safe, verify: func(a *cfAnswer) []string {
				if a.Status == http.StatusTemporaryRedirect {
					return []string{"the primary redirected to " + a.Header.Get("Location")}
				}
				return nil
			}})
		}
		cases = append(cases, r.positiveCases(op, readOnly)...)
		if !readOnly {
			cases = append(cases, r.flagCases(ctx, s, op)...)
		}
		cases = append(cases, r.negativeCases(op)...)
		cases = append(cases, r.transportCases(op)...)
		if readOnly {
			skip(CheckPositive, "the operation changes the server: run with -mutating")
		}
	}
	if readOnly {
		skip(CheckPaths, "the operation changes the server: run with -mutating")
	} else {
		cases = append(cases, r.pathCases(ctx, s, op)...)
	}
	results := append(r.execute(ctx, s, op, cases), skipped...)
	if r.isUnimplemented(s.addr, opName(op)) {
		return []Result{r.notImplemented(s, op)}
	}
	return results
}

// notImplemented is the one result of an operation the handler left to
// the embedded Unimplemented type: its other cases say nothing about the
// handler, only that the server answers 404 for it.
func (r *cfRun) notImplemented(s *cfServer, op *cfOp) Result {
	res := Result{Check: CheckImplemented, Server: s.addr, Operation: opName(op), Case: op.Name, Outcome: Skip,
		Message: "not implemented: the handler leaves " + op.Name + " to the embedded Unimplemented type"}
	if !r.inProcess {
		res.Message = "not implemented: a valid request answered 404 " + fmt.Sprintf(cfUnknownPath, strings.Trim(op.Path, "/"))
	}
	if r.target.RequireComplete {
		res.Outcome = Fail
		res.Message += ", and the target requires every operation"
	}
	return res
}

// positiveCases are the spec's request examples and requests made of
// valid values: each answer must be documented and match its description.
func (r *cfRun) positiveCases(op *cfOp, readOnly bool) []cfCase {
	var cases []cfCase
	for _, ex := range op.Examples {
		// An example the server must refuse cannot change anything.
		if readOnly && ex.Status < 400 {
			continue
		}
		args := conformArgs(op, cfDecode(ex.Query))
		cases = append(cases, cfCase{check: CheckPositive, name: "example " + cfDescribe(cfEncode(args), ex.Body), req: request(op, args, ex.Body), verify: r.exampleVerdict(op, ex)})
	}
	if readOnly {
		return cases
	}
	notRejected := func(a *cfAnswer) []string {
		p := r.validate(op, a)
		switch {
		case a.Status == http.StatusBadRequest:
			p = append(p, "valid arguments were rejected")
		case a.Status >= 500:
			p = append(p, fmt.Sprintf("a valid request got %d (documented, but not the answer of a healthy server)", a.Status))
		}
		return p
	}
	body := validBody(op)
	minimal := validArgs(op, false)
	cases = append(cases, cfCase{check: CheckPositive, name: "required arguments " + cfDescribe(cfEncode(minimal), body), req: request(op, minimal, body), verify: notRejected})
	if all := validArgs(op, true); len(all) > len(minimal) {
		cases = append(cases, cfCase{check: CheckPositive, name: "every argument " + cfDescribe(cfEncode(all), body), req: request(op, all, body), verify: notRejected})
	}
	return cases
}

// exampleVerdict checks the answer to a request example: documented and
// valid, and its status and named body as Target.DefaultState says. The
// examples describe the onebox's default state (CONVENTIONS): there every
// status is held exactly (an unknown table answered 400 where the example
// says 404 is a failure); elsewhere the 400s, which the arguments decide
// whatever the state, are.
func (r *cfRun) exampleVerdict(op *cfOp, ex cfExample) func(a *cfAnswer) []string {
	exact := r.target.DefaultState || ex.Status == http.StatusBadRequest
	return func(a *cfAnswer) []string {
		p := r.validate(op, a)
		switch {
		case exact && a.Status != ex.Status:
			p = append(p, fmt.Sprintf("status %d, but the spec's example is answered %d; body %q", a.Status, ex.Status, cfClip(a.Body)))
		case a.Status == http.StatusBadRequest && ex.Status != http.StatusBadRequest:
			p = append(p, fmt.Sprintf("status 400, but the spec's example is answered %d, and its arguments are valid whatever the cluster holds; body %q", ex.Status, cfClip(a.Body)))
		case exact && ex.Answer != nil && string(a.Body) != *ex.Answer:
			p = append(p, fmt.Sprintf("body %q, but the spec's example is answered %q", cfClip(a.Body), cfClip([]byte(*ex.Answer))))
		}
		return p
	}
}

// flagCases check that a presence flag means "on" whatever its value:
// ?p=false must be answered like ?p (same status, same members), where a
// value boolean would be off.
func (r *cfRun) flagCases(ctx context.Context, s *cfServer, op *cfOp) []cfCase {
	var cases []cfCase
	body := validBody(op)
	for _, p := range op.Params {
		if p.Kind != cfFlagParam {
			continue
		}
		ref, err := r.send(ctx, request(op, with(validArgs(op, false), cfArg{k: p.Name, flag: true}), body), s.addr)
		if err != nil {
			continue
		}
		args := with(validArgs(op, false), cfArg{k: p.Name, v: "false"})
		cases = append(cases, cfCase{check: CheckPositive, name: "presence flag " + p.Name + "=false means " + p.Name, req: request(op, args, body), verify: func(a *cfAnswer) []string {
			if a.Status != ref.Status {
				return []string{fmt.Sprintf("status %d, but %d for a bare %s", a.Status, ref.Status, p.Name)}
			}
			if got, want := cfMembers(a.Body), cfMembers(ref.Body); got != want {
				return []string{fmt.Sprintf("members %s, but %s for a bare %s", got, want, p.Name)}
			}
			return r.validate(op, a)
		}})
	}
	return cases
}

// cfMembers is the top-level member names of a JSON object body.
func cfMembers(body []byte) string {
	n, err := cfParse(body)
	if err != nil || n.Kind != '{' {
		return ""
	}
	return "[" + strings.Join(n.Keys, ",") + "]"
}

// cfDescribe names a request in a case name.
func cfDescribe(query, body string) string {
	s := "?" + query
	if body != "" {
		s += " body " + string(cfClip([]byte(body)))
	}
	return s
}

// negativeCases are requests the spec says the server refuses, each with
// the exact status and body it must answer.
func (r *cfRun) negativeCases(op *cfOp) []cfCase {
	var cases []cfCase
	base, body := validArgs(op, false), validBody(op)
	add := func(name string, args []cfArg, b string, status int, msg string) {
		cases = append(cases, cfCase{check: CheckNegative, name: name, req: request(op, args, b), verify: r.expectError(op, status, msg, false)})
	}
	if op.Methods == cfGetOnly {
		q := request(op, base, "")
		q.Method = "POST"
		cases = append(cases, cfCase{check: CheckNegative, name: "wrong method POST", req: q, verify: r.expectError(op, 400, op.MethodError, false)})
	}
	if op.RejectUnknown {
		add("unknown parameter "+cfUnknownArg+"=1", append(append([]cfArg(nil), base...), cfArg{k: cfUnknownArg, v: "1"}), body, 400, cfExpand(op.UnknownBody, cfUnknownArg, "1"))
	}
	for _, p := range op.Params {
		cases = append(cases, r.paramCases(op, p, base, body)...)
	}
	if op.Body != nil && op.Body.Schema != nil {
		for _, bc := range r.bodyVariants(op.Body, body) {
			add("body "+bc.name, base, bc.body, 400, bc.want)
		}
	}
	return cases
}

// cfExpand fills an error template's {name} and {value}.
func cfExpand(tmpl, name, value string) string {
	return strings.NewReplacer("{name}", name, "{value}", value).Replace(tmpl)
}

// paramCases are the refused values of one parameter.
func (r *cfRun) paramCases(op *cfOp, p *cfParam, base []cfArg, body string) []cfCase {
	var cases []cfCase
	add := func(name string, args []cfArg, msg string) {
		cases = append(cases, cfCase{check: CheckNegative, name: fmt.Sprintf("%s: %s", p.Name, name), req: request(op, args, body), verify: r.expectError(op, 400, msg, false)})
	}
	if p.Required && p.Missing != nil {
		add("missing", without(base, p.Name), *p.Missing)
	}
	scalar := p.Kind == cfValueParam && p.Type != cfString
	invalid := p.Invalid != nil && !p.IgnoreInvalid
	switch {
	case p.Empty != nil:
		add("empty", with(base, cfArg{k: p.Name}), *p.Empty)
	case scalar && invalid:
		add("empty", with(base, cfArg{k: p.Name}), cfExpand(*p.Invalid, p.Name, ""))
	}
	if p.Kind == cfValueParam && invalid {
		switch p.Type {
		case cfBool:
			add("not a boolean", with(base, cfArg{k: p.Name, v: "maybe"}), cfExpand(*p.Invalid, p.Name, "maybe"))
			add("a value boolean sent as a presence flag", with(base, cfArg{k: p.Name, flag: true}), cfExpand(*p.Invalid, p.Name, ""))
		case cfInt32, cfInt64, cfUint32, cfUint64:
			add("not an integer", with(base, cfArg{k: p.Name, v: "abc"}), cfExpand(*p.Invalid, p.Name, "abc"))
			lo, hi := cfRange(p.Type)
			over := strconv.FormatUint(hi, 10) + "0"
			add("out of range "+over, with(base, cfArg{k: p.Name, v: over}), cfExpand(*p.Invalid, p.Name, over))
			if p.HasMin && p.Min > lo {
				below := strconv.FormatInt(p.Min-1, 10)
				add("below the minimum "+below, with(base, cfArg{k: p.Name, v: below}), cfExpand(*p.Invalid, p.Name, below))
			}
		}
	}
	if p.Kind == cfPairsParam && invalid {
		add("odd number of items", with(base, cfArg{k: p.Name, v: "conform"}), cfExpand(*p.Invalid, p.Name, "conform"))
	}
	return cases
}

// transportCases are the transport's refusals, on every operation: a
// repeated argument.
func (r *cfRun) transportCases(op *cfOp) []cfCase {
	name := "conform_dup"
	args := validArgs(op, false)
	for _, p := range op.Params {
		if p.Kind != cfFlagParam && p.Kind != cfFreeFormParam {
			name = p.Name
			break
		}
	}
	args = with(args, cfArg{k: name, v: "1"})
	args = append(args, cfArg{k: name, v: "2"})
	q := request(op, args, "")
	return []cfCase{{check: CheckNegative, name: "duplicate parameter " + name, req: q, verify: r.expectError(op, 400, cfDuplicateParam+name, true)}}
}

// pathCases check that the path is matched after dropping empty segments,
// and case-sensitively, by comparing with the answer to the plain path.
func (r *cfRun) pathCases(ctx context.Context, s *cfServer, op *cfOp) []cfCase {
	base := request(op, validArgs(op, false), validBody(op))
	ref, err := r.send(ctx, base, s.addr)
	if err != nil {
		return nil // the positive and not_a_server_error checks report it
	}
	key := strings.Trim(op.Path, "/")
	variants := []string{"/" + key + "/", "//" + strings.ReplaceAll(key, "/", "//")}
	if key == "" {
		variants = []string{"//", "///"}
	}
	var cases []cfCase
	for _, v := range variants {
		q := base
		q.Path = v
		cases = append(cases, cfCase{check: CheckPaths, name: "path " + v, req: q, verify: func(a *cfAnswer) []string {
			if a.Status != ref.Status {
				return []string{fmt.Sprintf("status %d, but %d for %s", a.Status, ref.Status, op.Path)}
			}
			if l, rl := a.Header.Get("Location"), ref.Header.Get("Location"); !sameLocation(l, rl) {
				return []string{fmt.Sprintf("Location %q, but %q for %s", l, rl, op.Path)}
			}
			return r.validate(op, a)
		}})
	}
	if up := strings.ToUpper(key); up != key {
		q := base
		q.Path = "/" + up
		cases = append(cases, cfCase{check: CheckPaths, name: "path /" + up + " (paths are case-sensitive)", req: q,
			verify: r.expectError(op, http.StatusNotFound, fmt.Sprintf(cfUnknownPath, up), true)})
	}
	return cases
}

// sameLocation compares two Locations with their arguments as sets.
func sameLocation(a, b string) bool {
	if a == b {
		return true
	}
	pa, qa, _ := strings.Cut(a, "?")
	pb, qb, _ := strings.Cut(b, "?")
	return pa == pb && argSet(qa) == argSet(qb)
}

// argSet is a query's arguments sorted, flags as "k=", for comparing sets.
func argSet(q string) string {
	var items []string
	for _, a := range cfDecode(q) {
		items = append(items, a.k+"="+a.v)
	}
	sort.Strings(items)
	return strings.Join(items, "&")
}

// redirectCases check a backup: every redirecting operation answers 307
// with an empty body and a Location on the primary with the same
// arguments; arguments are not checked before the redirect unless the
// operation checks names first.
func (r *cfRun) redirectCases(op *cfOp, s *cfServer, readOnly bool) []cfCase {
	check := func(args []cfArg, body string) cfCase {
		q := request(op, args, body)
		return cfCase{check: CheckRedirect, name: "307 to the primary " + cfDescribe(q.Query, body), req: q, verify: func(a *cfAnswer) []string {
			return r.checkRedirect(op, s, args, a)
		}}
	}
	body := validBody(op)
	if readOnly {
		body = ""
	}
	cases := []cfCase{check(validArgs(op, true), body)}
	if op.Redirect == cfRedirectFirst {
		for _, p := range op.Params {
			if p.Required {
				cases = append(cases, check(without(validArgs(op, true), p.Name), body))
				break
			}
		}
	}
	if op.Redirect == cfRedirectAfterNames {
		args := append(validArgs(op, false), cfArg{k: cfUnknownArg, v: "1"})
		cases = append(cases, cfCase{check: CheckNegative, name: "unknown parameter checked before the redirect", req: request(op, args, body),
			verify: r.expectError(op, 400, cfExpand(op.UnknownBody, cfUnknownArg, "1"), false)})
	}
	return cases
}

// checkRedirect checks one answer of a backup.
func (r *cfRun) checkRedirect(op *cfOp, s *cfServer, args []cfArg, a *cfAnswer) []string {
	var p []string
	if a.Status != http.StatusTemporaryRedirect {
		return []string{fmt.Sprintf("status %d, want 307", a.Status)}
	}
	if len(a.Body) > 0 {
		p = append(p, fmt.Sprintf("307 with body %q, want none", cfClip(a.Body)))
	}
	loc := a.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "http://")
	host, pathQuery, _ := strings.Cut(rest, "/")
	path, query, _ := strings.Cut(pathQuery, "?")
	switch {
	case !ok:
		p = append(p, fmt.Sprintf("Location %q does not start with http://", loc))
	case s.leader != "" && host != s.leader:
		p = append(p, fmt.Sprintf("Location %q names %s, but the primary is %s", loc, host, s.leader))
	}
	if want := strings.Trim(op.Path, "/"); ok && path != want {
		p = append(p, fmt.Sprintf("Location %q has path /%s, want %s", loc, path, op.Path))
	}
	var sent []cfArg
	for _, x := range args {
		sent = append(sent, cfArg{k: x.k, v: x.v})
	}
	if got, want := argSet(query), argSet(cfEncode(sent)); ok && got != want {
		p = append(p, fmt.Sprintf("Location %q carries arguments %q, want %q (flags as k=)", loc, got, want))
	}
	return p
}
