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
	"package p\nfunc (a A) X() int { return 1 }\nfunc (a A) YYYY() int { return 2 }\nfunc f() {\nx := T{A: 1, Bbb: 2}\ny := func() int { return 3 }\nswitch z {\ncase T{A: 1}: \ng (x,y)\ndefault: \n}\nL: \nfor {\nbreak L\n}\nvar (\na = 1\nbbb = \"x\"\n)\n_ = s [a:bbb]\n}\ntype S struct{ A int }\nvar e = struct{}{}\n",
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
// with the text of every variable span replaced (same token kinds, salt
// choosing the bytes; same lengths, then other lengths, which only
// widthFree shapes serve) formats, from the shapes cached for src, to
// go/format.Source's bytes for the changed source.
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
		for _, resize := range []bool{false, true} {
			alt := rewriteVariables(src, toks, salt, resize)
			got, ok, _ := formatWith(alt, c)
			if !ok {
				continue
			}
			want, err := format.Source(alt)
			if err != nil {
				t.Fatalf("Format accepted source go/format refuses (%v):\n%s", err, alt)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Format differs from go/format.Source on\n%s\n--- got\n%s\n--- want\n%s", alt, got, want)
			}
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

// rewriteVariables returns src with each variable span's bytes replaced
// by others of its class, picked by salt: as many, or when resize is
// set, between 1 and twice as many plus two.
func rewriteVariables(src []byte, toks []tok, salt byte, resize bool) []byte {
	const (
		letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		ident   = letters + "0123456789_"
		text    = ident + " .,;:[]()-*#+/'<>=&|!?{}"
	)
	n := uint(salt)
	pick := func(set string) byte { n = n*31 + 7; return set[(n>>4)%uint(len(set))] }
	var out []byte
	prev := 0
	for _, t := range toks {
		if !t.variable() {
			continue
		}
		out = append(out, src[prev:t.vs]...)
		size := int(t.ve - t.vs)
		if resize {
			n = n*31 + 7
			size = 1 + int((n>>4)%uint(2*size+2))
		}
		for i := range size {
			set := text
			switch {
			case t.kind == token.INT && i == 0 && size > 1:
				set = "123456789"
			case t.kind == token.INT:
				set = "0123456789"
			case i == 0 && t.kind != token.STRING:
				set = letters
			case t.kind == token.IDENT:
				set = ident
			}
			out = append(out, pick(set))
		}
		prev = int(t.ve)
	}
	return append(out, src[prev:]...)
}

// TestShapesResized runs FuzzFastfmtShapes's property on its corpus with
// many salts, spans resized: the shapes that widthFree lets serve spans
// of other lengths must print them as go/format does.
func TestShapesResized(t *testing.T) {
	srcs := []string{}
	for _, s := range snippets {
		srcs = append(srcs, s)
	}
	seeds, _ := filepath.Glob("testdata/seeds/*.src")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, string(b))
	}
	hits := 0
	for _, src := range srcs {
		toks, ok := scan([]byte(src))
		if !ok {
			continue
		}
		for salt := range 64 {
			c := &cache{shapes: map[string]*shape{}}
			if _, ok, _ := formatWith([]byte(src), c); !ok {
				continue
			}
			alt := rewriteVariables([]byte(src), toks, byte(salt), true)
			got, ok, st := formatWith(alt, c)
			if !ok {
				continue
			}
			hits += st.Hits
			if want, err := format.Source(alt); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Format differs from go/format.Source (%v) on\n%s\n--- got\n%s\n--- want\n%s", err, alt, got, want)
			}
		}
	}
	t.Logf("%d chunks served by shapes of other widths", hits)
}
