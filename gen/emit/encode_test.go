package emit

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// encoderTypes are named types that take every path of the encoder
// emitter in format f: optional members before and after certain ones
// (the separator decided at run time), an object with only optional
// members, nested arrays and unnamed maps (loop variables that must not
// shadow each other), a kept-order table, raw JSON, stringified scalars,
// and, in the key-sorting formats, extra members merged with named ones.
func encoderTypes(f ir.Format, suffix string) []*ir.Type {
	str := &ir.TypeRef{Kind: ir.String}
	i64 := &ir.TypeRef{Kind: ir.Int64}
	inner := &ir.Type{Name: "Inner" + suffix, GoName: "Inner" + suffix, Kind: ir.Struct, Format: f, Fields: []*ir.Field{
		{JSONName: "n", GoName: "N", Type: &ir.TypeRef{Kind: ir.Int64, Wire: ir.Stringified}, Required: true},
		{JSONName: "s", GoName: "S", Type: str},
	}}
	innerRef := &ir.TypeRef{Kind: ir.Struct, Named: inner}
	onlyOpt := &ir.Type{Name: "OnlyOpt" + suffix, GoName: "OnlyOpt" + suffix, Kind: ir.Struct, Format: f, Fields: []*ir.Field{
		{JSONName: "p", GoName: "P", Type: str},
		{JSONName: "q", GoName: "Q", Type: &ir.TypeRef{Kind: ir.Bool}},
	}}
	rows := &ir.Type{Name: "Rows" + suffix, GoName: "Rows" + suffix, Kind: ir.OrderedMap, Format: f, Row: inner, KeyField: inner.Fields[0]}
	obj := &ir.Type{Name: "Obj" + suffix, GoName: "Obj" + suffix, Kind: ir.Struct, Format: f, Fields: []*ir.Field{
		{JSONName: "a", GoName: "A", Type: str},
		{JSONName: "b", GoName: "B", Type: i64},
		{JSONName: "c", GoName: "C", Type: str, Required: true},
		{JSONName: "d", GoName: "D", Type: &ir.TypeRef{Kind: ir.Slice, Elem: innerRef}, Required: true},
		{JSONName: "e", GoName: "E", Type: &ir.TypeRef{Kind: ir.Map, Elem: &ir.TypeRef{Kind: ir.Slice, Elem: i64}}},
		{JSONName: "f", GoName: "F", Type: &ir.TypeRef{Kind: ir.Any}, Required: true},
		{JSONName: "g", GoName: "G", Type: &ir.TypeRef{Kind: ir.Slice, Elem: &ir.TypeRef{Kind: ir.Map, Elem: innerRef}}},
		{JSONName: "h", GoName: "H", Type: &ir.TypeRef{Kind: ir.OrderedMap, Named: rows}},
		{JSONName: "i", GoName: "I", Type: &ir.TypeRef{Kind: ir.Struct, Named: onlyOpt}, Required: true},
		{JSONName: "j", GoName: "J", Type: &ir.TypeRef{Kind: ir.Float64}},
	}}
	oneOpt := &ir.Type{Name: "OneOpt" + suffix, GoName: "OneOpt" + suffix, Kind: ir.Struct, Format: f, Fields: []*ir.Field{
		{JSONName: "p", GoName: "P", Type: str},
	}}
	types := []*ir.Type{inner, onlyOpt, oneOpt, rows, obj}
	if f.SortsKeys() {
		types = append(types, &ir.Type{Name: "Merged" + suffix, GoName: "Merged" + suffix, Kind: ir.Struct, Format: f,
			Fields: []*ir.Field{
				{JSONName: "m", GoName: "M", Type: i64, Required: true},
				{JSONName: "y", GoName: "Y", Type: str},
			},
			Extra: innerRef, ExtraGoName: "Extra"})
	}
	return types
}

