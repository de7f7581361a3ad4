package conformrt

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// TestNumberingMatchesIR pins the engine's constants to the IR's: the
// generator writes the IR's values into the tables as they are.
func TestNumberingMatchesIR(t *testing.T) {
	pairs := [][2]int{
		{cfString, int(ir.String)}, {cfInt32, int(ir.Int32)}, {cfInt64, int(ir.Int64)}, {cfUint32, int(ir.Uint32)},
		{cfUint64, int(ir.Uint64)}, {cfFloat64, int(ir.Float64)}, {cfBool, int(ir.Bool)}, {cfBytes, int(ir.Bytes)},
		{cfStruct, int(ir.Struct)}, {cfOrderedMap, int(ir.OrderedMap)}, {cfMap, int(ir.Map)}, {cfSlice, int(ir.Slice)},
		{cfAny, int(ir.Any)}, {cfNumber, int(ir.Number)},
		{cfFormatEmpty, int(ir.FormatEmpty)}, {cfFormatTable, int(ir.FormatTable)}, {cfFormatSorted, int(ir.FormatSorted)},
		{cfFormatPretty4, int(ir.FormatPretty4)}, {cfFormatPretty2, int(ir.FormatPretty2)}, {cfFormatText, int(ir.FormatText)},
		{cfFormatBinary, int(ir.FormatBinary)},
		{cfValueParam, int(ir.ValueParam)}, {cfFlagParam, int(ir.FlagParam)}, {cfListParam, int(ir.ListParam)},
		{cfPairsParam, int(ir.PairsParam)}, {cfFreeFormParam, int(ir.FreeFormParam)},
		{cfAnyMethod, int(ir.AnyMethod)}, {cfGetOnly, int(ir.GetOnly)}, {cfExactMethod, int(ir.ExactMethod)},
		{cfNoRedirect, int(ir.NoRedirect)}, {cfRedirectFirst, int(ir.RedirectFirst)}, {cfRedirectAfterNames, int(ir.RedirectAfterNames)},
	}
	for i, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("constant %d: engine %d, IR %d", i, p[0], p[1])
		}
	}
}

