package conformrt

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The named formats of the dialect (spec/CONVENTIONS.md, "Named formats").
const (
	cfFormatTime   = "pegasus-time"    // YYYY-MM-DD HH:MM:SS
	cfFormatTimeMS = "pegasus-time-ms" // YYYY-MM-DD HH:MM:SS.mmm, or "-"
	cfFormatHost   = "host-port"       // <host>:<port>
	cfFormatHosts  = "host-port-list"  // host-ports joined by ","
)

// cfFormats are the checks of the named formats: what is wrong, or "".
var cfFormats = map[string]func(string) string{
	cfFormatTime: func(s string) string { return cfTime(s, false) },
	cfFormatTimeMS: func(s string) string {
		if s == "-" {
			return ""
		}
		return cfTime(s, true)
	},
	cfFormatHost: cfHostPort,
	cfFormatHosts: func(s string) string {
		for _, hp := range strings.Split(s, ",") {
			if msg := cfHostPort(hp); msg != "" {
				return msg
			}
		}
		return ""
	},
}

// cfTime checks YYYY-MM-DD HH:MM:SS[.mmm], strftime's "%Y-%m-%d %H:%M:%S"
// (and "%03d" milliseconds), with each field in its range.
func cfTime(s string, ms bool) string {
	layout := "dddd-dd-dd dd:dd:dd"
	if ms {
		layout += ".ddd"
	}
	want := "YYYY-MM-DD HH:MM:SS" + map[bool]string{true: ".mmm"}[ms]
	if len(s) != len(layout) {
		return "not " + want
	}
	for i := range len(layout) {
		if layout[i] == 'd' && (s[i] < '0' || s[i] > '9') || layout[i] != 'd' && s[i] != layout[i] {
			return "not " + want
		}
	}
	n := func(i, j int) int { v, _ := strconv.Atoi(s[i:j]); return v }
	if mo, d, h, mi, se := n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19); mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 {
		return "not " + want + " (a field is out of range)"
	}
	return ""
}

// cfHostPort checks <host>:<port>: a host of no blank or ':' (an IPv6
// address in brackets), a port 0-65535 in decimal.
func cfHostPort(s string) string {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return "not host:port"
	}
	host, port := s[:i], s[i+1:]
	if strings.ContainsAny(host, " \t,") || strings.Contains(host, ":") && !(strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]")) {
		return "not host:port (the host " + strconv.Quote(host) + ")"
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(p, 10) != port {
		return "not host:port (the port " + strconv.Quote(port) + ")"
	}
	return ""
}

// keywords checks an answer member's value against its schema's pattern,
// length bounds, named format and numeric bounds.
func (v *cfValidator) keywords(path string, n *cfNode, f *cfField) {
	switch n.Kind {
	case '"':
		s := n.Str
		if f.Pattern != "" {
			re, err := cfRegexp(f.Pattern)
			switch {
			case err != nil:
				v.failValue(path, "the documented pattern %s is not a Go regular expression: %v", f.Pattern, err)
			case !re.MatchString(s):
				v.failValue(path, "%q does not match the documented pattern %s", s, f.Pattern)
			}
		}
		l := utf8.RuneCountInString(s)
		if f.MinLength > 0 && l < f.MinLength {
			v.failValue(path, "%q is shorter than the documented minLength %d", s, f.MinLength)
		}
		if f.MaxLength != nil && l > *f.MaxLength {
			v.failValue(path, "%q is longer than the documented maxLength %d", cfClipString(s), *f.MaxLength)
		}
		if check := cfFormats[f.Format]; check != nil {
			if msg := check(s); msg != "" {
				v.failValue(path, "%q is %s (format %s)", cfClipString(s), msg, f.Format)
			}
		}
	case '0':
		x, err := strconv.ParseFloat(string(n.Raw), 64)
		if err != nil {
			return
		}
		if f.HasMin && x < float64(f.Min) {
			v.failValue(path, "%s is below the documented minimum %d", n.Raw, f.Min)
		}
		if f.HasMax && x > float64(f.Max) {
			v.failValue(path, "%s is above the documented maximum %d", n.Raw, f.Max)
		}
	}
}

// cfClipString shortens a long value for a message.
func cfClipString(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
