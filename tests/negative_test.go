package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// negativeCase is one request that breaks exactly one request-side rule of
// the spec (a parameter's or a body member's), and the 400 the spec says the
// server answers. The cases are derived from the spec, never listed by hand:
// Schemathesis' negative testing, done here as the registries offer no
// Schemathesis.
type negativeCase struct {
	route  *routers.Route
	roles  []string
	rule   string // "<parameter or member>: <rule>", e.g. "name: minLength"
	query  string
	body   string
	status int
	want   string // the exact body
}

func (c negativeCase) String() string {
	return fmt.Sprintf("%s %s (%s)", c.route.Method, c.route.Path, c.rule)
}

// negativeOp is what the cases of one operation are built from.
type negativeOp struct {
	route       *routers.Route
	x           opX
	base        []queryArg     // the arguments of an accepted example request
	body        map[string]any // and its JSON body, if any
	bodyInvalid string         // the body's x-pegasus-invalid
}

// opX is the part of an operation's x-pegasus the cases need.
type opX struct {
	Roles       []string `json:"roles"`
	ErrorFormat string   `json:"error-format"`
	Builtin     string   `json:"builtin"`
	MethodOf    string   `json:"method-of"`
	MethodErrOf string   `json:"method-error-of"`
}

// queryArg is one k=v of a query, kept in order and as written.
type queryArg struct{ k, v string }

func joinQuery(args []queryArg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.k + "=" + a.v
	}
	return strings.Join(parts, "&")
}

func splitQuery(q string) []queryArg {
	var out []queryArg
	for _, item := range strings.Split(q, "&") {
		if item == "" {
			continue
		}
		k, v, _ := strings.Cut(item, "=")
		out = append(out, queryArg{k, v})
	}
	return out
}

// with returns args with k set to v (appended when absent); without, args
// without k.
func with(args []queryArg, k, v string) []queryArg {
	out := without(args, k)
	return append(out, queryArg{k, v})
}

func without(args []queryArg, k string) []queryArg {
	var out []queryArg
	for _, a := range args {
		if a.k != k {
			out = append(out, a)
		}
	}
	return out
}

// negativeCases derives the rule-breaking requests of every operation the
// generator builds (not the method-of and method-error-of documentation, not
// the help index): for each parameter, each of required (absent), minLength
// (empty), an integer's or boolean's type (not one), minimum (one below) and
// format range (one beyond), and an odd pairs list; for each member of a JSON
// body, required (absent), minLength (""), enum (another value), minimum (one
// below), its JSON type and int32 range (not decodable), and
// x-pegasus-required-when; for each operation, a repeated argument (the
// transport's 400).
func negativeCases(t *testing.T, doc *openapi3.T) []negativeCase {
	t.Helper()
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	var out []negativeCase
	for _, p := range paths {
		item := doc.Paths.Value(p)
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			o := item.GetOperation(m)
			if o == nil {
				continue
			}
			var x opX
			decodeExtension(t, o.Extensions["x-pegasus"], &x)
			if x.MethodOf != "" || x.MethodErrOf != "" || x.Builtin != "" {
				continue
			}
			op := negativeOp{route: &routers.Route{Spec: doc, Path: p, PathItem: item, Method: m, Operation: o}, x: x}
			op.baseRequest(t)
			out = append(out, op.transportCase())
			for _, pr := range o.Parameters {
				out = append(out, op.paramCases(t, pr.Value)...)
			}
			out = append(out, op.bodyCases(t)...)
		}
	}
	return out
}

// baseRequest takes the first example request the operation answers 200
// (its arguments and body are all valid), so that a case breaks one rule.
func (op *negativeOp) baseRequest(t *testing.T) {
	var exs []specExample
	decodeExtension(t, op.route.Operation.Extensions["x-pegasus-examples"], &exs)
	for _, ex := range exs {
		if ex.Status == 200 {
			op.base = splitQuery(ex.Query)
			if ex.Body != "" && strings.HasPrefix(ex.Body, "{") {
				if err := json.Unmarshal([]byte(ex.Body), &op.body); err != nil {
					t.Fatalf("%s %s: example body: %v", op.route.Method, op.route.Path, err)
				}
			}
			break
		}
	}
	if rb := op.route.Operation.RequestBody; rb != nil && rb.Value != nil {
		decodeExtension(t, rb.Value.Extensions["x-pegasus-invalid"], &op.bodyInvalid)
	}
}

