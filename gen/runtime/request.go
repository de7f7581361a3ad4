package pegasusrt

import (
	"errors"
	"strings"
)

// rtArg is one query argument. The real server keeps arguments in a map of
// strings, where "?detail" and "?detail=" are the same thing, and generated
// code must treat them alike; Flag keeps the difference only for logs and
// tests, which are clearer with it.
type rtArg struct {
	// Key is the decoded text before the first '=' (or the whole item).
	Key string
	// Value is the decoded text after the first '='; "" for a flag.
	Value string
	// Flag records that the item had no '=' at all.
	Flag bool
}

// rtRequest is a request as the C++ http_request::parse leaves it: the
// registry lookup key and the decoded arguments. The arguments keep request order
// (the server's unordered_map has none) so that redirects and error
// messages are deterministic.
type rtRequest struct {
	// Path has no leading or trailing slash; "" is the root listing.
	Path string
	// more holds the arguments when they do not fit buf, or on a copy made
	// by the tests' rtParseRequest; read them with list. Each key is there once.
	more []rtArg
	// buf and n hold the arguments of a usual request, so that a request
	// parsed into a value on the server's stack needs no allocation for
	// them. (Pointing more at buf would do the same but make every
	// request escape to the heap: Go's escape analysis cannot follow a
	// struct that points into itself.)
	buf [4]rtArg
	n   int
}

// list is the request's arguments, in request order.
func (r *rtRequest) list() []rtArg {
	if r.more != nil {
		return r.more
	}
	return r.buf[:r.n]
}

// add appends an argument, moving to the heap once buf is full.
func (r *rtRequest) add(a rtArg) {
	switch {
	case r.more != nil:
		r.more = append(r.more, a)
	case r.n < len(r.buf):
		r.buf[r.n] = a
		r.n++
	default:
		r.more = append(make([]rtArg, 0, 4*len(r.buf)), r.buf[:r.n]...)
		r.more = append(r.more, a)
	}
}

// rtParseErrorPrefix starts every 400 body of a failed parse: the server
// prints "failed to parse request: " and the error_s description, whose code
// is always ERR_INVALID_PARAMETERS here.
const rtParseErrorPrefix = "failed to parse request: ERR_INVALID_PARAMETERS: "

// rtDupMapMin is the argument count from which duplicate detection switches
// from a linear scan to a map, so that a hostile query with thousands of
// arguments cannot make parsing quadratic while the usual one to three
// arguments cost no allocation.
const rtDupMapMin = 16

// parse reproduces http_request::parse (http_server.cpp:168-262) on the
// undecoded path and query, into a zero rtRequest. The path must be the raw
// request path: a percent-escape is decoded here, before splitting, so "%2F"
// separates segments as it does on the real server. The whole query is
// decoded before it is split, so "%26" and "%3D" split too and '+' stays
// '+'. Bytes after a decoded NUL are ignored, because the C++ code splits the
// c_str(). The returned error's text is the complete 400 body. The arguments
// go into req's own buffer while they fit, so a request parsed into a local
// variable allocates nothing for them.
func (req *rtRequest) parse(rawPath, rawQuery string) error {
	path, err := rtUnescape(rawPath, true)
	if err != nil {
		return err
	}
	query, err := rtUnescape(rawQuery, false)
	if err != nil {
		return err
	}
	req.Path = rtNormalizePath(rtCutNUL(path))
	query = rtCutNUL(query)
	if query == "" {
		return nil
	}

	var seen map[string]struct{}
	for pos := 0; ; {
		lo, hi, ok := rtNextItem(query, '&', &pos)
		if !ok {
			break
		}
		item := query[lo:hi]
		key, value, hasValue := strings.Cut(item, "=")
		var exists bool
		if seen != nil {
			_, exists = seen[key]
		} else {
			_, exists = req.Get(key)
		}
		if exists {
			if !hasValue {
				// emplace() of an existing key is a silent no-op.
				continue
			}
			return errors.New(rtParseErrorPrefix + "duplicate parameter: " + key)
		}
		req.add(rtArg{Key: key, Value: value, Flag: !hasValue})
		if seen != nil {
			seen[key] = struct{}{}
		} else if args := req.list(); len(args) >= rtDupMapMin {
			seen = make(map[string]struct{}, 2*rtDupMapMin)
			for _, a := range args {
				seen[a.Key] = struct{}{}
			}
		}
	}
	return nil
}

// Get looks an argument up by key. A linear scan beats a map for the handful
// of arguments a request carries and keeps rtRequest allocation-free.
func (r *rtRequest) Get(key string) (rtArg, bool) {
	for _, a := range r.list() {
		if a.Key == key {
			return a, true
		}
	}
	return rtArg{}, false
}

