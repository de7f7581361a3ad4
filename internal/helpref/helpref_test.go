package helpref

import (
	"strings"
	"testing"
)

// TestCompare: the page's own paths must be there, same text, same order;
// others are extensions; each difference is named, not two whole strings.
func TestCompare(t *testing.T) {
	page := `{"/a":"A help.","/b":"B \u0026 help.","/c":"C help."}` + "\n"
	for _, c := range []struct {
		name, got string
		ext       []string
		problems  []string
	}{
		{"same", page, nil, nil},
		{"extension", `{"/a":"A help.","/aa":"New.","/b":"B \u0026 help.","/c":"C help."}` + "\n", []string{"/aa"}, nil},
		{"changed text", `{"/a":"A help.","/b":"B & help.","/c":"C help."}` + "\n", nil, []string{"/b: help is", `"B & help."`, `"B \u0026 help."`}},
		{"missing", `{"/a":"A help.","/c":"C help."}` + "\n", nil, []string{"/b: on the page, missing"}},
		{"order", `{"/b":"B \u0026 help.","/a":"A help.","/c":"C help."}` + "\n", nil, []string{"listed as\n\t/b /a /c"}},
		{"framing", strings.TrimSuffix(page, "\n"), nil, []string{"framed differently"}},
	} {
		ext, err := Compare(c.got, page)
		if strings.Join(ext, ",") != strings.Join(c.ext, ",") {
			t.Errorf("%s: extensions %q, want %q", c.name, ext, c.ext)
		}
		if (err != nil) != (len(c.problems) > 0) {
			t.Errorf("%s: error %v", c.name, err)
			continue
		}
		for _, p := range c.problems {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error lacks %q:\n%v", c.name, p, err)
			}
		}
	}
}
