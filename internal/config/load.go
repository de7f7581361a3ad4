package config

import (
	_ "embed"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strings"
)

// flags.tsv is the inventory of the real servers' DSN_DEFINE_* flags
// (apache/incubator-pegasus @ db756dcd). It is data rather than Go so that
// the inventory can be diffed against upstream without reading code.
//
//go:embed flags.tsv
var flagsTSV string

// descriptions.tsv holds this stand-in's own one-line description of every
// flag, kept apart from flags.tsv so the upstream inventory stays verbatim.
//
//go:embed descriptions.tsv
var descriptionsTSV string

// kind is the storage class of a flag, one per FV_* type.
type kind uint8

const (
	kindBool kind = iota
	kindInt32
	kindUint32
	kindInt64
	kindUint64
	kindDouble
	kindString
)

// kindOf maps the FV_* names /config reports to storage classes.
var kindOf = map[string]kind{
	"FV_BOOL":   kindBool,
	"FV_INT32":  kindInt32,
	"FV_UINT32": kindUint32,
	"FV_INT64":  kindInt64,
	"FV_UINT64": kindUint64,
	"FV_DOUBLE": kindDouble,
	"FV_STRING": kindString,
}

// bits is the width used for range checks of integer kinds.
func (k kind) bits() int {
	switch k {
	case kindInt32, kindUint32:
		return 32
	}
	return 64
}

// value holds a flag's current value; only the field of its kind is used.
// Integers of both widths share a field because the width only matters when
// parsing, where the range check enforces it.
type value struct {
	i int64
	u uint64
	f float64
	b bool
	s string
}

// spec is the immutable description of one flag, shared by all registries.
type spec struct {
	name, section, typ, desc string
	kind                     kind
	mutable                  bool
	// hasValidator is flags.tsv's claim; validate is the Go predicate. A
	// test checks that the two agree.
	hasValidator bool
	validate     func(value) bool
	def          value
}

var (
	// specs is every flag, sorted by name in byte order as the real
	// registry's std::map<std::string, flag_data> iterates.
	specs []spec
	// specIndex maps a flag name to its position in specs.
	specIndex map[string]int
	// loadErrors collects problems found while reading the embedded data.
	// They are not fatal, so one bad line cannot take down every binary that
	// imports this package; a test requires the list to be empty.
	loadErrors []string
)

func init() {
	descs := parseDescriptions(descriptionsTSV)
	specs = parseFlags(flagsTSV, descs)
	sort.Slice(specs, func(a, b int) bool { return specs[a].name < specs[b].name })
	specIndex = make(map[string]int, len(specs))
	for i, s := range specs {
		if _, dup := specIndex[s.name]; dup {
			loadErrors = append(loadErrors, fmt.Sprintf("duplicate flag %q", s.name))
		}
		specIndex[s.name] = i
	}
	for name, fn := range flagValidators {
		if i, ok := specIndex[name]; ok {
			specs[i].validate = fn
		} else {
			loadErrors = append(loadErrors, fmt.Sprintf("validator for unknown flag %q", name))
		}
	}
}

// parseDescriptions reads name<TAB>description lines.
func parseDescriptions(text string) map[string]string {
	descs := make(map[string]string)
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, desc, ok := strings.Cut(line, "\t")
		if !ok {
			loadErrors = append(loadErrors, fmt.Sprintf("descriptions.tsv:%d: no tab", n+1))
			continue
		}
		descs[name] = desc
	}
	return descs
}

