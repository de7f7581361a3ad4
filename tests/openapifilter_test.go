package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// wireOnlyRequests are the example requests the servers accept that
// OpenAPI cannot describe, so openapi3filter rejects them (spec/CONVENTIONS.md,
// "Validating with standard tools"): integer arguments parse like C++
// strtoll(s, 0), so hexadecimal is accepted, which no integer schema says.
var wireOnlyRequests = map[string]string{
	"GET /replica/duplication?appid=0x2":   "hexadecimal integer (strtoll base 0)",
	"GET /replica/data_version?app_id=0x3": "hexadecimal integer (strtoll base 0)",
	// The same examples sent as POST (method-of).
	"POST /replica/duplication?appid=0x2":   "hexadecimal integer (strtoll base 0)",
	"POST /replica/data_version?app_id=0x3": "hexadecimal integer (strtoll base 0)",
}

// textPlainAsJSON is the one adapter the text/plain wire forces on a
// standard validator: every body is text/plain (the real servers send no
// other media type), JSON included. Where the schema is a string the body is
// the string; elsewhere the body is JSON, and where a schema allows a
// string besides JSON (GET /config's plain-text error line) a body that is
// not JSON is that string.
func textPlainAsJSON(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if schema == nil || schema.Value == nil || schema.Value.Type.Is("string") {
		return string(data), nil
	}
	var v any
	jerr := json.Unmarshal(data, &v)
	if jerr == nil {
		return v, nil
	}
	for _, alt := range schema.Value.OneOf {
		if alt.Value != nil && alt.Value.Type.Is("string") {
			return string(data), nil
		}
	}
	return nil, fmt.Errorf("text/plain body is neither JSON nor allowed as text: %w", jerr)
}

// specExample is one entry of an operation's x-pegasus-examples.
type specExample struct {
	Query  string `json:"query"`
	Body   string `json:"body"`
	Status int    `json:"status"`
}

// exampleExchange is one example request of one operation.
type exampleExchange struct {
	route *routers.Route
	roles []string
	ex    specExample
}

func (e exampleExchange) String() string {
	s := e.route.Method + " " + e.route.Path
	if e.ex.Query != "" {
		s += "?" + e.ex.Query
	}
	return s
}

// specExchanges loads the spec with kin-openapi and lists the example
// requests of every operation, paths in byte order, GET before POST. An
// operation that only documents a method error (method-error-of) is served
// by the roles of the GET operation beside it. An operation that only
// documents the other method of a methods: any operation (method-of) gets
// that operation's roles and examples: a POST sends each example of the GET
// with the same query, expecting the same status; a GET sends each query of
// the POST without a body, expecting any documented status (Status 0).
func specExchanges(t *testing.T) (*openapi3.T, []exampleExchange) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(spec.Bundled)
	if err != nil {
		t.Fatal(err)
	}
	// Examples are left to the generator, which validates them: here a
	// wrong schema shows as the servers' answers failing it.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("kin-openapi: %v", err)
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	var out []exampleExchange
	for _, p := range paths {
		item := doc.Paths.Value(p)
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			op := item.GetOperation(m)
			if op == nil {
				continue
			}
			var x struct {
				Roles []string `json:"roles"`
			}
			xop, exop := op, op
			xm, _ := op.Extensions["x-pegasus"].(map[string]any)
			if xm["method-error-of"] != nil {
				xop = item.Get
			}
			_, methodOf := xm["method-of"]
			if methodOf {
				xop = item.Get
				if m == http.MethodGet {
					xop = item.Post
				}
				exop = xop
			}
			decodeExtension(t, xop.Extensions["x-pegasus"], &x)
			var exs []specExample
			decodeExtension(t, exop.Extensions["x-pegasus-examples"], &exs)
			if methodOf && len(exs) == 0 {
				t.Fatalf("%s %s: method-of names an operation without examples to send", m, p)
			}
			route := &routers.Route{Spec: doc, Path: p, PathItem: item, Method: m, Operation: op}
			for _, ex := range exs {
				if methodOf && m == http.MethodGet {
					// A GET has no body: the server answers what it
					// answers a POST with an empty one.
					ex.Body, ex.Status = "", 0
				}
				out = append(out, exampleExchange{route: route, roles: x.Roles, ex: ex})
			}
		}
	}
	return doc, out
}

