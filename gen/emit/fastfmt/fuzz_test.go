package fastfmt

import (
	"bytes"
	"go/format"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

// snippets are hand-written sources for FuzzFastfmt's corpus: the
// shapes gofmt is subtle about (alignment, comments, blank lines,
// declaration groups), written jennifer's way, unindented.
var snippets = []string{
	"package p\nfunc f() {}\nfunc g() {}\n",
	"package p\n\nimport (\n\"os\"\n\"fmt\"\n)\n// T is a type.\ntype T struct{\nA int // a\nBbbbbb string `json:\"b\"`\n}\n// f does things.\nfunc f (x * T) int {\nreturn x . A * 2 + 1\n}\n",
	"package p\nconst (\nA = 1\nBbbb = 22 // two\n)\nvar x = map[string]int{\n\"a\": 1,\n\"bbbb\": 2,\n}\nvar y = 3\n",
	"package p\n// Doc with a list:\n//   - one\n//   - two\nfunc f() {}\n// Plain doc.\nfunc g() {\n// inside\nh ()\n}\n\n\n// free comment\n\nfunc h() {}\n",
	"package p\ntype A int // trailing\n\n// B is\n// two lines.\ntype B struct{ X int }\nfunc (b B) M() int { return b.X }\n",
	"// header\n\npackage p\nvar v = []struct{ A, B int }{{1, 2},\n{3, 44}}\nfunc f () {\nswitch  {\ncase v [0] . A != 1: \nreturn \n}\n}\n",
	"package p\nfunc f(a, b int) int { return a*b + -a }\ntype T [2]func() int\nvar z = func() int { return 0x1F }()\n",
	"package p\nvar a = 1 // one\nvar bb = 22 // two\n// c is\nvar c = 3\nconst d = 4\nconst e = 5 // five\n\n\n// f\n// g\nfunc f() {\n}\n",
	"package p\nimport \"fmt\" // fmt\ntype T struct{\n// Name is the name. \n Name string `json:\"name\"`\n// ID is it. \n ID int64 `json:\"id,string\"`\n}\n// String is [T] as text: see https://example.com/x.\nfunc (t T) String () string {\nreturn fmt.Sprint (t . Name,\" \",t . ID)\n}\n",
	"package p\nvar m = map [string] struct{ A int; B string }{\n\"x\": {A:1,B:\"y\"},\n\"longer key\": {A:22,B:\"z\"},\n}\nfunc g (x int) (int,error) {\nswitch x {\ncase 1,2: \nreturn x * 2 , nil\ndefault: \n}\nreturn 0 , nil\n}\n",
}

// FuzzFastfmt checks that Format, whenever it accepts a source, gives
// exactly go/format.Source's bytes, and that it never panics. The corpus
// is raw files captured from generation (testdata/seeds) and snippets.
func FuzzFastfmt(f *testing.F) {
	seeds, err := filepath.Glob("testdata/seeds/*.src")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, p := range seeds {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range snippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got, ok := Format(src)
		if !ok {
			return
		}
		want, err := format.Source(src)
		if err != nil {
			t.Fatalf("Format accepted source go/format refuses (%v)", err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Format differs from go/format.Source:\n--- got\n%s\n--- want\n%s", got, want)
		}
	})
}

// FuzzFastfmtShapes checks the argument the shape cache rests on: src
// with the text of every variable span replaced (same lengths, same
// token kinds, salt choosing the bytes) formats, from the shapes cached
// for src, to go/format.Source's bytes for the changed source.
func FuzzFastfmtShapes(f *testing.F) {
	for _, s := range snippets {
		f.Add([]byte(s), byte(1))
	}
	f.Add(readSeed(f, "alpha_types_gen.src"), byte(7))
	f.Add(readSeed(f, "alpha_api_gen.src"), byte(200))
	f.Add(readSeed(f, "alphaconform_conform_gen.src"), byte(42))
	f.Fuzz(func(t *testing.T, src []byte, salt byte) {
		c := &cache{shapes: map[string]*shape{}}
		if _, ok, _ := formatWith(src, c); !ok {
			return
		}
		toks, _ := scan(src)
		alt := rewriteVariables(src, toks, salt)
		got, ok, _ := formatWith(alt, c)
		if !ok {
			return
		}
		want, err := format.Source(alt)
		if err != nil {
			t.Fatalf("Format accepted source go/format refuses (%v):\n%s", err, alt)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Format differs from go/format.Source on\n%s\n--- got\n%s\n--- want\n%s", alt, got, want)
		}
	})
}

func readSeed(f *testing.F, name string) []byte {
	src, err := os.ReadFile(filepath.Join("testdata/seeds", name))
	if err != nil {
		f.Fatal(err)
	}
	return src
}

// rewriteVariables returns a copy of src with each variable span's
// bytes replaced by others of its class, picked by salt.
func rewriteVariables(src []byte, toks []tok, salt byte) []byte {
	const (
		letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		ident   = letters + "0123456789_"
		text    = ident + " .,;:[]()-*#+/'<>=&|!?{}"
	)
	out := bytes.Clone(src)
	n := uint(salt)
	pick := func(set string) byte { n = n*31 + 7; return set[(n>>4)%uint(len(set))] }
	for _, t := range toks {
		for i := t.vs; i < t.ve; i++ {
			set := text
			switch first := i == t.vs; {
			case t.kind == token.INT && first && t.ve-t.vs > 1:
				set = "123456789"
			case t.kind == token.INT:
				set = "0123456789"
			case first && t.kind != token.STRING:
				set = letters
			case t.kind == token.IDENT:
				set = ident
			}
			out[i] = pick(set)
		}
	}
	return out
}
