package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/irbuild"
)

// evalRules are rules over the object evalType, covering every construct
// of the translated subset (spec/CONVENTIONS.md).
var evalRules = []string{
	`self.i > 3`,
	`self.i + 1 == 5 || self.i * 2 < -7`,
	`self.i / 2 >= 1 && self.i % 3 == 1`,
	`self.i - 9223372036854775807 < 0`,
	`-self.i < 10`,
	`int(self.n) == self.i`,
	`int(self.n) >= 0`,
	`double(self.n) > 1.5`,
	`string(self.i) == self.n`,
	`self.s.startsWith("a") || self.s.endsWith("z") || self.s.contains("mm")`,
	`self.s.matches("^[a-c]+$")`,
	`size(self.s) < 4`,
	`self.s + "x" == "ax"`,
	`self.s < "b"`,
	`self.d * 2.0 > 1.0 && self.d - 0.5 < 3.0 && self.d / 2.0 != 0.25`,
	`int(self.d) == 1`,
	`self.b ? self.i > 0 : self.i <= 0`,
	`!self.b`,
	`has(self.o) && self.o.x > 1`,
	`has(self.o) == has(self.opt)`,
	`self.o.x == 2`,
	`self.l.all(x, x > 0)`,
	`self.l.exists(x, x == 3)`,
	`self.l.exists_one(x, x % 2 == 0)`,
	`self.l.map(x, x * 2).exists(y, y == 4)`,
	`self.l.filter(x, x > 1).size() == 2`,
	`self.l.map(x, x > 0, x + 1) == [2, 3]`,
	`size(self.l) > 0 && self.l[0] == 1`,
	`self.l[2] > 0`,
	`3 in self.l`,
	`self.l + [9] == [1, 9]`,
	`"k" in self.m`,
	`self.m.all(k, self.m[k].size() < 3)`,
	`self.m["k"] == "v"`,
	`self.m == {"k": "v"}`,
	`self.m.exists(k, k.startsWith("a"))`,
	`self.opt == "x"`,
	`dyn(self.i) == 2.0`,
	`self.i == 2 && "detail" in args`,
	`self.o.x > 1 || !has(self.o)`,
	`int(self.n) > 100 && self.b`,
	`self.b || int(self.n) == 2`,
	`self.l.all(x, x != 0 && self.l[x] >= 0)`,
	`self.l.exists(x, self.l[x] == 3 || x == 2)`,
	`self.l.exists_one(x, self.l[x] > 0)`,
	`!(self.opt == "x") && has(self.opt)`,
}

// evalType is the object the rules read: every kind of value a rule meets.
func evalType() (*ir.TypeRef, []*ir.Type) {
	u := &ir.Type{Name: "U", Kind: ir.Struct, Fields: []*ir.Field{{JSONName: "x", Type: &ir.TypeRef{Kind: ir.Int64}}}}
	t := &ir.Type{Name: "T", Kind: ir.Struct, Fields: []*ir.Field{
		{JSONName: "i", Type: &ir.TypeRef{Kind: ir.Int64}},
		{JSONName: "n", Type: &ir.TypeRef{Kind: ir.Int64, Wire: ir.Stringified}},
		{JSONName: "s", Type: &ir.TypeRef{Kind: ir.String}},
		{JSONName: "d", Type: &ir.TypeRef{Kind: ir.Float64}},
		{JSONName: "b", Type: &ir.TypeRef{Kind: ir.Bool}},
		{JSONName: "l", Type: &ir.TypeRef{Kind: ir.Slice, Elem: &ir.TypeRef{Kind: ir.Int64}}},
		{JSONName: "m", Type: &ir.TypeRef{Kind: ir.Map, Elem: &ir.TypeRef{Kind: ir.String}}},
		{JSONName: "o", Type: &ir.TypeRef{Kind: ir.Struct, Named: u}},
		{JSONName: "opt", Type: &ir.TypeRef{Kind: ir.String}},
	}}
	return &ir.TypeRef{Kind: ir.Struct, Named: t}, []*ir.Type{t, u}
}