func TestRenderFormats(t *testing.T) {
	for _, tc := range []struct {
		format int
		body   string
	}{
		{cfFormatTable, `{"b":"1","a":{"x":"\u00e9\"","y":[]}}` + "\n"},
		{cfFormatSorted, `{"a":1,"b":[1.5,true,null],"c":{}}`},
		{cfFormatPretty4, "{\n    \"z\": 5.0,\n    \"a\": [\n        {\n            \"k\": \"v\"\n        }\n    ],\n    \"e\": {}\n}"},
		{cfFormatPretty2, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"\\u001F\"\n}"},
	} {
		n, err := cfParse([]byte(tc.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if got := string(cfRender(n, tc.format)); got != tc.body {
			t.Errorf("format %s: render\n%q, want\n%q", cfFormatName(tc.format), got, tc.body)
		}
	}
	// What each format must reject.
	for _, tc := range []struct {
		format int
		body   string
	}{
		{cfFormatTable, `{"a":"1"}`},                       // no newline
		{cfFormatTable, `{"a": "1"}` + "\n"},               // a space
		{cfFormatSorted, `{"b":1,"a":2}`},                  // unsorted
		{cfFormatSorted, `{"a":1}` + "\n"},                 // a newline
		{cfFormatPretty4, "{\n  \"a\": 1\n}"},              // two spaces
		{cfFormatPretty2, "{\n  \"b\": 1,\n  \"a\": 2\n}"}, // unsorted
	} {
		n, err := cfParse([]byte(tc.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if got := string(cfRender(n, tc.format)); got == tc.body {
			t.Errorf("format %s accepts %q", cfFormatName(tc.format), tc.body)
		}
	}
	for _, bad := range []string{`{"a":1,}`, `{"a"}`, `[1 2]`, `{"a":01x}`, `"x`, `{} {}`} {
		if _, err := cfParse([]byte(bad)); err == nil {
			t.Errorf("cfParse(%q) accepted", bad)
		}
	}
}

// api is a hand-built table of one operation: GET /thing?name=<n>[&all],
// table format {"name": string, "count": int64 as a string}.
func api() *cfAPI {
	missing, empty, notFound := "name is required", "name is empty", "no thing none"
	thing := &cfSchema{Name: "Thing", Kind: cfStruct, Fields: []*cfField{
		{Name: "name", Schema: &cfSchema{Kind: cfString}, Required: true},
		{Name: "count", Schema: &cfSchema{Kind: cfInt64, Stringified: true}, Required: true},
		{Name: "ratio", Schema: &cfSchema{Kind: cfFloat64, Stringified: true, Decimals: 2}},
	}}
	return &cfAPI{Role: "r", Help: []cfHelp{{Path: "/", Text: "List."}, {Path: "/thing", Text: "name=<n>. Get a thing."}},
		Types: []*cfSchema{thing},
		Ops: []*cfOp{
			{Name: "GetHelp", Method: "GET", Path: "/", HelpIndex: true, Responses: []*cfResponse{{Status: 200, Format: cfFormatTable, ContentType: "text/plain", Schema: &cfSchema{Kind: cfMap, Elem: &cfSchema{Kind: cfString}}}}},
			{Name: "GetThing", Method: "GET", Path: "/thing", RejectUnknown: true, UnknownBody: "unknown {name}",
				Params: []*cfParam{{Name: "name", Required: true, Missing: &missing, Empty: &empty, Examples: []string{"a"}}, {Name: "all", Kind: cfFlagParam}},
				Responses: []*cfResponse{
					{Status: 200, Format: cfFormatTable, ContentType: "text/plain", Schema: &cfSchema{Ref: 1}},
					{Status: 400, Format: cfFormatText, ContentType: "text/plain", Texts: []string{missing, empty, "unknown conform_unknown"}},
					{Status: 404, Format: cfFormatText, ContentType: "text/plain", Pattern: "^no thing .+$"},
				},
				Examples: []cfExample{{Query: "name=a", Status: 200}, {Query: "", Status: 400}, {Query: "name=none", Status: 404, Answer: &notFound}}},
		}}
}

// server answers api() faithfully, then with fault applied to /thing.
func server(fault string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		path := strings.Trim(r.URL.Path, "/")
		for strings.Contains(path, "//") {
			path = strings.ReplaceAll(path, "//", "/")
		}
		args := map[string]string{}
		for _, kv := range strings.Split(r.URL.RawQuery, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			if _, dup := args[k]; dup && strings.Contains(kv, "=") {
				w.WriteHeader(400)
				w.Write([]byte(cfDuplicateParam + k))
				return
			}
			args[k] = v
		}
		switch path {
		case "":
			w.Write([]byte(`{"/":"List.","/thing":"name=<n>. Get a thing."}` + "\n"))
		case "thing":
			if fault == "unimplemented" {
				// What the generated server does for an operation left
				// to the Unimplemented type.
				if n, ok := w.(interface{ PegasusUnimplemented() }); ok {
					n.PegasusUnimplemented()
				}
				w.WriteHeader(404)
				w.Write([]byte(`service not found for "thing"`))
				return
			}
			for k := range args {
				if k != "name" && k != "all" && fault != "accept unknown" {
					w.WriteHeader(400)
					w.Write([]byte("unknown " + k))
					return
				}
			}
			name, ok := args["name"]
			switch {
			case !ok:
				w.WriteHeader(400)
				w.Write([]byte("name is required"))
			case name == "":
				w.WriteHeader(400)
				w.Write([]byte("name is empty"))
			case name == "none" && fault == "400 for none":
				w.WriteHeader(400)
				w.Write([]byte("name is empty"))
			case name == "none" && fault == "other 404 text":
				w.WriteHeader(404)
				w.Write([]byte("no thing at all"))
			case name == "none":
				w.WriteHeader(404)
				w.Write([]byte("no thing none"))
			case fault == "number":
				w.Write([]byte(`{"name":"` + name + `","count":3}` + "\n"))
			case fault == "decimals":
				w.Write([]byte(`{"name":"` + name + `","count":"3","ratio":"0.5"}` + "\n"))
			case fault == "order":
				w.Write([]byte(`{"count":"3","name":"` + name + `"}` + "\n"))
			case fault == "extra":
				w.Write([]byte(`{"name":"` + name + `","count":"3","more":"x"}` + "\n"))
			default:
				w.Write([]byte(`{"name":"` + name + `","count":"3","ratio":"0.50"}` + "\n"))
			}
		default:
			w.WriteHeader(404)
			w.Write([]byte(`service not found for "` + path + `"`))
		}
	})
}

func TestEngineOnHandBuiltAPI(t *testing.T) {
	rep, err := cfCheck(context.Background(), api(), Target{Handler: server("")})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Outcome == Fail {
			t.Errorf("faithful server: %s %s %s: %s", r.Check, r.Operation, r.Case, r.Message)
		}
	}
	if n := rep.Count(Pass); n < 15 {
		t.Errorf("only %d cases passed", n)
	}
	for fault, want := range map[string]string{
		"number":         "want an int64 sent as a JSON string, got the number 3",
		"decimals":       "want a number with 2 decimals",
		"order":          `member "name" comes after "count"`,
		"extra":          `undocumented member "more"`,
		"accept unknown": "status 200, want 400",
		// Every example's status is checked, not only the 400s, and its
		// body where the spec names the answer.
		"400 for none":   "status 400, but the spec's example is answered 404",
		"other 404 text": `body "no thing at all", but the spec's example is answered "no thing none"`,
	} {
		rep, err := cfCheck(context.Background(), api(), Target{Handler: server(fault), DefaultState: true})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rep.Results {
			// In process there is no address to curl: the request itself
			// is given instead.
			found = found || r.Outcome == Fail && strings.Contains(r.Message, want) && r.Curl == "" && strings.HasPrefix(r.Request, "GET /thing")
		}
		if !found {
			t.Errorf("fault %q: no failure saying %q", fault, want)
		}
	}
	// A server in a state of its own may answer an example 404 where the
	// onebox answers 200, or with other data, but never 400 for valid
	// arguments.
	for fault, wantFail := range map[string]string{"400 for none": "its arguments are valid whatever the cluster holds", "other 404 text": ""} {
		rep, err := cfCheck(context.Background(), api(), Target{Handler: server(fault)})
		if err != nil {
			t.Fatal(err)
		}
		var failed []string
		for _, r := range rep.Results {
			if r.Outcome == Fail {
				failed = append(failed, r.Message)
			}
		}
		if wantFail == "" && len(failed) > 0 || wantFail != "" && !strings.Contains(strings.Join(failed, "\n"), wantFail) {
			t.Errorf("fault %q outside the default state: failures %q, want one saying %q", fault, failed, wantFail)
		}
	}
}

// TestPartialServer: an operation the handler leaves unimplemented is
// named and skipped, not failed, unless the target requires completeness;
// against an address nothing can tell, so it fails.
func TestPartialServer(t *testing.T) {
	rep, err := cfCheck(context.Background(), api(), Target{Handler: server("unimplemented")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		for _, r := range rep.Results {
			if r.Outcome == Fail {
				t.Errorf("%s %s %s: %s", r.Check, r.Operation, r.Case, r.Message)
			}
		}
	}
	if len(rep.NotImplemented) != 1 || rep.NotImplemented[0] != "GET /thing" {
		t.Errorf("not implemented: %q, want [GET /thing]", rep.NotImplemented)
	}
	var sum strings.Builder
	rep.WriteSummary(&sum)
	if !strings.Contains(sum.String(), "not implemented (1): GET /thing") {
		t.Errorf("summary does not name the operation:\n%s", sum.String())
	}
	rep, err = cfCheck(context.Background(), api(), Target{Handler: server("unimplemented"), RequireComplete: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Failed() {
		t.Error("RequireComplete: an unimplemented operation passed")
	}
	srv := httptest.NewServer(server("unimplemented"))
	defer srv.Close()
	rep, err = cfCheck(context.Background(), api(), Target{Addrs: []string{srv.URL}}) // http:// accepted
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() || len(rep.NotImplemented) != 1 {
		t.Errorf("live target: failed %v, not implemented %q; want GET /thing named from its 404", rep.Failed(), rep.NotImplemented)
	}
	rep, err = cfCheck(context.Background(), api(), Target{Addrs: []string{srv.URL}, RequireComplete: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Failed() {
		t.Error("live target, RequireComplete: an unimplemented operation passed")
	}
}

// TestOperationsAndNames: a run limited by name checks only those
// operations, an unknown name is refused, and subtest names carry no
// port of an in-process server.
func TestOperationsAndNames(t *testing.T) {
	for _, sel := range [][]string{{"GET /"}, {"/"}, {"GetHelp"}} {
		rep, err := cfCheck(context.Background(), api(), Target{Handler: server(""), Operations: sel})
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, r := range rep.Results {
			if r.Operation == "GET /thing" {
				t.Errorf("%q: GET /thing was checked", sel)
				break
			}
			if r.Operation == "GET /" {
				checked++
			}
		}
		if checked == 0 {
			t.Errorf("%q: GET / was not checked", sel)
		}
	}
	if _, err := cfCheck(context.Background(), api(), Target{Handler: server(""), Operations: []string{"GetThings"}}); err == nil || !strings.Contains(err.Error(), "GetThing") {
		t.Errorf("unknown operation: %v, want an error listing the operations", err)
	}
	rep, err := cfCheck(context.Background(), api(), Target{Handler: server("order")})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if name := cfSubtestName(rep, r); strings.Contains(name, "127.0.0.1") || r.Server != InProcess {
			t.Errorf("subtest %q, server %q: names a port", name, r.Server)
		}
	}
}

// TestOneServerDown: the others are checked, the one down is named.
func TestOneServerDown(t *testing.T) {
	srv := httptest.NewServer(server(""))
	down := httptest.NewServer(server(""))
	downAddr := strings.TrimPrefix(down.URL, "http://")
	down.Close()
	defer srv.Close()
	rep, err := cfCheck(context.Background(), api(), Target{Addrs: []string{srv.URL, downAddr}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unreachable) != 1 || rep.Unreachable[0] != downAddr || len(rep.Servers) != 1 {
		t.Fatalf("unreachable %q, servers %q", rep.Unreachable, rep.Servers)
	}
	if rep.Count(Pass) < 15 || !rep.Failed() {
		t.Errorf("%d passed, failed %v: the live server must be checked and the run must fail", rep.Count(Pass), rep.Failed())
	}
	var junit strings.Builder
	rep.WriteJUnit(&junit)
	if !strings.Contains(junit.String(), `classname="r.help_index.127_0_0_1_`) {
		t.Errorf("JUnit class names cut the address at its dots:\n%s", junit.String())
	}
}

func TestBodyOutcome(t *testing.T) {
	s := &cfSchema{Kind: cfStruct, Fields: []*cfField{
		{Name: "app", Schema: &cfSchema{Kind: cfString}, MinLength: 1, Invalid: "app empty"},
		{Name: "level", Schema: &cfSchema{Kind: cfInt32}, HasMin: true, Min: -1, Invalid: "level < -1"},
		{Name: "type", Schema: &cfSchema{Kind: cfString}, Enum: []string{"once", "periodic"}, Invalid: "bad type"},
		{Name: "at", Schema: &cfSchema{Kind: cfString}, WhenField: "type", WhenValue: "periodic", Invalid: "at needed"},
		{Name: "on", Schema: &cfSchema{Kind: cfBool}},
	}}
	r := newCfRun(&cfAPI{}, Target{})
	b := &cfBody{Schema: s, Invalid: "invalid structure"}
	for body, want := range map[string]string{
		``:   "invalid structure",
		`[]`: "invalid structure",
		`{"app":"t","level":0,"type":"once","at":"","on":true}`:          "",
		`{"app":"t","level":0,"type":"once","at":"","on":1}`:             "", // bools read as int32 too
		`{"app":"t","level":"0","type":"once","at":"","on":true}`:        "invalid structure",
		`{"app":"t","level":2147483648,"type":"once","at":"","on":true}`: "invalid structure",
		`{"app":"t","level":0,"type":"once","on":true,"x":1}`:            "invalid structure", // a field missing and an unknown member
		`{"app":"t","level":0,"type":"once","at":"","on":true,"x":1}`:    "",                  // all listed present: unknown tolerated
		`{}`: "app empty",
		`{"app":"t","level":-2,"type":"once","at":"","on":true}`:    "level < -1",
		`{"app":"t","level":0,"type":"twice","at":"","on":true}`:    "bad type",
		`{"app":"t","level":0,"type":"periodic","at":"","on":true}`: "at needed",
	} {
		got, refused := r.bodyOutcome(b, body)
		if refused != (want != "") || got != want {
			t.Errorf("bodyOutcome(%s) = %q, %v; want %q", body, got, refused, want)
		}
	}
}

func TestLocationsAndArgs(t *testing.T) {
	if !sameLocation("http://h/p?a=1&b=", "http://h/p?b=&a=1") || sameLocation("http://h/p?a=1", "http://h/q?a=1") {
		t.Error("sameLocation")
	}
	args := cfDecode("a=1&flag&b=")
	if len(args) != 3 || !args[1].flag || args[2].flag || cfEncode(args) != "a=1&flag&b=" {
		t.Errorf("cfDecode/cfEncode: %+v", args)
	}
	if got := argSet("b=2&a=1&c"); got != "a=1&b=2&c=" {
		t.Errorf("argSet = %q", got)
	}
	if got := cfCurl(cfRequest{Method: "POST", Path: "/p", Query: "a='x'", Body: `{"k":1}`, ContentType: "application/json"}, "127.0.0.1:1"); got != `curl -sS -i -X POST -H 'Content-Type: application/json' --data-binary '{"k":1}' 'http://127.0.0.1:1/p?a='\''x'\'''` {
		t.Errorf("curl = %s", got)
	}
}

// TestEnumChecked: an answer's member outside its documented values fails.
func TestEnumChecked(t *testing.T) {
	s := &cfSchema{Kind: cfStruct, Fields: []*cfField{{Name: "status", Schema: &cfSchema{Kind: cfString}, Enum: []string{"AVAILABLE", "DROPPED"}}}}
	for body, ok := range map[string]bool{`{"status":"AVAILABLE"}`: true, `{"status":"available"}`: false} {
		n, err := cfParse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		v := &cfValidator{api: &cfAPI{}}
		v.check("body", n, s, false)
		if (len(v.errs) == 0) != ok {
			t.Errorf("%s: errors %q", body, v.errs)
		}
	}
}

// TestUnimplementedPerServer: one server's missing operation hides
// nothing of another server's answers to it.
func TestUnimplementedPerServer(t *testing.T) {
	gap, wrong := httptest.NewServer(server("unimplemented")), httptest.NewServer(server("order"))
	defer gap.Close()
	defer wrong.Close()
	for _, order := range [][]string{{gap.URL, wrong.URL}, {wrong.URL, gap.URL}} {
		rep, err := cfCheck(context.Background(), api(), Target{Addrs: order})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rep.Results {
			found = found || r.Outcome == Fail && "http://"+r.Server == wrong.URL && strings.Contains(r.Message, "comes after")
		}
		if !found || len(rep.NotImplemented) != 1 {
			t.Errorf("servers %q: the wrong server's failure found %v, not implemented %q", order, found, rep.NotImplemented)
		}
	}
}

// TestBodyVariantsMissingMember: a member absent alone is tried, and
// expected refused with its own text when json_helper's zero breaks its rule
// (a required member), and left out when the zero passes.
func TestBodyVariantsMissingMember(t *testing.T) {
	str := &cfSchema{Kind: cfString}
	i32 := &cfSchema{Kind: cfInt32}
	body := &cfBody{Invalid: "invalid request structure", Schema: &cfSchema{Kind: cfStruct, Fields: []*cfField{
		{Name: "app_name", Schema: str, MinLength: 1, Invalid: "app_name should not be empty"},
		{Name: "level", Schema: i32, HasMin: true, Min: -1, Invalid: "level should be >= -1"},
	}}}
	r := &cfRun{api: &cfAPI{}}
	got := map[string]cfBodyCase{}
	for _, c := range r.bodyVariants(body, `{"app_name":"t","level":0}`) {
		got[c.name] = c
	}
	if c, ok := got["app_name missing"]; !ok || c.body != `{"level":0}` || c.want != "app_name should not be empty" {
		t.Errorf("app_name missing: got %+v (present %v), want body {\"level\":0} refused with app_name should not be empty", c, ok)
	}
	if c, ok := got["level missing"]; ok {
		t.Errorf("level missing is accepted (zero passes its minimum), but was tried: %+v", c)
	}
}

// TestScenarioTextAnswers: a scenario step checks a text answer whole
// (text), by the texts it holds (contains) and by a pattern (matches),
// with variables filled in, and fails on each when the answer differs.
func TestScenarioTextAnswers(t *testing.T) {
	notFound := "no thing {missing}"
	a := api()
	a.Vars = []cfVar{{Name: "missing", Value: "none"}, {Name: "thing", Value: "a"}}
	a.Scenarios = []*cfScenario{{Name: "texts", Steps: []*cfStep{
		{Op: "GetThing", Query: "name={missing}", Status: 404, Text: &notFound},
		{Op: "GetThing", Query: "name={missing}", Status: 404, Contains: []string{"thing {missing}"}, Matches: `^no thing {missing}$`},
		{Op: "GetThing", Query: "name={thing}", Status: 200, Contains: []string{`"count":"3"`}, Matches: `^\{"name":"{thing}",`},
	}}}
	outcome := func(fault string) Result {
		rep, err := cfCheck(context.Background(), a, Target{Handler: server(fault), Mutating: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Results {
			if r.Check == CheckStateful {
				return r
			}
		}
		t.Fatal("no scenario in the report")
		return Result{}
	}
	if r := outcome(""); r.Outcome != Pass {
		t.Fatalf("faithful server: %s %s", r.Outcome, r.Message)
	}
	r := outcome("other 404 text")
	if r.Outcome != Fail || !strings.Contains(r.Message, `body "no thing at all", want "no thing none"`) {
		t.Fatalf("a wrong text passed: %s %s", r.Outcome, r.Message)
	}
	a.Scenarios[0].Steps = a.Scenarios[0].Steps[1:]
	r = outcome("other 404 text")
	if r.Outcome != Fail || !strings.Contains(r.Message, `does not contain "thing none"`) || !strings.Contains(r.Message, "does not match ^no thing none$") {
		t.Fatalf("contains and matches passed a wrong text: %s %s", r.Outcome, r.Message)
	}
}
