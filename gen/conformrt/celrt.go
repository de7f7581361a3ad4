package conformrt

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// cfEval is one evaluation of a rule: the values its variables hold, and
// the first error met. The checks pegasus-gen translates from the spec's
// CEL call the helpers below, each taking the evaluation first; a helper
// that cannot compute records why and returns a zero value, so that a
// rule over a value of an unexpected shape fails with a reason, never
// panics. Values are as cfValue makes them from JSON: nil, bool, int64,
// float64, string, []any and map[string]any.
type cfEval struct {
	Self  any
	Args  map[string]any
	Node  string
	Role  string
	Reads map[string]any // agreements: each read operation's body, by operationId
	err   error
	// seen are the members the rule read, with their values, for a
	// failure's message ("total_app_count=\"77\"").
	seen []string
}

// see records a member read, once and at most 12 of them.
func (e *cfEval) see(k string, v any) {
	var s string
	switch x := v.(type) {
	case []any:
		s = fmt.Sprintf("%s=[%d items]", k, len(x))
	case map[string]any:
		s = fmt.Sprintf("%s={%d members}", k, len(x))
	case string:
		s = fmt.Sprintf("%s=%q", k, cfClipString(x))
	default:
		s = fmt.Sprintf("%s=%v", k, v)
	}
	for _, old := range e.seen {
		if old == s {
			return
		}
	}
	if len(e.seen) < 12 {
		e.seen = append(e.seen, s)
	}
}

// cfRuleFunc is a translated rule: whether it holds; e.err says why it
// could not be evaluated.
type cfRuleFunc func(e *cfEval) bool

// fail records the first error.
func (e *cfEval) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, args...)
	}
}

// cfTypeName names a value's CEL type for errors.
func cfTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "double"
	case string:
		return "string"
	case []any:
		return "list"
	case map[string]any:
		return "map"
	}
	return fmt.Sprintf("%T", v)
}

func cfAsBool(e *cfEval, v any) bool {
	b, ok := v.(bool)
	if !ok {
		e.fail("want a bool, found %s", cfTypeName(v))
	}
	return b
}

func cfAsInt(e *cfEval, v any) int64 {
	i, ok := v.(int64)
	if !ok {
		e.fail("want an int, found %s", cfTypeName(v))
	}
	return i
}

func cfAsDouble(e *cfEval, v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64: // a JSON number written without a point
		return float64(x)
	}
	e.fail("want a double, found %s", cfTypeName(v))
	return 0
}

func cfAsString(e *cfEval, v any) string {
	s, ok := v.(string)
	if !ok {
		e.fail("want a string, found %s", cfTypeName(v))
	}
	return s
}

func cfAsList(e *cfEval, v any) []any {
	l, ok := v.([]any)
	if !ok {
		e.fail("want a list, found %s", cfTypeName(v))
	}
	return l
}

func cfAsMap(e *cfEval, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		e.fail("want an object, found %s", cfTypeName(v))
	}
	return m
}

// cfMember is m.k or m[k]: an error when absent.
func cfMember(e *cfEval, m map[string]any, k string) any {
	v, ok := m[k]
	if !ok && m != nil {
		e.fail("no member %q (guard it with has())", k)
	}
	if ok {
		e.see(k, v)
	}
	return v
}

// cfHas is has(m.k) and k in m.
func cfHas(e *cfEval, m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// cfRead is the body of an operation an agreement reads.
func cfRead(e *cfEval, op string) any {
	v, ok := e.Reads[op]
	if !ok {
		e.fail("%s was not read", op)
	}
	return v
}

func cfIndex(e *cfEval, l []any, i int64) any {
	if i < 0 || i >= int64(len(l)) {
		e.fail("index %d out of range of a list of %d", i, len(l))
		return nil
	}
	return l[i]
}

func cfSizeString(e *cfEval, s string) int64      { return int64(utf8.RuneCountInString(s)) }
func cfSizeList(e *cfEval, l []any) int64         { return int64(len(l)) }
func cfSizeMap(e *cfEval, m map[string]any) int64 { return int64(len(m)) }

// cfSize is size() of a value of unknown type.
func cfSize(e *cfEval, v any) int64 {
	switch x := v.(type) {
	case string:
		return cfSizeString(e, x)
	case []any:
		return int64(len(x))
	case map[string]any:
		return int64(len(x))
	}
	e.fail("size() of %s", cfTypeName(v))
	return 0
}

// cfIntOfString is int(s): base 10, as CEL's.
func cfIntOfString(e *cfEval, s string) int64 {
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		e.fail("int(%q): not an integer", s)
	}
	return i
}