// text is msg as the operation writes its errors (error-format).
func (op *negativeOp) text(msg string) string {
	if op.x.ErrorFormat != "json-error" {
		return msg
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(msg)
	return "{\n    \"error_message\": " + strings.TrimSuffix(b.String(), "\n") + "\n}"
}

func (op *negativeOp) newCase(rule string, args []queryArg, body string, want string) negativeCase {
	return negativeCase{route: op.route, roles: op.x.Roles, rule: rule, query: joinQuery(args), body: body, status: 400, want: want}
}

func (op *negativeOp) baseBody() string {
	if op.body == nil {
		return ""
	}
	b, _ := json.Marshal(op.body)
	return string(b)
}

// transportCase repeats an argument: the transport's parse error, plain text
// whatever the operation's error format (§1.2).
func (op *negativeOp) transportCase() negativeCase {
	// A repeated flag-style k is ignored, a repeated k=v is the error.
	k, v := "a", "1"
	for _, a := range op.base {
		if a.v != "" {
			k, v = a.k, a.v
			break
		}
	}
	args := append(without(op.base, k), queryArg{k, v}, queryArg{k, v})
	return op.newCase("transport: repeated argument", args, op.baseBody(), "failed to parse request: ERR_INVALID_PARAMETERS: duplicate parameter: "+k)
}

// paramX is the part of a parameter's x-pegasus the cases need.
type paramX struct {
	Kind      string  `json:"kind"`
	Missing   *string `json:"missing"`
	Empty     *string `json:"empty"`
	Invalid   *string `json:"invalid"`
	OnInvalid string  `json:"on-invalid"`
}

// paramCases breaks each rule of one parameter.
func (op *negativeOp) paramCases(t *testing.T, p *openapi3.Parameter) []negativeCase {
	var x paramX
	decodeExtension(t, p.Extensions["x-pegasus"], &x)
	s := p.Schema.Value
	var out []negativeCase
	// send sends args, expecting msg with {value} filled in.
	send := func(rule string, args []queryArg, value string, msg *string) {
		if msg == nil {
			t.Errorf("%s %s: parameter %s: the spec states %s, but x-pegasus gives no text for it", op.route.Method, op.route.Path, p.Name, rule)
			return
		}
		text := strings.ReplaceAll(*msg, "{value}", value)
		out = append(out, op.newCase(p.Name+": "+rule, args, op.baseBody(), op.text(text)))
	}
	add := func(rule, value string, msg *string) { send(rule, with(op.base, p.Name, value), value, msg) }
	// A rule is taken from the schema (what standard tools see) and from
	// x-pegasus (what the generated server enforces), so that one written
	// only for the generator shows as a gap.
	if p.Required || x.Missing != nil {
		send("required", without(op.base, p.Name), "", x.Missing)
	}
	if s.MinLength > 0 || x.Empty != nil {
		add("minLength", "", x.Empty)
	}
	if x.OnInvalid == "ignore" {
		return out
	}
	switch {
	case x.Kind == "pairs":
		add("pairs (an odd count)", "a", x.Invalid)
	case (x.Kind == "" || x.Kind == "value") && s.Type.Is("integer"):
		add("type integer", "x", x.Invalid)
		add("type integer (empty)", "", x.Invalid)
		if s.Min != nil {
			add("minimum", strconv.FormatInt(int64(*s.Min)-1, 10), x.Invalid)
		}
		switch s.Format {
		case "int32":
			add("format int32", "2147483648", x.Invalid)
		case "uint32":
			add("format uint32", "4294967296", x.Invalid)
		}
	case (x.Kind == "" || x.Kind == "value") && s.Type.Is("boolean"):
		add("type boolean", "yes", x.Invalid)
		add("type boolean (empty)", "", x.Invalid)
	}
	return out
}

// memberX is the part of a body member's extensions the cases need.
type memberX struct {
	Invalid      string         `json:"x-pegasus-invalid"`
	RequiredWhen map[string]any `json:"x-pegasus-required-when"`
}

// bodyCases breaks each rule of each member of a JSON body, and the body's
// own (not an object).
func (op *negativeOp) bodyCases(t *testing.T) []negativeCase {
	rb := op.route.Operation.RequestBody
	if rb == nil || rb.Value == nil || rb.Value.Content["application/json"] == nil {
		return nil
	}
	s := rb.Value.Content["application/json"].Schema.Value
	if op.body == nil {
		t.Errorf("%s %s: no example request answered 200 to build cases from", op.route.Method, op.route.Path)
		return nil
	}
	out := []negativeCase{
		op.newCase("body: type object", op.base, "[]", op.bodyInvalid),
		op.newCase("body: required", op.base, "", op.bodyInvalid),
	}
	// Each case breaks one rule, so the order the server checks them in
	// does not matter here.
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		ms := s.Properties[name].Value
		var x memberX
		decodeExtension(t, ms.Extensions, &x)
		change := func(rule string, edit func(b map[string]any), want string) {
			b := map[string]any{}
			for k, v := range op.body {
				b[k] = v
			}
			edit(b)
			data, _ := json.Marshal(b)
			out = append(out, op.newCase(name+": "+rule, op.base, string(data), want))
		}
		set := func(v any) func(map[string]any) { return func(b map[string]any) { b[name] = v } }
		if contains(s.Required, name) || x.Invalid != "" && rejectsEmpty(ms) {
			change("required", func(b map[string]any) { delete(b, name) }, x.Invalid)
		}
		if ms.MinLength > 0 {
			change("minLength", set(""), x.Invalid)
		}
		if len(ms.Enum) > 0 {
			change("enum", set("not_"+fmt.Sprint(ms.Enum[0])), x.Invalid)
		}
		if ms.Min != nil {
			change("minimum", set(int64(*ms.Min)-1), x.Invalid)
		}
		switch {
		case ms.Type.Is("string"):
			change("type string", set(1), op.bodyInvalid)
		case ms.Type.Is("integer"):
			change("type integer", set("0"), op.bodyInvalid)
			if ms.Format == "int32" {
				change("format int32", set(int64(1)<<31), op.bodyInvalid)
			}
		}
		for other, v := range x.RequiredWhen {
			change(fmt.Sprintf("required when %s is %v", other, v), func(b map[string]any) { b[other] = v; b[name] = "" }, x.Invalid)
		}
	}
	return out
}

