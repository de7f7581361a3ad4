package cluster

import (
	"strconv"
	"testing"
	"time"
)

// FuzzParseState feeds onebox state files to ParseState: any bytes give a
// state or an error naming the file, never a panic, and an accepted state
// can be renamed and modelled (which is what the onebox does next).
func FuzzParseState(f *testing.F) {
	f.Add(defaultState)
	for _, s := range []string{"", "metas: [a:1]\n", "metas: [a:1]\nnodes: [{address: b:2}]\nprimary: a:1\n",
		"metas: [a:1]\ntables: [{name: t, partitions: 4}]\n", "metas: &x [*x]\n", "a: b\n", "metas: [a:1, a:1]\n",
		"metas: [a:1]\nconfig: {x: 1}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseState("fuzz.yaml", data)
		if err != nil {
			if msg := err.Error(); len(msg) < len("fuzz.yaml: ") || msg[:len("fuzz.yaml: ")] != "fuzz.yaml: " {
				t.Fatalf("error without the file name: %q", msg)
			}
			return
		}
		rename := map[string]string{}
		for i, a := range st.Metas {
			rename[a] = "127.0.0.1:" + strconv.Itoa(40000+i)
		}
		for i, n := range st.Nodes {
			rename[n.Address] = "127.0.0.1:" + strconv.Itoa(50000+i)
		}
		st.Rename(rename)
		_ = NewModel(st, func() time.Time { return time.Unix(1700000000, 0) })
	})
}
