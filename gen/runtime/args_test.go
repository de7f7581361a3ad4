package pegasusrt

import (
	"reflect"
	"testing"
)

func TestArgs(t *testing.T) {
	for _, l := range [][]rtArg{
		nil,
		{{Key: "k", Value: "v"}},
		{{Key: "a", Value: "1"}, {Key: "flag", Flag: true}, {Key: "b", Value: "3"}},
	} {
		src := append([]rtArg(nil), l...)
		a := rtArgsOf(src)
		if len(src) > 0 {
			src[len(src)-1].Value = "changed" // the request's own arguments are reused
		}
		if a.Len() != len(l) || !reflect.DeepEqual(a.list(), l) && len(l) > 0 {
			t.Errorf("%v: Len %d, list %v", l, a.Len(), a.list())
		}
		m := a.Map()
		var keys []string
		for k, v := range a.All() {
			keys = append(keys, k)
			if got, ok := a.Get(k); !ok || got != v || m[k] != v {
				t.Errorf("%v: Get(%q) = %q %v, All says %q, Map %q", l, k, got, ok, v, m[k])
			}
		}
		if len(keys) != len(l) || len(m) != len(l) {
			t.Errorf("%v: All gave %v, Map %v", l, keys, m)
		}
		if _, ok := a.Get("missing"); ok {
			t.Errorf("%v: Get(missing) found", l)
		}
	}
	a := rtArgsFromPairs("x", "1", "y", "2", "odd")
	n := 0
	for range a.All() {
		n++
		break
	}
	if a.Len() != 2 || n != 1 {
		t.Errorf("pairs: Len %d; All did not stop when asked", a.Len())
	}
	one := []rtArg{{Key: "k", Value: "v"}}
	if allocs := testing.AllocsPerRun(100, func() { _ = rtArgsOf(one) }); allocs != 0 {
		t.Errorf("keeping one argument: %v allocations, want 0", allocs)
	}
}