// rejectsEmpty reports whether a string member's own rule rejects "", the
// value json_helper leaves an absent member.
func rejectsEmpty(s *openapi3.Schema) bool {
	if !s.Type.Is("string") {
		return false
	}
	if s.MinLength > 0 {
		return true
	}
	return len(s.Enum) > 0 && !slices.Contains(s.Enum, any(""))
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// loadNegativeExceptions reads the table of spec/CONVENTIONS.md.
func loadNegativeExceptions(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../spec/CONVENTIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(data), "### Rules OpenAPI cannot say")
	if !ok {
		t.Fatal(`spec/CONVENTIONS.md has no "### Rules OpenAPI cannot say" section`)
	}
	out := map[string]string{}
	for _, line := range strings.Split(table, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if !strings.HasPrefix(line, "|") || len(cells) != 3 {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if cells[0] == "operations" || strings.HasPrefix(cells[0], "-") {
			continue
		}
		for _, op := range strings.Split(cells[0], ",") {
			out[strings.Trim(strings.TrimSpace(op), "`")+": "+strings.Trim(cells[1], "`")] = cells[2]
		}
	}
	if len(out) == 0 {
		t.Fatal("spec/CONVENTIONS.md: no rows under Rules OpenAPI cannot say")
	}
	return out
}

// TestNegativeRequests sends every rule-breaking request the spec implies
// (negativeCases) to the onebox: each must get the documented 400 with the
// exact text; openapi3filter must reject the request (else the spec does not
// tell standard tools of a rule the server has: a spec gap), but for the
// rules listed in spec/CONVENTIONS.md with the wire fact that keeps OpenAPI
// from saying them; and it must accept the answer.
func TestNegativeRequests(t *testing.T) {
	openapi3filter.RegisterBodyDecoder("text/plain", textPlainAsJSON)
	t.Cleanup(func() { openapi3filter.UnregisterBodyDecoder("text/plain") })
	doc, _ := specExchanges(t)
	cases := negativeCases(t, doc)
	if len(cases) < 60 {
		t.Fatalf("only %d negative cases derived from the spec", len(cases))
	}
	exceptions := loadNegativeExceptions(t)
	used := map[string]bool{}
	c := startOnebox(t, onebox.Options{State: cluster.DefaultState(), MetaFeatures: map[meta.Feature]bool{meta.FeatureEnvsList: true}})
	servers := map[string]string{"meta": c.MetaAddrs()[0], "replica": c.ReplicaAddrs()[0]}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}
	for _, nc := range cases {
		for _, role := range nc.roles {
			status, body, reqErr, respErr := sendNegative(t, client, opts, servers[role], nc)
			key := nc.route.Operation.OperationID + ": " + nc.rule
			why, listed := exceptions[key]
			if !listed {
				if why, listed = exceptions["*: "+nc.rule]; listed {
					key = "*: " + nc.rule
				}
			}
			if status != nc.status || body != nc.want {
				t.Errorf("%s on %s: answered %d %q, the spec says %d %q", nc, role, status, body, nc.status, nc.want)
			}
			if respErr != nil {
				t.Errorf("%s on %s: the answer does not validate: %v", nc, role, respErr)
			}
			switch {
			case reqErr == nil && listed:
				used[key] = true
			case reqErr == nil:
				t.Errorf("%s: spec gap: the server answers 400 %q, but openapi3filter accepts the request (%s?%s): state the rule in the schema, or list %q in spec/CONVENTIONS.md with the wire fact", nc, body, nc.route.Path, nc.query, key)
			case listed:
				t.Errorf("%s: listed in spec/CONVENTIONS.md (%s), but openapi3filter rejects it: remove the row", key, why)
			}
		}
	}
	for k := range exceptions {
		if !used[k] {
			t.Errorf("spec/CONVENTIONS.md lists %q, which is no rule-breaking request the spec implies", k)
		}
	}
	t.Logf("%d rule-breaking requests, %d accepted by openapi3filter as listed", len(cases), len(used))
}

