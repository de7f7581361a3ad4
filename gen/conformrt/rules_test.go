package conformrt

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// rulesAPI is api() with a rule on Thing (count is 3), a pattern on its
// name, and two agreements over the help index: one that holds, one that
// does not. The checks are written as pegasus-gen emits them.
func rulesAPI() *cfAPI {
	a := api()
	a.Types[0].Rules = []int{0, 3}
	a.Types[0].Fields[0].Pattern = "^[a-z]+$"
	a.Rules = []*cfRule{
		{Where: "schema Thing", Source: "int(self.count) == 3", Message: "count is three"},
		{Where: "agreement two", Source: "size(getHelp) == 2", Message: "two lines of help"},
		{Where: "agreement five", Source: "size(getHelp) == 5", Message: "five lines of help"},
		{Where: "schema Thing", Source: `self.ratio != ""`, Message: "a ratio is not empty"},
	}
	a.Agreements = []*cfAgreement{
		{Name: "two", Rule: 1, Reads: []string{"getHelp"}, Paths: []string{"/"}},
		{Name: "five", Rule: 2, Reads: []string{"getHelp"}, Paths: []string{"/"}},
	}
	size := func(n int64) cfRuleFunc {
		return func(e *cfEval) bool { return cfSizeMap(e, cfAsMap(e, cfRead(e, "getHelp"))) == n }
	}
	a.funcs = []cfRuleFunc{
		func(e *cfEval) bool {
			return cfIntOfString(e, cfAsString(e, cfMember(e, cfAsMap(e, e.Self), "count"))) == 3
		},
		size(2), size(5),
		func(e *cfEval) bool { return cfAsString(e, cfMember(e, cfAsMap(e, e.Self), "ratio")) != "" },
	}
	return a
}

// faulty answers as server(""), with edit (old, new) applied to the
// answers.
func faulty(edit ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		server("").ServeHTTP(rec, r)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(rec.Code)
		w.Write([]byte(strings.NewReplacer(edit...).Replace(rec.Body.String())))
	})
}