// cfIntOfDouble is int(d): truncated, an error out of range.
func cfIntOfDouble(e *cfEval, d float64) int64 {
	if math.IsNaN(d) || d <= -9223372036854775808.0 || d >= 9223372036854775807.0 {
		e.fail("int(%v): out of range", d)
		return 0
	}
	return int64(d)
}

func cfIntOf(e *cfEval, v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return cfIntOfDouble(e, x)
	case string:
		return cfIntOfString(e, x)
	}
	e.fail("int() of %s", cfTypeName(v))
	return 0
}

func cfDoubleOfString(e *cfEval, s string) float64 {
	d, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		e.fail("double(%q): not a number", s)
	}
	return d
}

func cfDoubleOfInt(e *cfEval, i int64) float64 { return float64(i) }

func cfDoubleOf(e *cfEval, v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case string:
		return cfDoubleOfString(e, x)
	}
	e.fail("double() of %s", cfTypeName(v))
	return 0
}

func cfStringOfInt(e *cfEval, i int64) string { return strconv.FormatInt(i, 10) }
func cfStringOfBool(e *cfEval, b bool) string { return strconv.FormatBool(b) }

func cfStringOf(e *cfEval, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	e.fail("string() of %s", cfTypeName(v))
	return ""
}

// Integer arithmetic: an overflow or a division by zero is an error, as
// in CEL.
func cfAddInt(e *cfEval, a, b int64) int64 {
	r := a + b
	if (r > a) != (b > 0) {
		e.fail("%d + %d overflows", a, b)
	}
	return r
}

func cfSubInt(e *cfEval, a, b int64) int64 {
	r := a - b
	if (r < a) != (b > 0) {
		e.fail("%d - %d overflows", a, b)
	}
	return r
}

func cfMulInt(e *cfEval, a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	r := a * b
	if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		e.fail("%d * %d overflows", a, b)
	}
	return r
}

func cfDivInt(e *cfEval, a, b int64) int64 {
	if b == 0 {
		e.fail("%d / 0", a)
		return 0
	}
	if a == math.MinInt64 && b == -1 {
		e.fail("%d / -1 overflows", a)
		return 0
	}
	return a / b
}

func cfModInt(e *cfEval, a, b int64) int64 {
	if b == 0 {
		e.fail("%d %% 0", a)
		return 0
	}
	if a == math.MinInt64 && b == -1 {
		e.fail("%d %% -1 overflows", a)
		return 0
	}
	return a % b
}

func cfNegInt(e *cfEval, a int64) int64 {
	if a == math.MinInt64 {
		e.fail("-(%d) overflows", a)
	}
	return -a
}

func cfNegDouble(e *cfEval, a float64) float64 { return -a }

// cfConcat is list + list.
func cfConcat(e *cfEval, a, b []any) []any {
	return append(append(make([]any, 0, len(a)+len(b)), a...), b...)
}