// parseFlags reads flags.tsv, skipping comments, blank lines and the header.
func parseFlags(text string, descs map[string]string) []spec {
	var out []spec
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) >= 2 && f[0] == "section" && f[1] == "name" {
			continue
		}
		if len(f) < 6 {
			loadErrors = append(loadErrors, fmt.Sprintf("flags.tsv:%d: %d columns", n+1, len(f)))
			continue
		}
		k, ok := kindOf[f[2]]
		if !ok {
			loadErrors = append(loadErrors, fmt.Sprintf("flags.tsv:%d: unknown type %q", n+1, f[2]))
			continue
		}
		s := spec{
			section:      f[0],
			name:         f[1],
			typ:          f[2],
			kind:         k,
			mutable:      f[3] == "mutable",
			hasValidator: f[4] == "validator",
			desc:         descs[f[1]],
		}
		def, err := evalDefault(k, f[5])
		if err != nil {
			// Keep the flag at its zero value: listing it matters more than
			// its default, and the test on loadErrors flags the gap.
			loadErrors = append(loadErrors, fmt.Sprintf("flags.tsv:%d: %s: default %q: %v", n+1, f[1], f[5], err))
		}
		s.def = def
		out = append(out, s)
	}
	return out
}

// cConstants are the named constants that appear as defaults in flags.tsv,
// with the values their upstream definitions give them. Every other default
// is a literal or an arithmetic expression and is evaluated.
var cConstants = map[string]string{
	// src/utils/shared_io_service.cpp: static const uint32_t kMinTimerServiceWorkerCount = 3;
	"kMinTimerServiceWorkerCount": "3",
}

// numericLimits matches std::numeric_limits<T>::max()/min()/lowest(), which
// no default uses at db756dcd but which is a common way to write one.
var numericLimits = regexp.MustCompile(`std::numeric_limits<\s*([a-z0-9_:]+)\s*>::(max|min|lowest)\(\)`)

// limitValue is the literal for std::numeric_limits<t>::which().
func limitValue(t, which string) (string, bool) {
	t = strings.TrimPrefix(t, "std::")
	type lim struct{ lo, hi string }
	lims := map[string]lim{
		"int32_t":  {"-2147483648", "2147483647"},
		"int":      {"-2147483648", "2147483647"},
		"uint32_t": {"0", "4294967295"},
		"int64_t":  {"-9223372036854775808", "9223372036854775807"},
		"uint64_t": {"0", "18446744073709551615"},
		"double":   {"2.2250738585072014e-308", "1.7976931348623157e308"},
	}
	l, ok := lims[t]
	if !ok {
		return "", false
	}
	switch {
	case which == "max":
		return "(" + l.hi + ")", true
	case which == "lowest" && t == "double":
		return "(-" + l.hi + ")", true
	default:
		return "(" + l.lo + ")", true
	}
}

// evalDefault turns a default as written in C++ into a typed value, applying
// the implicit conversion C++ applies when initialising FLAGS_<name>.
func evalDefault(k kind, text string) (value, error) {
	text = strings.TrimSpace(text)
	if k == kindString {
		s, err := cStringDefault(text)
		return value{s: s}, err
	}
	if k == kindBool {
		switch text {
		case "true":
			return value{b: true}, nil
		case "false":
			return value{b: false}, nil
		}
	}
	var limitErr error
	text = numericLimits.ReplaceAllStringFunc(text, func(m string) string {
		sub := numericLimits.FindStringSubmatch(m)
		v, ok := limitValue(sub[1], sub[2])
		if !ok {
			limitErr = fmt.Errorf("unsupported numeric_limits type %q", sub[1])
		}
		return v
	})
	if limitErr != nil {
		return value{}, limitErr
	}
	n, err := evalExpr(text)
	if err != nil {
		return value{}, err
	}
	switch k {
	case kindBool:
		if n.isFloat {
			return value{b: n.f != 0}, nil
		}
		return value{b: n.i.Sign() != 0}, nil
	case kindDouble:
		if n.isFloat {
			return value{f: n.f}, nil
		}
		f, _ := new(big.Float).SetInt(n.i).Float64()
		return value{f: f}, nil
	}
	// Integer flag: a floating default (e.g. 1e5) converts by truncation.
	iv := n.i
	if n.isFloat {
		if math.IsNaN(n.f) || math.IsInf(n.f, 0) {
			return value{}, fmt.Errorf("not finite")
		}
		iv, _ = big.NewFloat(math.Trunc(n.f)).Int(nil)
	}
	switch k {
	case kindInt32, kindInt64:
		lo := new(big.Int).Lsh(big.NewInt(1), uint(k.bits()-1))
		hi := new(big.Int).Sub(lo, big.NewInt(1))
		lo.Neg(lo)
		if iv.Cmp(lo) < 0 || iv.Cmp(hi) > 0 {
			return value{}, fmt.Errorf("out of range for %d bits", k.bits())
		}
		return value{i: iv.Int64()}, nil
	default: // unsigned
		hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(k.bits())), big.NewInt(1))
		if iv.Sign() < 0 || iv.Cmp(hi) > 0 {
			return value{}, fmt.Errorf("out of range for unsigned %d bits", k.bits())
		}
		return value{u: iv.Uint64()}, nil
	}
}

