package pegasusrt

import (
	"math"
	"testing"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"0", 32, 0, true},
		{"5", 32, 5, true},
		{"-5", 32, -5, true},
		{"0x10", 32, 16, true},
		{"0X1f", 32, 31, true},
		{"-0x10", 32, -16, true},
		{"010", 32, 8, true},
		{"-010", 32, -8, true},
		{"00", 32, 0, true},
		{"-0", 32, 0, true},
		{" +5", 32, 5, true},
		{"\t\n\v\f\r 7", 32, 7, true},
		{"+0x7FFFFFFF", 32, math.MaxInt32, true},
		{"2147483647", 32, math.MaxInt32, true},
		{"-2147483648", 32, math.MinInt32, true},
		{"017777777777", 32, math.MaxInt32, true},
		{"9223372036854775807", 64, math.MaxInt64, true},
		{"-9223372036854775808", 64, math.MinInt64, true},
		{"0x7fffffffffffffff", 64, math.MaxInt64, true},
		{"2147483648", 64, 2147483648, true},
		// Rejected: anything strtoll leaves unconsumed, no digits, range.
		{"", 32, 0, false},
		{" ", 32, 0, false},
		{"+", 32, 0, false},
		{"-", 32, 0, false},
		{"5x", 32, 0, false},
		{"5 ", 32, 0, false},
		{"5\n", 32, 0, false},
		{"1.0", 32, 0, false},
		{"1e3", 32, 0, false},
		{"08", 32, 0, false},
		{"09", 32, 0, false},
		{"0x", 32, 0, false},
		{"0xg", 32, 0, false},
		{"0x-1", 32, 0, false},
		{"x10", 32, 0, false},
		{"--5", 32, 0, false},
		{"+-5", 32, 0, false},
		{"- 5", 32, 0, false},
		{"0b101", 32, 0, false},
		{"١", 32, 0, false},
		{"2147483648", 32, 0, false},
		{"-2147483649", 32, 0, false},
		{"0x80000000", 32, 0, false},
		{"9223372036854775808", 64, 0, false},
		{"-9223372036854775809", 64, 0, false},
		{"18446744073709551616", 64, 0, false},
		{"99999999999999999999999", 64, 0, false},
		{"5\x00", 32, 0, false},
	}
	for _, tt := range tests {
		got, ok := rtParseInt(tt.in, tt.bits)
		if got != tt.want || ok != tt.ok {
			t.Errorf("rtParseInt(%q, %d) = %d, %v; want %d, %v", tt.in, tt.bits, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseUint(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want uint64
		ok   bool
	}{
		{"0", 32, 0, true},
		{"-0", 32, 0, true},
		{"-00", 32, 0, true},
		{"-0x0", 32, 0, true},
		{"+1", 32, 1, true},
		{" 1", 32, 1, true},
		{"0x10", 32, 16, true},
		{"010", 32, 8, true},
		{"4294967295", 32, math.MaxUint32, true},
		{"0xffffffff", 32, math.MaxUint32, true},
		{"18446744073709551615", 64, math.MaxUint64, true},
		{"0xFFFFFFFFFFFFFFFF", 64, math.MaxUint64, true},
		{"65535", 16, 65535, true},
		// Any '-' with a non-zero value, as buf2unsigned checks.
		{"-1", 32, 0, false},
		{"-1", 64, 0, false},
		{"-18446744073709551615", 64, 0, false},
		{"- 0", 32, 0, false},
		{"4294967296", 32, 0, false},
		{"65536", 16, 0, false},
		{"18446744073709551616", 64, 0, false},
		{"", 32, 0, false},
		{"1 ", 32, 0, false},
		{"0x", 32, 0, false},
		{"true", 32, 0, false},
	}
	for _, tt := range tests {
		got, ok := rtParseUint(tt.in, tt.bits)
		if got != tt.want || ok != tt.ok {
			t.Errorf("rtParseUint(%q, %d) = %d, %v; want %d, %v", tt.in, tt.bits, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in       string
		want, ok bool
	}{
		{"true", true, true},
		{"TRUE", true, true},
		{"True", true, true},
		{"tRuE", true, true},
		{"false", false, true},
		{"FALSE", false, true},
		{"FaLsE", false, true},
		{"", false, false},
		{"1", false, false},
		{"0", false, false},
		{"yes", false, false},
		{"t", false, false},
		{" true", false, false},
		{"true ", false, false},
		{"truee", false, false},
		{"falſe", false, false}, // U+017F folds to 's' in Unicode, not in ::tolower
		{"true\x00", false, false},
	}
	for _, tt := range tests {
		got, ok := rtParseBool(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("rtParseBool(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseDouble(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0", 0, true},
		{"1.5", 1.5, true},
		{" -2.5e3", -2500, true},
		{"\t+.5", 0.5, true},
		{"5.", 5, true},
		{"1e5", 1e5, true},
		{"1E-5", 1e-5, true},
		{"1e+5", 1e5, true},
		{"00012", 12, true},
		{"0.1", 0.1, true},
		{"0x1p4", 16, true},
		{"0x1.8", 1.5, true},
		{"0X.8P1", 1, true},
		{"-0x10", -16, true},
		{"0e99999", 0, true},
		{"0x1.8e3", 0x1.8e3p0, true}, // 'e' is a hex digit, not an exponent
		{"1.7976931348623157e308", math.MaxFloat64, true},
		{"2.2250738585072014e-308", 0x1p-1022, true},
		// strtod leftovers.
		{"", 0, false},
		{" ", 0, false},
		{".", 0, false},
		{"-", 0, false},
		{"+.", 0, false},
		{"1.5 ", 0, false},
		{"1e", 0, false},
		{"1e+", 0, false},
		{"1.2.3", 0, false},
		{"1_000", 0, false},
		{"0x", 0, false},
		{"0xp1", 0, false},
		{"0x1p", 0, false},
		{"1,5", 0, false},
		{"--1", 0, false},
		// inf, nan, ERANGE.
		{"inf", 0, false},
		{"-Infinity", 0, false},
		{"nan", 0, false},
		{"NAN(123)", 0, false},
		{"1e400", 0, false},
		{"-1e400", 0, false},
		{"1e-400", 0, false},
		{"4.9e-324", 0, false},
		{"1e-310", 0, false},
	}
	for _, tt := range tests {
		got, ok := rtParseDouble(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("rtParseDouble(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if v, ok := rtParseDouble("-0"); !ok || v != 0 || !math.Signbit(v) {
		t.Errorf("rtParseDouble(-0) = %v, %v", v, ok)
	}
}
