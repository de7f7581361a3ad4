package emit

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/conformrt"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// handBuilt is an API written directly as IR, with no spec: emitters must
// work from the IR alone.
func handBuilt() *ir.API {
	str := &ir.TypeRef{Kind: ir.String}
	count := &ir.Field{JSONName: "count", GoName: "Count", Type: &ir.TypeRef{Kind: ir.Int64, Wire: ir.Stringified}, Required: true}
	name := &ir.Field{JSONName: "name", GoName: "Name", Type: str, Required: true}
	thing := &ir.Type{Name: "Thing", GoName: "Thing", Kind: ir.Struct, Fields: []*ir.Field{name, count}, Format: ir.FormatTable}
	missing := "name is required"
	help := &ir.Operation{ID: "getHelp", GoName: "GetHelp", Method: "GET", Path: "/", Key: "", Roles: []string{"r"},
		Builtin: ir.BuiltinHelpIndex, Help: "List <all>.", RequestGoName: "GetHelpRequest", ResponseGoName: "GetHelpResponse", HandlerMethod: "GetHelp"}
	get := &ir.Operation{ID: "getThing", GoName: "GetThing", Method: "GET", Path: "/thing", Key: "thing", Roles: []string{"r"},
		Help: "name=<n>. Get a thing.", RequestGoName: "GetThingRequest", ResponseGoName: "GetThingResponse", HandlerMethod: "GetThing",
		Params: []*ir.Param{
			{Name: "name", GoName: "Name", Kind: ir.ValueParam, Type: str, Required: true, Missing: &missing},
			{Name: "all", GoName: "All", Kind: ir.FlagParam, Type: &ir.TypeRef{Kind: ir.Bool}},
		},
		Responses: []*ir.Response{
			{Status: 200, GoName: "GetThing200", Format: ir.FormatTable, Body: &ir.TypeRef{Kind: ir.Struct, Named: thing}},
			{Status: 400, GoName: "GetThing400", Format: ir.FormatText},
		}}
	role := &ir.Role{Name: "r", Package: "rapi", ConformPackage: "rapiconform", ConformEnv: "PEGASUS_CONFORM_R", Title: "R", DefaultPort: 1, Operations: []*ir.Operation{help, get}, Types: []*ir.Type{thing},
		Help: []*ir.HelpLine{{Path: "/", Help: help.Help}, {Path: "/thing", Help: get.Help}}}
	return &ir.API{Title: "T", Roles: []*ir.Role{role}, Types: []*ir.Type{thing}, Operations: []*ir.Operation{help, get}}
}

func TestEmitHandBuiltIR(t *testing.T) {
	files, err := Emit(handBuilt(), Config{Outputs: AllOutputs})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]string{}
	for _, f := range files {
		byPath[f.Path] = string(f.Data)
	}
	for _, p := range []string{"rapi/api_gen.go", "rapi/types_gen.go", "rapi/server_gen.go", "rapi/client_gen.go", "rapi/runtime_gen.go", "rapi/help_index.json", "docs/http-api.md", "rapiconform/conform_gen.go", "rapiconform/conformrt_gen.go"} {
		if _, ok := byPath[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
	for p, src := range byPath {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		if !strings.HasPrefix(src, "// "+Header+"\n") {
			t.Errorf("%s: first line is not the generated-code marker", p)
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, src, parser.ImportsOnly)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for _, imp := range f.Imports {
			if strings.Contains(strings.Split(imp.Path.Value, "/")[0], ".") {
				t.Errorf("%s imports %s, outside the standard library", p, imp.Path.Value)
			}
		}
	}
	if got, want := byPath["rapi/help_index.json"], `{"/":"List <all>.","/thing":"name=<n>. Get a thing."}`+"\n"; got != want {
		t.Errorf("help index = %q, want %q", got, want)
	}
	for _, want := range []string{
		`b = strconv.AppendInt(b, int64(v.Count), 10)`,
	} {
		if !strings.Contains(byPath["rapi/types_gen.go"], want) {
			t.Errorf("types_gen.go lacks %s", want)
		}
	}
	for _, want := range []string{
		`func (s *server) serveGetThing(`,
		`rtFail(w, 400, "name is required", false)`,
		`if _, ok := q.Get("all"); ok {`,
		`case "thing":`,
		`GetThing(ctx context.Context, req GetThingRequest) (GetThingResponse, error)`,
	} {
		if !strings.Contains(byPath["rapi/server_gen.go"], want) {
			t.Errorf("server_gen.go lacks %s", want)
		}
	}
}

// TestEmitConformTables checks the conformance tables of the hand-built
// IR, as the engine loads them: it reads everything it checks from them.
func TestEmitConformTables(t *testing.T) {
	files, err := Emit(handBuilt(), Config{Outputs: Outputs{Conform: true}})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	src := string(byPath["rapiconform/conform_gen.go"])
	for _, want := range []string{
		"package rapiconform",
		"func Run(t *testing.T, target Target) *Report {",
		"func Check(ctx context.Context, target Target) (*Report, error) {",
		"PEGASUS_CONFORM_R",
		"//go:embed conform_spec.json\nvar cfSpecJSON []byte",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("conform_gen.go lacks %s", want)
		}
	}
	spec := conformrt.Load(byPath["rapiconform/conform_spec.json"])
	if spec.Role != "r" || len(spec.Ops) != 2 || len(spec.Types) != 1 || len(spec.Help) != 2 {
		t.Fatalf("tables: %+v", spec)
	}
	op := spec.Ops[1]
	if op.Path != "/thing" || len(op.Params) != 2 || *op.Params[0].Missing != "name is required" || op.Params[1].Kind != int(ir.FlagParam) {
		t.Errorf("GET /thing: %+v", op)
	}
	if r := op.Responses[0]; r.Format != int(ir.FormatTable) || r.Schema.Ref != 1 {
		t.Errorf("200: %+v", r)
	}
	if f := spec.Types[0].Fields[1]; f.Name != "count" || f.Schema.Kind != int(ir.Int64) || !f.Schema.Stringified || !f.Required {
		t.Errorf("Thing.count: %+v", f)
	}
}

func TestEmitIsDeterministic(t *testing.T) {
	a, err := Emit(handBuilt(), Config{Outputs: AllOutputs})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Emit(handBuilt(), Config{Outputs: AllOutputs})
	if len(a) != len(b) {
		t.Fatal("different file counts")
	}
	for i := range a {
		if a[i].Path != b[i].Path || string(a[i].Data) != string(b[i].Data) {
			t.Errorf("%s differs between two runs", a[i].Path)
		}
	}
}
