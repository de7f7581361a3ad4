package node

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// FuzzSymbols feeds POST /pprof/symbol bodies to Symbols: it never panics,
// writes at most one line per '+'-separated item, and each line is
// "0x<hex>\t<name>".
func FuzzSymbols(f *testing.F) {
	for _, s := range []string{"0x0X5+0X0x5+0x0x5", "'0x0+0x1", "0x401000+0x401010", `"0X10`, "", "+", "'", "0xffffffffffffffff+zz+0x", " 0x1 + 0x2 \n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out := Symbols(body)
		if want := refSymbols(body); out != want {
			t.Fatalf("%q: answer %q, want %q", body, out, want)
		}
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

// refSymbols is the answer built the plain way, with fmt.
func refSymbols(body []byte) string {
	var out strings.Builder
	for _, a := range strings.Split(strings.TrimLeft(string(body), `'"`), "+") {
		a = strings.TrimSpace(a)
		pc, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(a, "0x"), "0X"), 16, 64)
		switch {
		case a == "" || err != nil:
		case runtime.FuncForPC(uintptr(pc)) != nil:
			fmt.Fprintf(&out, "0x%08x\t%s\n", pc, runtime.FuncForPC(uintptr(pc)).Name())
		default:
			fmt.Fprintf(&out, "0x%08x\t0x%08x\n", pc, pc)
		}
	}
	return out.String()
}

// Symbols is the whole answer to a POST /pprof/symbol body, as one string,
// for the fuzz target; the server streams it with LookupSymbols.
func Symbols(body []byte) string {
	var b strings.Builder
	_ = eachSymbol(context.Background(), body, func(line []byte) error {
		b.Write(line)
		return nil
	})
	return b.String()
}