// encoderTest is the test program run inside the generated package. Its
// oracle is the runtime's streaming writer: encoding/json marshals a value
// (struct tags give the same member order and omissions), and rtJSON.Raw
// lays it out again in the format, which is how that writer's own tests
// pin the four formats. Merged extra members are invisible to
// encoding/json, so they are compared with literal bodies.
const encoderTest = `package enc

import (
	"encoding/json"
	"strconv"
	"testing"
)

// rowsJSON marshals a kept-order table as the object the wire has;
// encoding/json alone would write the slice as an array.
func rowsJSON[T any](rows []T, key func(T) int64) ([]byte, error) {
	b := []byte{'{'}
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(strconv.FormatInt(key(r), 10))
		v, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

func (v RowsTable) MarshalJSON() ([]byte, error) { return rowsJSON(v, func(r InnerTable) int64 { return r.N }) }
func (v RowsSorted) MarshalJSON() ([]byte, error) { return rowsJSON(v, func(r InnerSorted) int64 { return r.N }) }
func (v RowsPretty4) MarshalJSON() ([]byte, error) { return rowsJSON(v, func(r InnerPretty4) int64 { return r.N }) }
func (v RowsPretty2) MarshalJSON() ([]byte, error) { return rowsJSON(v, func(r InnerPretty2) int64 { return r.N }) }

func ptr[T any](v T) *T { return &v }

type encoder interface{ appendJSON(b []byte) []byte }
type prettyEncoder interface{ appendJSON(b []byte, d int) []byte }

func oracle(t *testing.T, f rtFormat, v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	j := rtNewJSON(f)
	j.inner = true
	j.Raw(raw)
	return string(j.Bytes())
}

func encode(v any) string {
	switch e := v.(type) {
	case encoder:
		return string(e.appendJSON([]byte("prefix:")))[len("prefix:"):]
	case prettyEncoder:
		return string(e.appendJSON([]byte("prefix:"), 0))[len("prefix:"):]
	}
	panic("no encoder")
}

func check(t *testing.T, f rtFormat, v any) {
	t.Helper()
	if got, want := encode(v), oracle(t, f, v); got != want {
		t.Errorf("%T:\n got %s\nwant %s", v, got, want)
	}
}

func TestEncoders(t *testing.T) {
	for _, c := range []struct {
		f    rtFormat
		vals []any
	}{
		{rtTable, []any{&ObjTable{C: "c", D: []InnerTable{}, F: json.RawMessage("1")}, &ObjTable{
			A: ptr("a\x01\"/é"), B: ptr(int64(-7)), C: "", D: []InnerTable{{N: 1, S: ptr("s")}, {N: 2}},
			E: map[string][]int64{"z": {1, 2}, "a": {}}, F: json.RawMessage(` + "`" + `{"k" : [1, {"x":"\u0001"}], "e": {}}` + "`" + `),
			G: []map[string]InnerTable{{"b": {N: 3}, "a": {N: 4}}, {"c": {N: 5}}}, H: RowsTable{{N: 9}, {N: 8, S: ptr("")}},
			I: OnlyOptTable{P: ptr("p")}, J: ptr(0.5)}, &OnlyOptTable{}, &OnlyOptTable{Q: ptr(true)}, &OneOptTable{}, &OneOptTable{P: ptr("p")}}},
		{rtSorted, []any{&ObjSorted{C: "c", D: []InnerSorted{}, F: json.RawMessage("null")}, &ObjSorted{
			A: ptr("a\x01"), B: ptr(int64(3)), C: "c", D: []InnerSorted{{N: 1}}, E: map[string][]int64{"k": {7}},
			F: json.RawMessage(` + "`" + `["\u001f"]` + "`" + `), G: []map[string]InnerSorted{{"a": {N: 1}}}, H: RowsSorted{{N: 2}, {N: 1}},
			J: ptr(1e21)}, &OnlyOptSorted{}, &OneOptSorted{P: ptr("p")}}},
		{rtPretty4, []any{&ObjPretty4{C: "c", D: []InnerPretty4{}, F: json.RawMessage("{}")}, &ObjPretty4{
			A: ptr("a"), C: "c", D: []InnerPretty4{{N: 1, S: ptr("s")}, {N: 2}}, E: map[string][]int64{"z": {1, 2}, "y": {}},
			F: json.RawMessage(` + "`" + `{"k":[1,{"x":[]}]}` + "`" + `), G: []map[string]InnerPretty4{{"b": {N: 3}, "a": {N: 4}}, {}},
			H: RowsPretty4{{N: 9}}, I: OnlyOptPretty4{Q: ptr(false)}, J: ptr(-0.25)}, &OnlyOptPretty4{}, &OnlyOptPretty4{P: ptr("p")}, RowsPretty4{}, &OneOptPretty4{}, &OneOptPretty4{P: ptr("p")}}},
		{rtPretty2, []any{&ObjPretty2{C: "c", D: []InnerPretty2{}, F: json.RawMessage("2")}, &ObjPretty2{
			B: ptr(int64(1)), C: "c", D: []InnerPretty2{{N: 1}}, E: map[string][]int64{"a": {1}},
			F: json.RawMessage(` + "`" + `{"b":1,"a":[true]}` + "`" + `), G: []map[string]InnerPretty2{{"x": {N: 1, S: ptr("\x7f")}}},
			H: RowsPretty2{{N: 1}, {N: 2}}, I: OnlyOptPretty2{P: ptr("p"), Q: ptr(true)}}, &OneOptPretty2{P: ptr("p")}}},
	} {
		for _, v := range c.vals {
			check(t, c.f, v)
		}
	}
}

func TestMergedAndNull(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{&MergedSorted{M: 1}, "null"},
		{&MergedSorted{M: 1, Y: ptr("y"), Extra: map[string]InnerSorted{"z": {N: 2}, "n": {N: 3}, "a": {N: 4, S: ptr("s")}}},
			` + "`" + `{"a":{"n":"4","s":"s"},"m":1,"n":{"n":"3"},"y":"y","z":{"n":"2"}}` + "`" + `},
		{&MergedPretty2{M: 1, Extra: map[string]InnerPretty2{"x": {N: 2}}},
			"{\n  \"m\": 1,\n  \"x\": {\n    \"n\": \"2\"\n  }\n}"},
		{&ObjSorted{C: "c", D: []InnerSorted{}, E: map[string][]int64{}, F: json.RawMessage("1")},
			` + "`" + `{"c":"c","d":[],"e":null,"f":1,"i":{}}` + "`" + `},
	} {
		if got := encode(c.v); got != c.want {
			t.Errorf("%T:\n got %q\nwant %q", c.v, got, c.want)
		}
	}
}
`

// TestEncodersBehave compiles the encoders of encoderTypes in all four
// formats with the bundled runtime, as a package of their own, and runs
// encoderTest against them.
func TestEncodersBehave(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated package")
	}
	var types []*ir.Type
	for _, f := range []struct {
		f ir.Format
		s string
	}{{ir.FormatTable, "Table"}, {ir.FormatSorted, "Sorted"}, {ir.FormatPretty4, "Pretty4"}, {ir.FormatPretty2, "Pretty2"}} {
		types = append(types, encoderTypes(f.f, f.s)...)
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := typesFile(&ir.API{Header: "Code generated by pegasus-gen. DO NOT EDIT."}, &ir.Role{Package: "enc", Types: types}).whole().Render(&buf); err != nil {
		t.Fatal(err)
	}
	rt, err := runtimeFile("enc", "Code generated by pegasus-gen. DO NOT EDIT.")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"go.mod":         []byte("module enc\n\ngo 1.24\n"),
		"types_gen.go":   buf.Bytes(),
		"runtime_gen.go": rt,
		"enc_test.go":    []byte(encoderTest),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test in the generated package: %v\n%s", err, out)
	}
}
