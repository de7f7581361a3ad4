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
	for i := 0; i < 50000; i++ {
		vals = append(vals, math.Float64frombits(r.Uint64()&(1<<52-1)))
		vals = append(vals, math.Float64frombits(uint64(r.Intn(2046)+1)<<52))
		vals = append(vals, float64(r.Int63()>>uint(r.Intn(63))))
		vals = append(vals, float64(r.Intn(100000))/100, float64(r.Intn(1000))/1000)
	}
	vals = append(vals, math.SmallestNonzeroFloat64, 0x1p-1022, math.MaxFloat64, 0x1p-1022*3, 1<<53, 1<<53+2, 0.1+0.2, 1.0/3)
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
			if i >= 200000 {
				nice++
				if nice < 10 {
					t.Logf("NICE %v %s %s", v, gr, parts[0])
				}
			}
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

func genDoc(r *rand.Rand, depth int, b *strings.Builder) {
	k := r.Intn(9)
	if depth > 3 {
		k = 4 + r.Intn(5)
	}
	switch k {
	case 0, 1:
		n := r.Intn(4)
		keys := map[string]bool{}
		for len(keys) < n {
			keys[randStr(r, true)] = true
		}
		ks := rtSortedKeys(keys)
		b.WriteByte('{')
		for i, kk := range ks {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(rtAppendQuoted(nil, kk, true))
			b.WriteByte(':')
			genDoc(r, depth+1, b)
		}
		b.WriteByte('}')
	case 2, 3:
		n := r.Intn(4)
		b.WriteByte('[')
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			genDoc(r, depth+1, b)
		}
		b.WriteByte(']')
	case 4:
		fmt.Fprint(b, r.Int63()-r.Int63())
	case 5:
		b.WriteString([]string{"true", "false", "null"}[r.Intn(3)])
	default:
		b.Write(rtAppendQuoted(nil, randStr(r, true), true))
	}
}

func randStr(r *rand.Rand, utf bool) string {
	n := r.Intn(6)
	var b []byte
	for i := 0; i < n; i++ {
		switch r.Intn(4) {
		case 0:
			b = append(b, byte(r.Intn(0x20)))
		case 1:
			b = append(b, "\"\\/\x7fé中"[r.Intn(5)])
		default:
			b = append(b, byte('a'+r.Intn(26)))
		}
	}
	s := string(b)
	if utf {
		s = strings.ToValidUTF8(s, "?")
	}
	return s
}