// cStringDefault decodes one or more adjacent C string literals. A trailing
// "(MOCK_TEST: ...)" note, which flags.tsv uses for defaults chosen by
// #ifdef MOCK_TEST, is dropped: the production (non-mock) branch is what a
// real server runs with.
func cStringDefault(text string) (string, error) {
	var sb strings.Builder
	rest := text
	literals := 0
	for {
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, `"`) {
			break
		}
		i := 1
		for ; i < len(rest) && rest[i] != '"'; i++ {
			if rest[i] != '\\' {
				sb.WriteByte(rest[i])
				continue
			}
			i++
			if i >= len(rest) {
				return "", fmt.Errorf("unterminated escape")
			}
			switch c := rest[i]; c {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			case '0':
				sb.WriteByte(0)
			default: // \" \\ \' \?
				sb.WriteByte(c)
			}
		}
		if i >= len(rest) {
			return "", fmt.Errorf("unterminated string literal")
		}
		rest = rest[i+1:]
		literals++
	}
	if literals == 0 {
		return "", fmt.Errorf("not a string literal")
	}
	if rest != "" && !strings.HasPrefix(rest, "(MOCK_TEST:") {
		return "", fmt.Errorf("trailing text %q", rest)
	}
	return sb.String(), nil
}

// number is an evaluated constant expression: an exact integer, or a double
// once any floating literal is involved (as C's usual conversions do).
type number struct {
	isFloat bool
	i       *big.Int
	f       float64
}

func (n number) float() float64 {
	if n.isFloat {
		return n.f
	}
	f, _ := new(big.Float).SetInt(n.i).Float64()
	return f
}

