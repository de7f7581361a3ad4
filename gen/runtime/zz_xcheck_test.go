package pegasusrt

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"os/exec"
	"strings"
	"testing"
)

func TestXCheckFloats(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var vals []float64
	for i := 0; i < 200000; i++ {
		vals = append(vals, math.Float64frombits(r.Uint64()))
	}
	for i := 0; i < 100000; i++ {
		vals = append(vals, float64(r.Int63n(1000000))/math.Pow(10, float64(r.Intn(12))))
		vals = append(vals, r.Float64()*math.Pow(10, float64(r.Intn(60)-30)))
	}
	for e := -330; e <= 310; e++ {
		vals = append(vals, math.Pow(10, float64(e)), 1.5*math.Pow(10, float64(e)), 123456789*math.Pow(10, float64(e)))
	}
	var in bytes.Buffer
	for _, v := range vals {
		fmt.Fprintf(&in, "%016x\n", math.Float64bits(v))
	}
	cmd := exec.Command("/tmp/xcheck/x", "d")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	badR, badN := 0, 0
	nice := 0
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		parts := strings.Split(lines[i], "\t")
		gr := string(rtAppendFloat(nil, v, false))
		gn := string(rtAppendFloat(nil, v, true))
		if gr != parts[0] {
			if badR < 15 {
				t.Logf("rapid %v: got %s want %s", v, gr, parts[0])
			}
			badR++
			if i >= 200000 { nice++; if nice < 10 { t.Logf("NICE %v %s %s", v, gr, parts[0]) } }
		}
		if gn != parts[1] {
			if badN < 15 {
				t.Logf("nlohmann %v: got %s want %s", v, gn, parts[1])
			}
			badN++
		}
	}
	t.Logf("checked %d: rapid mismatches %d (nice %d), nlohmann mismatches %d", len(vals), badR, nice, badN)
}
