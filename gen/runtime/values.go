package pegasusrt

import (
	"math"
	"strconv"
)

// rtIsSpace is C isspace() in the "C" locale, which is what strtoll and
// strtod skip before a number; it is wider than the query-item trimming, so
// a value such as "\v5" is still accepted.
func rtIsSpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r'
}

// rtScanInteger is the common part of strtoll/strtoull with base 0: it
// returns the sign and magnitude, and ok only when the whole string is one
// number. The magnitude overflowing uint64 is a failure because strtoll and
// strtoull then set ERANGE, which buf2* reject. ("0b" binary prefixes of
// glibc 2.38's C23 mode are not accepted: Pegasus is built against older
// glibc.)
func rtScanInteger(s string) (neg bool, mag uint64, ok bool) {
	i := 0
	for i < len(s) && rtIsSpace(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	switch {
	case i+2 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' && rtDigit(s[i+2]) < 16:
		base = 16
		i += 2
	case i < len(s) && s[i] == '0':
		base = 8
	}
	if i == len(s) {
		return false, 0, false
	}
	for ; i < len(s); i++ {
		d := rtDigit(s[i])
		if d >= base {
			return false, 0, false
		}
		if mag > (math.MaxUint64-d)/base {
			return false, 0, false
		}
		mag = mag*base + d
	}
	return neg, mag, true
}

// rtDigit is the value of an alphanumeric digit in any base up to 36, or
// 255 for anything else, so one comparison against the base validates it.
func rtDigit(c byte) uint64 {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0')
	case 'a' <= c && c <= 'z':
		return uint64(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return uint64(c-'A') + 10
	}
	return 255
}

// rtParseInt is buf2int32/buf2int64 (string_conv.h): strtoll(s, &end, 0) that
// must consume all of s, range-checked to a signed bits-bit integer. So
// "0x10" is 16, "010" is 8 and " +5" is 5, while "5 ", "" and "08" fail.
func rtParseInt(s string, bits int) (int64, bool) {
	neg, mag, ok := rtScanInteger(s)
	if !ok {
		return 0, false
	}
	limit := uint64(1) << (bits - 1)
	if neg {
		if mag > limit {
			return 0, false
		}
		return int64(-mag), true
	}
	if mag > limit-1 {
		return 0, false
	}
	return int64(mag), true
}

// rtParseUint is buf2uint32/buf2uint64: strtoull base 0, whose silent
// negation of "-5" buf2unsigned rejects by refusing any '-' unless the value
// is zero ("-0" is accepted).
func rtParseUint(s string, bits int) (uint64, bool) {
	neg, mag, ok := rtScanInteger(s)
	if !ok || neg && mag != 0 {
		return 0, false
	}
	if bits < 64 && mag > uint64(1)<<bits-1 {
		return 0, false
	}
	return mag, true
}

// rtParseBool is buf2bool: only "true" and "false", ASCII case-insensitive.
// strings.EqualFold is not used because it also folds non-ASCII letters
// (U+017F folds to 's'), which ::tolower does not.
func rtParseBool(s string) (bool, bool) {
	switch {
	case rtEqualFoldASCII(s, "true"):
		return true, true
	case rtEqualFoldASCII(s, "false"):
		return false, true
	}
	return false, false
}

// rtEqualFoldASCII compares s with an all-lowercase ASCII word, folding only
// A-Z the way ::tolower does in the "C" locale.
func rtEqualFoldASCII(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// rtParseDouble is buf2double: strtod that must consume all of s and must
// not report inf, nan or ERANGE. The strtod grammar is checked here (leading
// isspace, hex floats with an optional 'p' exponent) because
// strconv.ParseFloat's differs; ParseFloat only computes the value. glibc
// sets ERANGE on overflow and on an inexact underflow; every underflow to
// zero or into the subnormal range is rejected here, which differs from
// glibc only for exactly representable subnormals (hex floats such as
// "0x1p-1074", or decimals hundreds of digits long).
func rtParseDouble(s string) (float64, bool) {
	i := 0
	for i < len(s) && rtIsSpace(s[i]) {
		i++
	}
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	hex := j+1 < len(s) && s[j] == '0' && s[j+1]|0x20 == 'x'
	base, expChar := uint64(10), byte('e')
	if hex {
		base, expChar = 16, 'p'
		j += 2
	}
	digits, nonzero := 0, false
	for dot := false; j < len(s); j++ {
		if s[j] == '.' && !dot {
			dot = true
			continue
		}
		d := rtDigit(s[j])
		if d >= base {
			break
		}
		digits++
		nonzero = nonzero || d != 0
	}
	if digits == 0 {
		// Covers "inf", "nan" and a bare "0x" (whose 'x' strtod leaves).
		return 0, false
	}
	hasExp := j < len(s) && s[j]|0x20 == expChar
	if hasExp {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		start := j
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == start {
			return 0, false
		}
	}
	if j != len(s) {
		return 0, false
	}
	num := s[i:]
	if hex && !hasExp {
		num += "p0" // strconv requires the exponent strtod makes optional
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v == 0 && nonzero || v != 0 && math.Abs(v) < 0x1p-1022 {
		return 0, false
	}
	return v, true
}