// evalExpr evaluates the small C constant-expression subset defaults use:
// integer and floating literals (with U/L suffixes), named constants, unary
// +/-, '*', '/', '+', '-', '<<' and parentheses. Integers are evaluated
// exactly; none of the upstream defaults relies on C overflow.
func evalExpr(text string) (number, error) {
	toks, err := tokenize(text)
	if err != nil {
		return number{}, err
	}
	p := &exprParser{toks: toks}
	n, err := p.shift()
	if err != nil {
		return number{}, err
	}
	if p.pos != len(p.toks) {
		return number{}, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return n, nil
}

// tokenize splits an expression into literals, identifiers and operators.
func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '<' && i+1 < len(s) && s[i+1] == '<':
			toks = append(toks, "<<")
			i += 2
		case strings.IndexByte("*/+-()", c) >= 0:
			toks = append(toks, string(c))
			i++
		case isDigit(c) || c == '.':
			j := i
			for j < len(s) && (isAlnum(s[j]) || s[j] == '.' ||
				(s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E') && !isHexPrefix(s[i:j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case isAlnum(c) || c == '_':
			j := i
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return toks, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
func isHexPrefix(s string) bool { return len(s) >= 2 && s[0] == '0' && s[1]|0x20 == 'x' }

type exprParser struct {
	toks []string
	pos  int
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) shift() (number, error) {
	l, err := p.additive()
	for err == nil && p.peek() == "<<" {
		p.pos++
		var r number
		if r, err = p.additive(); err != nil {
			break
		}
		if l.isFloat || r.isFloat || r.i.Sign() < 0 || r.i.BitLen() > 7 {
			return number{}, fmt.Errorf("invalid shift")
		}
		l = number{i: new(big.Int).Lsh(l.i, uint(r.i.Int64()))}
	}
	return l, err
}

func (p *exprParser) additive() (number, error) {
	l, err := p.multiplicative()
	for err == nil && (p.peek() == "+" || p.peek() == "-") {
		op := p.peek()
		p.pos++
		var r number
		if r, err = p.multiplicative(); err != nil {
			break
		}
		l = arith(op, l, r)
	}
	return l, err
}

func (p *exprParser) multiplicative() (number, error) {
	l, err := p.unary()
	for err == nil && (p.peek() == "*" || p.peek() == "/") {
		op := p.peek()
		p.pos++
		var r number
		if r, err = p.unary(); err != nil {
			break
		}
		if op == "/" && !r.isFloat && r.i.Sign() == 0 {
			return number{}, fmt.Errorf("division by zero")
		}
		l = arith(op, l, r)
	}
	return l, err
}

// arith applies a binary operator with C's promotion to double.
func arith(op string, l, r number) number {
	if l.isFloat || r.isFloat {
		a, b := l.float(), r.float()
		switch op {
		case "+":
			return number{isFloat: true, f: a + b}
		case "-":
			return number{isFloat: true, f: a - b}
		case "*":
			return number{isFloat: true, f: a * b}
		}
		return number{isFloat: true, f: a / b}
	}
	z := new(big.Int)
	switch op {
	case "+":
		z.Add(l.i, r.i)
	case "-":
		z.Sub(l.i, r.i)
	case "*":
		z.Mul(l.i, r.i)
	default:
		z.Quo(l.i, r.i) // C truncates toward zero, as Quo does
	}
	return number{i: z}
}

func (p *exprParser) unary() (number, error) {
	switch p.peek() {
	case "-":
		p.pos++
		n, err := p.unary()
		if err != nil {
			return n, err
		}
		if n.isFloat {
			return number{isFloat: true, f: -n.f}, nil
		}
		return number{i: new(big.Int).Neg(n.i)}, nil
	case "+":
		p.pos++
		return p.unary()
	}
	return p.primary()
}

func (p *exprParser) primary() (number, error) {
	t := p.peek()
	if t == "" {
		return number{}, fmt.Errorf("unexpected end of expression")
	}
	p.pos++
	if t == "(" {
		n, err := p.shift()
		if err != nil {
			return n, err
		}
		if p.peek() != ")" {
			return number{}, fmt.Errorf("missing )")
		}
		p.pos++
		return n, nil
	}
	if c, ok := cConstants[t]; ok {
		return evalExpr(c)
	}
	if isDigit(t[0]) || t[0] == '.' {
		return literal(t)
	}
	return number{}, fmt.Errorf("unknown identifier %q", t)
}

// literal parses a C integer literal (decimal, 0x hex or 0 octal, with any
// u/l suffix) or a floating literal such as 1., 1e5 or 0.5f.
func literal(t string) (number, error) {
	isHex := isHexPrefix(t)
	if !isHex && strings.ContainsAny(t, ".eE") {
		body := strings.TrimRight(t, "fFlL")
		if strings.HasSuffix(body, ".") {
			body += "0"
		}
		if strings.HasPrefix(body, ".") {
			body = "0" + body
		}
		var f big.Float
		if _, ok := f.SetString(body); !ok {
			return number{}, fmt.Errorf("bad floating literal %q", t)
		}
		v, _ := f.Float64()
		return number{isFloat: true, f: v}, nil
	}
	body := strings.TrimRight(t, "uUlL")
	base := 10
	switch {
	case isHex:
		base, body = 16, body[2:]
	case len(body) > 1 && body[0] == '0':
		base, body = 8, body[1:]
	}
	z, ok := new(big.Int).SetString(body, base)
	if !ok {
		return number{}, fmt.Errorf("bad integer literal %q", t)
	}
	return number{i: z}, nil
}