// rtUnescape reproduces dsn::uri::decode, including its two error texts.
// nul mimics the path quirk: the server appends a NUL before decoding the
// path, so there a '%' followed by a single character at the end reports
// the hex error instead of the partial-escape one. The hex error prints the
// encoded text from the bad escape up to the next NUL (the C++ code formats
// a const char*), i.e. normally the whole rest of the string.
func rtUnescape(enc string, nul bool) (string, error) {
	i := strings.IndexByte(enc, '%')
	if i < 0 {
		return enc, nil
	}
	size := len(enc)
	if nul {
		size++
	}
	var b strings.Builder
	b.Grow(len(enc))
	b.WriteString(enc[:i])
	for ; i < len(enc); i++ {
		c := enc[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= size {
			return "", errors.New(rtParseErrorPrefix + "Encountered partial escape sequence at end of string")
		}
		hi, ok1 := rtUnhex(enc, i+1)
		lo, ok2 := rtUnhex(enc, i+2)
		if !ok1 || !ok2 {
			return "", errors.New(rtParseErrorPrefix + "The characters " + rtCutNUL(enc[i+1:]) +
				" do not form a hex value. Please escape it or pass a valid hex value")
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), nil
}

// rtUnhex decodes the hex digit at s[i]; an index past the end stands for
// the NUL the server appends to the path, which is not a hex digit.
func rtUnhex(s string, i int) (byte, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// rtCutNUL truncates s at its first NUL byte, because the C++ code hands
// decoded strings on as C strings.
func rtCutNUL(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// rtNormalizePath turns a decoded path into the registry key: segments
// trimmed and empty ones dropped, rejoined with '/'. The common clean path
// ("/meta/app") is returned as a substring so that it costs no allocation.
func rtNormalizePath(p string) string {
	if rtCleanPath(p) {
		// The usual path: its segments are what lies between single
		// slashes, untrimmed.
		return strings.Trim(p, "/")
	}
	first, last := -1, -1
	contiguous := true
	for pos := 0; ; {
		lo, hi, ok := rtNextItem(p, '/', &pos)
		if !ok {
			break
		}
		if first < 0 {
			first = lo
		} else if lo != last+1 {
			contiguous = false
			break
		}
		last = hi
	}
	if first < 0 {
		return ""
	}
	if contiguous {
		return p[first:last]
	}
	var b strings.Builder
	b.Grow(len(p))
	for pos := 0; ; {
		lo, hi, ok := rtNextItem(p, '/', &pos)
		if !ok {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(p[lo:hi])
	}
	return b.String()
}

// rtCleanPath reports whether p has neither repeated slashes nor the blank
// characters split_args trims.
func rtCleanPath(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case ' ', '\t', '\r', '\n':
			return false
		case '/':
			if i > 0 && p[i-1] == '/' {
				return false
			}
		}
	}
	return true
}

// rtNextItem is dsn::utils::split_args as a cursor: it returns the bounds of
// the next item of s at or after *pos that is not empty once trimmed, and
// moves *pos past it. The trimming is deliberately lopsided, as in
// strings.cpp: leading " \t" but trailing " \t\r\n".
func rtNextItem(s string, sep byte, pos *int) (lo, hi int, ok bool) {
	for *pos <= len(s) {
		start := *pos
		end := strings.IndexByte(s[start:], sep)
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		*pos = end + 1
		lo, hi = start, end
		for lo < hi && (s[lo] == ' ' || s[lo] == '\t') {
			lo++
		}
		for hi > lo && (s[hi-1] == ' ' || s[hi-1] == '\t' || s[hi-1] == '\r' || s[hi-1] == '\n') {
			hi--
		}
		if lo < hi {
			return lo, hi, true
		}
	}
	return 0, 0, false
}

// rtSplitList splits a comma list argument the way /metrics does
// (split_args on ','), so that "a, b,,c" means the same thing to the
// generated server as to the real one. The result is never nil, which lets
// callers tell a present-but-empty list from an absent one.
func rtSplitList(s string) []string {
	s = rtCutNUL(s)
	out := make([]string, 0, strings.Count(s, ",")+1)
	for pos := 0; ; {
		lo, hi, ok := rtNextItem(s, ',', &pos)
		if !ok {
			return out
		}
		out = append(out, s[lo:hi])
	}
}

// rtLocation builds the Location of a backup meta server's redirect as
// redirect_if_not_primary does: decoded arguments pasted back without
// re-encoding, flags as "k=", and every NUL byte removed. The server's
// argument order is that of an unordered_map; request order is used here
// because any order is faithful and this one is deterministic.
func rtLocation(primary, path string, args []rtArg) string {
	n := len("http://") + len(primary) + 1 + len(path)
	for _, a := range args {
		n += len(a.Key) + len(a.Value) + 2
	}
	b := make([]byte, 0, n)
	b = append(b, "http://"...)
	b = rtAppendNoNUL(b, primary)
	b = append(b, '/')
	b = rtAppendNoNUL(b, path)
	for i, a := range args {
		if i == 0 {
			b = append(b, '?')
		} else {
			b = append(b, '&')
		}
		b = rtAppendNoNUL(b, a.Key)
		b = append(b, '=')
		b = rtAppendNoNUL(b, a.Value)
	}
	return string(b)
}

// rtAppendNoNUL appends s without its NUL bytes; a separate helper keeps the
// common NUL-free case a single copy.
func rtAppendNoNUL(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		s = s[i+1:]
	}
}