// sendNegative sends one case and validates request and answer.
func sendNegative(t *testing.T, client *http.Client, opts *openapi3filter.Options, addr string, nc negativeCase) (status int, body string, reqErr, respErr error) {
	t.Helper()
	newReq := func() *http.Request {
		var rd io.Reader
		if nc.body != "" {
			rd = strings.NewReader(nc.body)
		}
		req, err := http.NewRequest(nc.route.Method, "http://"+addr+nc.route.Path, rd)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.RawQuery = nc.query
		if nc.route.Operation.RequestBody != nil {
			req.Header.Set("Content-Type", "application/json") // the server reads none; a validator does
		}
		return req
	}
	in := &openapi3filter.RequestValidationInput{Request: newReq(), Route: nc.route, Options: opts}
	reqErr = openapi3filter.ValidateRequest(context.Background(), in)
	resp, err := client.Do(newReq())
	if err != nil {
		t.Fatalf("%s: %v", nc, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", nc, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
	out.SetBodyBytes(data)
	return resp.StatusCode, string(data), reqErr, openapi3filter.ValidateResponse(context.Background(), out)
}

// TestGeneratedServersRejectBeforeHandler sends every rule-breaking request
// to the generated servers over httptest with no handler behind them
// (UnimplementedHandler, which answers 404 service not found): each gets the
// documented 400 with the exact text, so the generated layer answered it and
// a hand-written handler never sees a request the spec calls invalid.
func TestGeneratedServersRejectBeforeHandler(t *testing.T) {
	doc, _ := specExchanges(t)
	all := func() map[string]http.Handler {
		return map[string]http.Handler{
			"meta":    meta.NewServer(meta.UnimplementedHandler{}, &meta.Options{Features: map[meta.Feature]bool{meta.FeatureEnvsList: true, meta.FeaturePprof: true}}),
			"replica": replica.NewServer(replica.UnimplementedHandler{}, &replica.Options{Features: map[replica.Feature]bool{replica.FeaturePprof: true}}),
		}
	}()
	cases := negativeCases(t, doc)
	// The check cannot pass by accident: a request that reaches the
	// handler gets its 404, not a 400.
	probe := httptest.NewRecorder()
	all["meta"].ServeHTTP(probe, httptest.NewRequest(http.MethodGet, "/meta/app?name=temp", nil))
	if probe.Code != http.StatusNotFound {
		t.Fatalf("a valid request to the handler-less server answered %d %q, not the handler's 404", probe.Code, probe.Body.String())
	}
	for _, nc := range cases {
		for _, role := range nc.roles {
			var rd io.Reader
			if nc.body != "" {
				rd = strings.NewReader(nc.body)
			}
			req := httptest.NewRequest(nc.route.Method, nc.route.Path+"?"+nc.query, rd)
			rec := httptest.NewRecorder()
			all[role].ServeHTTP(rec, req)
			if rec.Code != nc.status || rec.Body.String() != nc.want {
				t.Errorf("%s on the generated %s server: answered %d %q (a 404 is the handler's), the spec says %d %q", nc, role, rec.Code, rec.Body.String(), nc.status, nc.want)
			}
		}
	}
}
