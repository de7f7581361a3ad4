package irbuild

import (
	"fmt"
	"strings"
	"unicode"
)

// initialisms are written all-caps in Go names, as golint and the standard
// library do (AppID, not AppId).
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "http": "HTTP", "json": "JSON", "api": "API",
	"cpu": "CPU", "ns": "NS", "ts": "TS", "uri": "URI", "ip": "IP",
}

// goName turns a wire name (snake_case, kebab-case, dotted or lowerCamel) into
// an exported Go identifier. It is the only place names are made, so the same
// wire name always gives the same Go name.
//
// Any Unicode letter or digit is kept (Go identifiers allow them); a word
// whose first letter has no upper case (获取数据, 名前) is prefixed with X,
// since only an upper-case letter exports a name; any other character but
// the separators _ - . / and space becomes a word of its own, U and its
// code point in hex (get🚀 is GetU1F680), so that no character is dropped
// silently and two names differing in one do not become one.
func goName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		if !unicode.IsUpper(r[0]) && !unicode.IsDigit(r[0]) {
			b.WriteByte('X')
		}
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" || unicode.IsDigit([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

// words splits a wire name at separators and lower-to-upper changes.
func words(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || r == '/' || r == ' ':
			flush()
		case unicode.IsUpper(r) && len(cur) > 0 && (unicode.IsLower(cur[len(cur)-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(cur[len(cur)-1]))):
			flush()
			cur = append(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
		default:
			flush()
			words = append(words, fmt.Sprintf("U%X", r))
		}
	}
	flush()
	return words
}

// ConformPackage is the package of a role's conformance suite, given the
// role's package: decided here for the spec's packages and for packages a
// config renames.
func ConformPackage(pkg string) string { return pkg + "conform" }

// conformEnv is the environment variable naming a role's servers.
func conformEnv(role string) string { return "PEGASUS_CONFORM_" + strings.ToUpper(role) }