// cfEqual is CEL's ==: numbers compare across int and double, lists and
// maps deeply, values of different types are unequal.
func cfEqual(e *cfEval, a, b any) bool {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y && !(y >= 9223372036854775807.0 || y < -9223372036854775808.0)
		}
		return false
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case int64:
			return cfEqual(e, y, x)
		}
		return false
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !cfEqual(e, x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !cfEqual(e, v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

// cfInList is x in l.
func cfInList(e *cfEval, x any, l []any) bool {
	for _, v := range l {
		if cfEqual(e, x, v) {
			return true
		}
	}
	return false
}

func cfStartsWith(e *cfEval, s, p string) bool { return strings.HasPrefix(s, p) }
func cfEndsWith(e *cfEval, s, p string) bool   { return strings.HasSuffix(s, p) }
func cfContains(e *cfEval, s, p string) bool   { return strings.Contains(s, p) }

// cfPatterns are the compiled patterns of matches() and of the spec's
// pattern keywords, compiled once. A rule may match against a pattern read
// from an answer, so the cache keeps at most cfMaxPatterns: the spec's
// own, which come first, and no server can grow it without bound.
var (
	cfPatterns     sync.Map
	cfPatternCount atomic.Int64
)

const cfMaxPatterns = 1024

// cfRegexp is a pattern compiled, or nil with the error.
func cfRegexp(p string) (*regexp.Regexp, error) {
	if re, ok := cfPatterns.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	if cfPatternCount.Add(1) <= cfMaxPatterns {
		cfPatterns.Store(p, re)
	}
	return re, nil
}

// cfMatchesRE is s.matches(p): RE2, unanchored, as in CEL.
func cfMatchesRE(e *cfEval, s, p string) bool {
	re, err := cfRegexp(p)
	if err != nil {
		e.fail("matches(%q): %v", p, err)
		return false
	}
	return re.MatchString(s)
}

// cfKeys are a map's keys in byte order, what a comprehension over a map
// ranges over.
func cfKeys(e *cfEval, m map[string]any) []any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

// cfItems is what a comprehension ranges over in a value of unknown type.
func cfItems(e *cfEval, v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case map[string]any:
		return cfKeys(e, x)
	}
	e.fail("a comprehension over %s", cfTypeName(v))
	return nil
}

// try runs f alone: its result and its own error, e's first error kept.
func (e *cfEval) try(f func() bool) (bool, error) {
	saved := e.err
	e.err = nil
	v := f()
	err := e.err
	e.err = saved
	return v, err
}

// keep records err as e's error unless e has one.
func (e *cfEval) keep(err error) {
	if e.err == nil {
		e.err = err
	}
}

// cfAnd is a && b as CEL has it: false when either is false, even where
// the other cannot be evaluated (so has(self.x) may come first or last);
// an error only when neither is false.
func cfAnd(e *cfEval, a, b func() bool) bool {
	x, errA := e.try(a)
	if errA == nil && !x {
		return false
	}
	y, errB := e.try(b)
	if errB == nil && !y {
		return false
	}
	if errA != nil {
		e.keep(errA)
	}
	if errB != nil {
		e.keep(errB)
	}
	return true
}

// cfOr is a || b as CEL has it: true when either is true, an error only
// when neither is.
func cfOr(e *cfEval, a, b func() bool) bool {
	x, errA := e.try(a)
	if errA == nil && x {
		return true
	}
	y, errB := e.try(b)
	if errB == nil && y {
		return true
	}
	if errA != nil {
		e.keep(errA)
	}
	if errB != nil {
		e.keep(errB)
	}
	return false
}

// cfAll is l.all(x, p) as CEL has it: false when p is false of any
// element, even where it cannot be evaluated of another; else an error
// when it cannot be of one.
func cfAll(e *cfEval, l []any, p func(any) bool) bool {
	var first error
	for _, v := range l {
		ok, err := e.try(func() bool { return p(v) })
		if err == nil && !ok {
			return false
		}
		if err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		e.keep(first)
		return false
	}
	return true
}

// cfExists is l.exists(x, p), the same way round: true when p is true of
// any element.
func cfExists(e *cfEval, l []any, p func(any) bool) bool {
	var first error
	for _, v := range l {
		ok, err := e.try(func() bool { return p(v) })
		if err == nil && ok {
			return true
		}
		if err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		e.keep(first)
	}
	return false
}

// cfExistsOne, cfMapEach and cfMapFilter stop at the first error, as
// CEL's do.
func cfExistsOne(e *cfEval, l []any, p func(any) bool) bool {
	n := 0
	for _, v := range l {
		if p(v) {
			n++
		}
		if e.err != nil {
			return false
		}
	}
	return n == 1
}

func cfMapEach(e *cfEval, l []any, f func(any) any) []any {
	out := make([]any, 0, len(l))
	for _, v := range l {
		out = append(out, f(v))
		if e.err != nil {
			return nil
		}
	}
	return out
}

// cfMapFilter is filter(x, p) (f returns x) and map(x, p, f).
func cfMapFilter(e *cfEval, l []any, p func(any) bool, f func(any) any) []any {
	out := []any{}
	for _, v := range l {
		if p(v) && e.err == nil {
			out = append(out, f(v))
		}
		if e.err != nil {
			return nil
		}
	}
	return out
}

// cfValue is a parsed JSON value as a rule sees it: objects as maps,
// arrays as lists, numbers as int64 when written as integers that fit and
// float64 otherwise.
func cfValue(n *cfNode) any {
	switch n.Kind {
	case '{':
		m := make(map[string]any, len(n.Keys))
		for i, k := range n.Keys {
			m[k] = cfValue(n.Items[i])
		}
		return m
	case '[':
		l := make([]any, len(n.Items))
		for i, it := range n.Items {
			l[i] = cfValue(it)
		}
		return l
	case '"':
		return n.Str
	case 't':
		return true
	case 'f':
		return false
	case 'n':
		return nil
	}
	if i, err := strconv.ParseInt(string(n.Raw), 10, 64); err == nil {
		return i
	}
	f, _ := strconv.ParseFloat(string(n.Raw), 64)
	return f
}