func decodeExtension(t *testing.T, v, dst any) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(raw, dst)
	}
	if err != nil {
		t.Fatalf("extension %s: %v", raw, err)
	}
}

// TestExamplesValidateWithOpenapi3filter sends every example request of the
// spec to the onebox (every server of the operation's roles, the primary
// MetaServer for the meta role) and checks the exchange with kin-openapi's
// openapi3filter, the way a standard OpenAPI validator in front of or behind
// a Pegasus server would: every response must validate (documented status,
// media type and body schema), every request the server accepts (any status
// but 400) must validate except the wire-only inputs listed in
// wireOnlyRequests, and at least one server must answer the example's
// status. The onebox has cold backup and /envs/list on, so that every
// example can be answered as documented.
func TestExamplesValidateWithOpenapi3filter(t *testing.T) {
	openapi3filter.RegisterBodyDecoder("text/plain", textPlainAsJSON)
	t.Cleanup(func() { openapi3filter.UnregisterBodyDecoder("text/plain") })
	_, exchanges := specExchanges(t)
	if len(exchanges) < 100 {
		t.Fatalf("only %d example requests in the spec", len(exchanges))
	}
	st := cluster.DefaultState()
	if st.Config == nil {
		st.Config = map[string]string{}
	}
	st.Config["cold_backup_disabled"] = "false"
	c := startOnebox(t, onebox.Options{State: st, MetaFeatures: map[meta.Feature]bool{meta.FeatureEnvsList: true}})
	servers := map[string][]string{"meta": c.MetaAddrs()[:1], "replica": c.ReplicaAddrs()}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}
	usedExceptions := map[string]bool{}
	for _, e := range exchanges {
		var statuses []int
		for _, role := range e.roles {
			for _, addr := range servers[role] {
				status, reqErr, respErr := validateExchange(t, client, opts, addr, e)
				statuses = append(statuses, status)
				where := fmt.Sprintf("%s (%s %s)", e, role, addr)
				if respErr != nil {
					t.Errorf("%s: response %d does not validate: %v", where, status, respErr)
				}
				why, wireOnly := wireOnlyRequests[e.String()]
				switch {
				case status == http.StatusBadRequest:
				case reqErr != nil && wireOnly:
					usedExceptions[e.String()] = true
					t.Logf("%s: accepted by the server, rejected by openapi3filter as listed (%s)", where, why)
				case reqErr != nil:
					t.Errorf("%s: the server answers %d, but the request does not validate: %v", where, status, reqErr)
				case wireOnly:
					t.Errorf("%s: listed in wireOnlyRequests (%s), but openapi3filter accepts it: remove it", where, why)
				}
			}
		}
		if e.ex.Status != 0 && !containsStatus(statuses, e.ex.Status) {
			t.Errorf("%s: the example says %d, the servers answered %v", e, e.ex.Status, statuses)
		}
	}
	for k := range wireOnlyRequests {
		if !usedExceptions[k] {
			t.Errorf("wireOnlyRequests lists %s, which is not an example request the servers accept", k)
		}
	}
}

func containsStatus(statuses []int, s int) bool {
	for _, x := range statuses {
		if x == s {
			return true
		}
	}
	return false
}

// validateExchange sends one example request to addr and validates the
// request and the response with openapi3filter.
func validateExchange(t *testing.T, client *http.Client, opts *openapi3filter.Options, addr string, e exampleExchange) (status int, reqErr, respErr error) {
	t.Helper()
	var body io.Reader
	if e.ex.Body != "" {
		body = strings.NewReader(e.ex.Body)
	}
	req, err := http.NewRequest(e.route.Method, "http://"+addr+e.route.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.RawQuery = e.ex.Query
	if rb := e.route.Operation.RequestBody; rb != nil && rb.Value != nil {
		for ct := range rb.Value.Content {
			req.Header.Set("Content-Type", ct) // the server reads no Content-Type; a validator does
		}
	}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: e.route, Options: opts}
	reqErr = openapi3filter.ValidateRequest(context.Background(), in)
	if e.ex.Body != "" {
		req.Body = io.NopCloser(strings.NewReader(e.ex.Body)) // ValidateRequest read it
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s to %s: %v", e, addr, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s to %s: %v", e, addr, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
	out.SetBodyBytes(data)
	return resp.StatusCode, reqErr, openapi3filter.ValidateResponse(context.Background(), out)
}
