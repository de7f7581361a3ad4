package node

import (
	"strings"
	"testing"
)

// FuzzSymbols feeds POST /pprof/symbol bodies to Symbols: it never panics,
// writes at most one line per '+'-separated item, and each line is
// "0x<hex>\t<name>".
func FuzzSymbols(f *testing.F) {
	for _, s := range []string{"'0x0+0x1", "0x401000+0x401010", `"0X10`, "", "+", "'", "0xffffffffffffffff+zz+0x", " 0x1 + 0x2 \n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out := Symbols(body)
		if out == "" {
			return
		}
		if !strings.HasSuffix(out, "\n") {
			t.Fatalf("%q: answer %q does not end in a newline", body, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) > strings.Count(string(body), "+")+1 {
			t.Fatalf("%q: %d lines", body, len(lines))
		}
		for _, l := range lines {
			addr, _, ok := strings.Cut(l, "\t")
			if !ok || !strings.HasPrefix(addr, "0x") || len(addr) < 10 {
				t.Fatalf("%q: line %q", body, l)
			}
		}
	})
}