func TestRulesAndAgreements(t *testing.T) {
	srv := httptest.NewServer(faulty())
	defer srv.Close()
	rep, err := cfCheck(context.Background(), rulesAPI(), Target{Addrs: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	var fails []string
	agreements := 0
	for _, r := range rep.Results {
		if r.Check == CheckAgreement {
			agreements++
		}
		if r.Outcome == Fail {
			fails = append(fails, r.Operation+": "+r.Message+" | "+r.Curl)
		}
	}
	if agreements != 2 || len(fails) != 1 || !strings.Contains(fails[0], "agreement five: $: rule of agreement five broken: five lines of help (size(getHelp) == 5)") ||
		!strings.Contains(fails[0], "| curl ") {
		t.Errorf("%d agreements checked; failures:\n%s", agreements, strings.Join(fails, "\n"))
	}
	for edit, want := range map[[2]string]string{
		{`"count":"3"`, `"count":"7"`}:  `$: rule of schema Thing broken: count is three (int(self.count) == 3); found count="7"`,
		{`,"ratio":"0.50"`, ``}:         `$: rule of schema Thing "a ratio is not empty": self.ratio != "" could not be evaluated: no member "ratio" (guard it with has())`,
		{`"count":"3"`, `"count":"x7"`}: `$.count: want an integer, got "x7"`, // the shape fails: the rule is not read
	} {
		rep, err := cfCheck(context.Background(), rulesAPI(), Target{Handler: faulty(edit[:]...), Operations: []string{"GET /thing"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rep.Results {
			if r.Outcome == Fail {
				got = append(got, r.Message)
			}
		}
		if all := strings.Join(got, "\n"); len(got) == 0 || !strings.Contains(all, want) {
			t.Errorf("%q: failures\n%s\nwant one saying %s", edit, all, want)
		}
		if edit[1] == `"count":"x7"` && strings.Contains(strings.Join(got, "\n"), "rule of") {
			t.Errorf("a rule read a value of the wrong shape:\n%s", strings.Join(got, "\n"))
		}
	}
}

func TestNamedFormats(t *testing.T) {
	for format, cases := range map[string]map[string]bool{
		cfFormatTime:   {"2025-11-24 14:05:12": true, "2025-11-24 14:05:12.000": false, "2025-13-24 14:05:12": false, "-": false, "2025-11-24T14:05:12": false},
		cfFormatTimeMS: {"2025-11-24 14:05:12.000": true, "-": true, "2025-11-24 14:05:12": false, "2025-11-24 24:05:12.000": false},
		cfFormatHost:   {"127.0.0.1:34601": true, "pegasus-onebox:34801": true, "[::1]:80": true, "host": false, "host:": false, "host:65536": false, "host:01": false, ":80": false, "a b:1": false},
		cfFormatHosts:  {"127.0.0.1:34601,127.0.0.1:34602": true, "127.0.0.1:34601": true, "127.0.0.1:34601,": false},
	} {
		for value, ok := range cases {
			if msg := cfFormats[format](value); (msg == "") != ok {
				t.Errorf("%s %q: %q, want ok=%v", format, value, msg, ok)
			}
		}
	}
}

func TestKeywords(t *testing.T) {
	max, pattern := 3, "^[0-9]+$"
	f := &cfField{Pattern: pattern, MinLength: 1, MaxLength: &max, HasMin: true, Min: 0, HasMax: true, Max: 10, Format: cfFormatHost}
	for body, want := range map[string]string{
		`"1a"`:        `does not match the documented pattern`,
		`""`:          `shorter than the documented minLength 1`,
		`"1234"`:      `longer than the documented maxLength 3`,
		`"h:1"`:       `does not match`,
		`11`:          `above the documented maximum 10`,
		`-1`:          `below the documented minimum 0`,
		`"127:8080x"`: `format host-port`,
	} {
		n, err := cfParse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		v := &cfValidator{api: &cfAPI{}}
		v.keywords("$.x", n, f)
		if all := strings.Join(v.errs, "; "); !strings.Contains(all, want) {
			t.Errorf("%s: %q, want %q", body, all, want)
		}
	}
}

// BenchmarkValidateWithRules is the cost of checking one table-format
// answer of 100 rows with a rule over every row (as MetaNodesInfo's count
// of ALIVE rows), against the same check without the rule.
func BenchmarkValidateWithRules(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{"rows":{`)
	for i := range 100 {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(`"h` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `:1":{"status":"ALIVE"}`)
	}
	body.WriteString(`},"alive":"100"}` + "\n")
	row := &cfSchema{Kind: cfStruct, Fields: []*cfField{{Name: "status", Schema: &cfSchema{Kind: cfString}}}}
	top := &cfSchema{Kind: cfStruct, Fields: []*cfField{{Name: "rows", Schema: &cfSchema{Kind: cfMap, Elem: row}}, {Name: "alive", Schema: &cfSchema{Kind: cfInt64, Stringified: true}}}}
	alive := func(e *cfEval) bool {
		rows := cfAsMap(e, cfMember(e, cfAsMap(e, e.Self), "rows"))
		return cfSizeList(e, cfMapFilter(e, cfKeys(e, rows), func(k any) bool {
			return cfAsString(e, cfMember(e, cfAsMap(e, cfMember(e, rows, cfAsString(e, k))), "status")) == "ALIVE"
		}, func(k any) any { return k })) == cfIntOfString(e, cfAsString(e, cfMember(e, cfAsMap(e, e.Self), "alive")))
	}
	for _, rules := range []bool{false, true} {
		api := &cfAPI{Rules: []*cfRule{{Where: "schema T", Source: "...", Message: "alive counts ALIVE rows"}}, funcs: []cfRuleFunc{alive}}
		resp := &cfResponse{Status: 200, Format: cfFormatTable, Schema: top}
		if rules {
			resp.Rules = []int{0}
		}
		r := &cfRun{api: api}
		ctx := &cfRuleCtx{args: map[string]any{}}
		b.Run(map[bool]string{false: "shape", true: "shape+rule"}[rules], func(b *testing.B) {
			for b.Loop() {
				if p := r.validateBody(resp, []byte(body.String()), ctx); len(p) > 0 {
					b.Fatal(p)
				}
			}
		})
	}
}

// FuzzRulesOnAnswers: whatever a server answers, a rule's check and the
// keyword checks give a result or a reason, never a panic. The rules read
// members of several types, index, convert and range over the answer.
func FuzzRulesOnAnswers(f *testing.F) {
	for _, s := range []string{`{"a":"12","l":[1,2.5,"x",null],"m":{"k":{"a":"1"}}}`, `[]`, `null`, `"x"`, `{"a":1e400}`,
		`{"a":"-9223372036854775808","l":[-9223372036854775808],"m":{}}`, `{"a":"9223372036854775807","l":[[],{}]}`} {
		f.Add([]byte(s))
	}
	rules := []cfRuleFunc{
		func(e *cfEval) bool {
			self := cfAsMap(e, e.Self)
			return cfAddInt(e, cfIntOfString(e, cfAsString(e, cfMember(e, self, "a"))), 1) > cfSizeList(e, cfAsList(e, cfMember(e, self, "l")))
		},
		func(e *cfEval) bool {
			l := cfAsList(e, cfMember(e, cfAsMap(e, e.Self), "l"))
			return cfAll(e, l, func(v any) bool { return cfMulInt(e, cfIntOf(e, v), 3) >= cfNegInt(e, cfAsInt(e, cfIndex(e, l, 0))) })
		},
		func(e *cfEval) bool {
			m := cfAsMap(e, cfMember(e, cfAsMap(e, e.Self), "m"))
			return cfExistsOne(e, cfKeys(e, m), func(k any) bool {
				return cfEqual(e, cfMember(e, m, cfAsString(e, k)), map[string]any{"a": "1"}) || cfDoubleOf(e, cfItems(e, k)) > 0
			})
		},
		func(e *cfEval) bool {
			return cfOr(e, func() bool { return cfDivInt(e, cfSize(e, e.Self), cfModInt(e, cfIntOf(e, e.Self), 2)) == 0 },
				func() bool { return cfMatchesRE(e, cfStringOf(e, e.Self), "^x") })
		},
	}
	field := &cfField{Pattern: "^[0-9]+$", MinLength: 1, HasMin: true, HasMax: true, Max: 5, Format: cfFormatHost}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := cfParse(data)
		if err != nil {
			return
		}
		for _, r := range rules {
			r(&cfEval{Self: cfValue(n)})
		}
		(&cfValidator{api: &cfAPI{}}).keywords("$", n, field)
	})
}

// TestRulesBesideKeywordFailures: a value that breaks a pattern keeps its
// shape, so the rules of the object holding it are checked in the same
// run; one failure does not hide another until it is fixed.
func TestRulesBesideKeywordFailures(t *testing.T) {
	edit := []string{`"count":"3"`, `"count":"7"`, `{"name":"`, `{"name":"UPPER`}
	rep, err := cfCheck(context.Background(), rulesAPI(), Target{Handler: faulty(edit...), Operations: []string{"GET /thing"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		if r.Outcome == Fail {
			got = append(got, r.Message)
		}
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"does not match the documented pattern ^[a-z]+$", "rule of schema Thing broken: count is three"} {
		if !strings.Contains(all, want) {
			t.Errorf("failures\n%s\nwant one saying %s", all, want)
		}
	}
}

// TestAgreementsShareAFailedRead: when the operation two agreements read
// fails, both fail; the second must not pass on the first's cached read.
func TestAgreementsShareAFailedRead(t *testing.T) {
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Trim(r.URL.Path, "/") == "" {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(500)
			return
		}
		server("").ServeHTTP(w, r)
	})
	rep, err := cfCheck(context.Background(), rulesAPI(), Target{Handler: broken})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rep.Results {
		if r.Check != CheckAgreement {
			continue
		}
		n++
		if r.Outcome != Fail || !strings.Contains(r.Message, "getHelp answered 500") {
			t.Errorf("%s: %s %q, want a failure naming getHelp's 500", r.Operation, r.Outcome, r.Message)
		}
	}
	if n != 2 {
		t.Errorf("%d agreements checked, want both", n)
	}
}