func TestXCheckDocs(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	var docs []string
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		genDoc(r, 0, &b)
		docs = append(docs, b.String())
	}
	var in bytes.Buffer
	for _, d := range docs {
		in.WriteString(d + "\n")
	}
	cmd := exec.Command("/tmp/xcheck/x", "j")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	bad := 0
	unesc := strings.NewReplacer(`\\`, `\`, `\n`, "\n")
	for i, d := range docs {
		parts := strings.Split(lines[i], "\t")
		for fi, f := range []rtFormat{rtTable, rtPretty4, rtSorted, rtPretty2} {
			j := rtNewJSON(f)
			j.Raw([]byte(d))
			got := string(j.Bytes())
			want := unesc.Replace(parts[fi])
			if f == rtTable {
				want += "\n"
			}
			if got != want {
				if bad < 10 {
					t.Logf("fmt %d doc %s\n got %q\nwant %q", f, d, got, want)
				}
				bad++
			}
		}
	}
	t.Logf("docs %d mismatches %d", len(docs), bad)
}

func TestXCheckConv(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	alpha := " \t\n\v+-0123456789xXabcdefABCDEFpPeE.infINFnaNtrueFALSE"
	var ins []string
	for i := 0; i < 300000; i++ {
		n := 1 + r.Intn(8)
		b := make([]byte, n)
		for j := range b {
			if r.Intn(3) == 0 {
				b[j] = "0123456789"[r.Intn(10)]
			} else {
				b[j] = alpha[r.Intn(len(alpha))]
			}
		}
		ins = append(ins, string(b))
	}
	ins = append(ins, "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296", "-0",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615", "18446744073709551616",
		"-18446744073709551615", "1e308", "1e309", "1e-307", "1e-308", "2.2250738585072011e-308", "2.2250738585072014e-308",
		"4.9e-324", "0x1p-1074", "0x1p-1022", "0x1.fffffffffffffp1023", "0x1p1024", "1e-400", "0e-400", "0x1p-1080")
	var in bytes.Buffer
	for _, s := range ins {
		fmt.Fprintf(&in, "%x\n", s)
	}
	cmd := exec.Command("/tmp/xcheck/conv")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	bad := 0
	for i, s := range ins {
		a, ra := rtParseInt(s, 32)
		b, rb := rtParseInt(s, 64)
		c, rc := rtParseUint(s, 32)
		d, rd := rtParseUint(s, 64)
		e, re := rtParseDouble(s)
		f, rf := rtParseBool(s)
		got := fmt.Sprintf("%d %d %d %d %d %d %d %d %d %s %d %d", b2i(ra), a, b2i(rb), b, b2i(rc), c, b2i(rd), d, b2i(re), cHex(e), b2i(rf), b2i(f))
		if got != lines[i] {
			if bad < 20 {
				t.Logf("%q:\n got %s\nwant %s", s, got, lines[i])
			}
			bad++
		}
	}
	t.Logf("inputs %d mismatches %d", len(ins), bad)
}

// cHex formats like C's %a for the values we produce.
func cHex(v float64) string {
	s := strconvFormatHex(v)
	return s
}

func strconvFormatHex(v float64) string {
	// C: 0x1.8p+0 ; Go: 0x1.8p+00
	if v == 0 {
		if math.Signbit(v) {
			return "-0x0p+0"
		}
		return "0x0p+0"
	}
	s := fmt.Sprintf("%x", v)
	// Go prints 0x1.8p+00; normalise exponent digits
	i := strings.IndexByte(s, 'p')
	exp := s[i+2:]
	exp = strings.TrimLeft(exp, "0")
	if exp == "" {
		exp = "0"
	}
	return s[:i+2] + exp
}

func TestXCheckBody(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	keys := []string{`"app_name"`, `"target_level"`, `"flag"`, `"big"`, `"x"`, `"app\u005fname"`}
	vals := []string{`"s"`, `""`, `"a\u0000b"`, `"\ud800"`, `"\udc00"`, `"\ud83d\ude00"`, `"\u00e9"`, "\"\xff\"", `0`, `-0`, `1`, `-1`, `2147483647`, `2147483648`,
		`-2147483648`, `-2147483649`, `9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `1.0`, `1e2`, `true`, `false`, `null`,
		`[]`, `{}`, `[1,"\ud800"]`, `{"a":1}`, `1e400`, `01`}
	var bodies []string
	for i := 0; i < 100000; i++ {
		n := r.Intn(6)
		var b strings.Builder
		b.WriteString([]string{"{", " {", "{\t"}[r.Intn(3)])
		for j := 0; j < n; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(keys[r.Intn(len(keys))] + ":" + vals[r.Intn(len(vals))])
		}
		b.WriteString([]string{"}", "} ", "}x", "", ",}"}[r.Intn(5)*r.Intn(2)])
		bodies = append(bodies, b.String())
	}
	bodies = append(bodies, "", " ", "[]", "null", `"x"`)
	var in bytes.Buffer
	for _, s := range bodies {
		in.WriteString(s + "\n")
	}
	cmd := exec.Command("/tmp/xcheck/body")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	bad := 0
	for i, body := range bodies {
		s, i32, bl, l := "-", int32(-99), false, int64(-99)
		o, ok := rtDecodeObject([]byte(body))
		ok = ok && o.String("app_name", &s) && o.Int32("target_level", &i32) && o.Bool("flag", &bl) && o.Int64("big", &l) && o.Complete(4)
		got := "0"
		if ok {
			b := 0
			if bl {
				b = 1
			}
			got = fmt.Sprintf("1 %x %d %d %d", s, i32, b, l)
		}
		if got != lines[i] {
			if bad < 10 {
				t.Logf("%q:\n got %s\nwant %s", body, got, lines[i])
			}
			bad++
		}
	}
	t.Logf("bodies %d mismatches %d", len(bodies), bad)
}

func TestXCheckFixed(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	var vals []float64
	for i := 0; i < 100000; i++ {
		vals = append(vals, math.Float64frombits(r.Uint64()))
		vals = append(vals, float64(r.Intn(100000))/1000)
		vals = append(vals, (r.Float64()-0.5)*math.Pow(10, float64(r.Intn(30)-10)))
	}
	vals = append(vals, math.NaN(), -math.NaN(), math.Inf(1), math.Inf(-1), 0.125, 0.375, 2.675, -0.001, 1e-6, 9.99e-7)
	var in bytes.Buffer
	for _, v := range vals {
		fmt.Fprintf(&in, "%016x\n", math.Float64bits(v))
	}
	cmd := exec.Command("/tmp/xcheck/fixed")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	bad := 0
	for i, v := range vals {
		got := string(rtAppendFixed(nil, v, 2))
		if got != lines[i] {
			if bad < 10 {
				t.Logf("%v: got %s want %s", v, got, lines[i])
			}
			bad++
		}
	}
	t.Logf("values %d mismatches %d", len(vals), bad)
}
