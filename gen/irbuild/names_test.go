package irbuild

import (
	"go/token"
	"testing"
	"unicode"
)

// TestGoNames: every spec name makes an exported Go identifier, and names
// that differ in a character other than a separator stay different.
func TestGoNames(t *testing.T) {
	for in, want := range map[string]string{
		"getMetaApp": "GetMetaApp", "app_id": "AppID", "app-id": "AppID", "HTTPServer": "HTTPServer",
		"获取数据": "X获取数据", "名前": "X名前", "get🚀": "GetU1F680", "get": "Get", "🚀": "U1F680",
		"é": "É", "2pc": "X2pc", "a+b": "AU2BB", "": "X", "e\u0301": "EU301",
	} {
		got := goName(in)
		if got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
		if r := []rune(got); !token.IsIdentifier(got) || !token.IsExported(got) || !unicode.IsUpper(r[0]) {
			t.Errorf("goName(%q) = %q is not an exported identifier", in, got)
		}
	}
}

// TestPackageProblem: the names Go cannot use for a generated package.
func TestPackageProblem(t *testing.T) {
	for name, ok := range map[string]bool{"meta": true, "api2": true, "func": false, "main": false, "Meta": false, "my-api": false, "2api": false, "": false, "名前": false} {
		if got := PackageProblem(name) == ""; got != ok {
			t.Errorf("PackageProblem(%q) = %q", name, PackageProblem(name))
		}
	}
}
