package fastfmt

import "testing"

// TestWidthFree: the constructs whose layout depends on widths are not
// width-free, and plain multi-line code is.
func TestWidthFree(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"func f (x int) int {\nreturn x * 2\n}\n", true},
		{"func f () {\nswitch x {\ncase 1: \ng (a [1:2])\ndefault: \n}\n}\n", true},
		{"var e = struct{}{}\n", true},
		{"func f () int { return 1 }\n", false},
		{"func f () {\ny := func () int { return 3 }\n}\n", false},
		{"type T struct{\nA int\n}\n", false},
		{"type T interface{\nM ()\n}\n", false},
		{"var x = T{\nA: 1,\n}\n", false},
		{"func f () {\nx := 1 // one\n}\n", false},
		{"var (\na = 1\n)\n", false},
		{"func f () {\nL: \nfor {\n}\n}\n", false},
	} {
		src := []byte("package p\n" + c.src)
		toks, ok := scan(src)
		if !ok {
			t.Fatalf("%q does not scan", c.src)
		}
		if got := widthFree(src, 0, toks[3:]); got != c.want {
			t.Errorf("widthFree(%q) = %v, want %v", c.src, got, c.want)
		}
	}
}