// randomValue is an object of evalType, members left out at random, the
// strings sometimes not numbers, the numbers sometimes at the edges.
func randomValue(r *rand.Rand) map[string]any {
	pick := func(vals ...any) any { return vals[r.IntN(len(vals))] }
	v := map[string]any{
		"i": pick(int64(0), int64(1), int64(2), int64(4), int64(-3), int64(9223372036854775807), int64(-9223372036854775808), int64(r.IntN(20)-10)),
		"n": pick("0", "2", "-5", "+3", "abc", "", "99999999999999999999", "1.5", fmt.Sprint(r.IntN(10))),
		"s": pick("", "a", "abc", "mm", "zz", "bz", "ümm", "ca"),
		"d": pick(0.0, 0.5, 1.25, 2.0, -3.5, 1e300, r.Float64()*4),
		"b": pick(true, false),
		"l": []any{},
		"m": map[string]any{},
	}
	for range r.IntN(4) {
		v["l"] = append(v["l"].([]any), int64(r.IntN(5)-1))
	}
	for range r.IntN(3) {
		v["m"].(map[string]any)[pick("k", "a", "ab", "z").(string)] = pick("v", "", "vvv").(string)
	}
	if r.IntN(2) == 0 {
		v["o"] = map[string]any{"x": int64(r.IntN(4))}
	}
	if r.IntN(2) == 0 {
		v["opt"] = pick("x", "y")
	}
	for _, k := range []string{"i", "n", "s", "l"} {
		if r.IntN(12) == 0 {
			delete(v, k)
		}
	}
	return v
}

// TestRulesAgreeWithCEL runs the Go the generator emits for each rule on
// random values, and cel-go on the same values: both give the same result,
// or both fail (an absent member, int() of a string that is no integer, an
// overflow), && and || and the macros absorbing errors as CEL's do.
func TestRulesAgreeWithCEL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	self, named := evalType()
	exprs := make([]*ir.Expr, len(evalRules))
	for i, src := range evalRules {
		e, err := irbuild.TranslateRule(src, self, named)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		exprs[i] = e
	}
	r := rand.New(rand.NewPCG(1, 2))
	values := make([]map[string]any, 400)
	for i := range values {
		values[i] = randomValue(r)
	}
	got := runEmitted(t, exprs, values)
	env, err := cel.NewEnv(cel.Variable("self", cel.DynType), cel.Variable("args", cel.MapType(cel.StringType, cel.StringType)))
	if err != nil {
		t.Fatal(err)
	}
	agreed := 0
	for i, src := range evalRules {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", src, iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range values {
			out, _, err := prg.Eval(map[string]any{"self": v, "args": map[string]string{"detail": ""}})
			ours := got[j][i]
			theirs := "error"
			if err == nil {
				theirs = fmt.Sprint(out.Value())
			}
			if ours != theirs {
				t.Errorf("%s on %v: Go %s, cel-go %s (%v)", src, v, ours, theirs, err)
			} else if ours != "error" {
				agreed++
			}
		}
	}
	if agreed < len(evalRules)*len(values)/2 {
		t.Errorf("only %d of %d evaluations gave a result: the values test too little", agreed, len(evalRules)*len(values))
	}
}

// runEmitted builds a program of the bundled engine and the rules as the
// conformance emitter writes them, runs it on values (as JSON, parsed by
// the engine) and returns, per value and rule, "true", "false" or "error".
func runEmitted(t *testing.T, exprs []*ir.Expr, values []map[string]any) [][]string {
	dir := t.TempDir()
	engine := bundledFile("main", "engine", conformBody)
	f := jen.NewFile("main")
	funcs := make([]jen.Code, len(exprs))
	for i, e := range exprs {
		funcs[i] = jen.Func().Params(jen.Id("e").Op("*").Id("cfEval")).Bool().Block(jen.Return(ruleExpr(e)))
	}
	f.Var().Id("rules").Op("=").Index().Id("cfRuleFunc").Values(funcs...)
	f.Func().Id("main").Params().Block(jen.Id("evalMain").Call(jen.Id("rules")))
	var prog bytes.Buffer
	if err := f.Render(&prog); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"go.mod": "module evaltest\n\ngo 1.24\n", "engine.go": string(engine), "rules.go": prog.String(), "main.go": evalMainSource}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	input, _ := json.Marshal(values)
	cmd := exec.Command("go", "run", ".")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(input)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	var got [][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, strings.TrimSpace(string(out)))
	}
	return got
}

// evalMainSource evaluates the rules on each value of the JSON list on
// stdin, each parsed as the engine parses an answer.
const evalMainSource = `package main

import (
	"encoding/json"
	"io"
	"os"
)

func evalMain(rules []cfRuleFunc) {
	data, _ := io.ReadAll(os.Stdin)
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		panic(err)
	}
	out := [][]string{}
	for _, r := range raw {
		n, err := cfParse(r)
		if err != nil {
			panic(err)
		}
		row := []string{}
		for _, rule := range rules {
			e := &cfEval{Self: cfValue(n), Args: map[string]any{"detail": ""}}
			ok := rule(e)
			switch {
			case e.err != nil:
				row = append(row, "error")
			case ok:
				row = append(row, "true")
			default:
				row = append(row, "false")
			}
		}
		out = append(out, row)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`
