package fastfmt

import (
	"bytes"
	"go/format"
	"go/token"
)

// cache maps a chunk's shape key to how chunks of that shape format.
// It lives for one file: a process-wide one would grow without bound
// and make one file's formatting depend on what was formatted before.
type cache struct {
	shapes map[string]*shape
	key    []byte // scratch for the key of the chunk at hand
}

// shape is the formatted text of the first chunk of a shape, and where
// that chunk's variable spans are in it, in source order; nil spans mean
// they could not be matched up in the output, and each chunk of the
// shape is formatted afresh.
type shape struct {
	out   []byte
	spans []span
}

// span is where a variable span is in a shape's formatted text.
type span struct{ off, len int }

// chunkPrefix is the package clause a chunk is formatted after.
const chunkPrefix = "package p\n\n"

// chunk appends the formatted text of chunk text (at offset base of the
// file, with tokens toks) to dst, and reports whether a cached shape
// served it, and false ok when it did not format.
func (c *cache) chunk(dst, text []byte, base int, toks []tok) (out []byte, hit, ok bool) {
	c.key = mask(c.key[:0], text, base, toks, widthFree(text, base, toks))
	if s := c.shapes[string(c.key)]; s != nil && s.spans != nil {
		return s.apply(dst, text, base, toks), true, true
	}
	src := make([]byte, 0, len(chunkPrefix)+len(text))
	src = append(append(src, chunkPrefix...), text...)
	res, err := format.Source(src)
	if err != nil || !bytes.HasPrefix(res, []byte(chunkPrefix)) || !bytes.HasSuffix(res, []byte("\n")) {
		return dst, false, false
	}
	res = res[len(chunkPrefix):]
	if len(res) == 0 || res[0] == '\n' {
		return dst, false, false
	}
	if _, seen := c.shapes[string(c.key)]; !seen {
		c.shapes[string(c.key)] = &shape{out: res, spans: matchVariables(res, text, base, toks)}
	}
	return append(dst, res...), false, true
}

// mask appends the shape key of the chunk text to key: the text with
// the variable span of every token replaced by 'a's, or by '1's in an
// integer, as many as the span is long, or just one when the chunk is
// widthFree (a leading byte tells the two kinds of key apart). Two
// chunks have one key exactly when they differ only in the content of
// variable spans (of equal lengths, unless widthFree): a masked token
// scans as a token of the same kind ('a'* is never a keyword, a masked
// comment is still plain), and no token kept verbatim looks masked (an
// integer of 1s, a plain comment, an identifier of a's would have been
// masked).
func mask(key, text []byte, base int, toks []tok, widthFree bool) []byte {
	key = append(key, 'x')
	if widthFree {
		key[len(key)-1] = 'w'
	}
	prev := 0
	for _, t := range toks {
		if !t.variable() {
			continue
		}
		vs, ve := int(t.vs)-base, int(t.ve)-base
		key = append(key, text[prev:vs]...)
		m, n := byte('a'), ve-vs
		if t.kind == token.INT {
			m = '1'
		}
		if widthFree {
			n = 1
		}
		for range n {
			key = append(key, m)
		}
		prev = ve
	}
	return append(key, text[prev:]...)
}

// apply appends s's formatted text to dst with the variable spans of
// the chunk text in place of those of the chunk s was made from.
func (s *shape) apply(dst, text []byte, base int, toks []tok) []byte {
	prev, i := 0, 0
	for _, t := range toks {
		if !t.variable() {
			continue
		}
		sp := s.spans[i]
		dst = append(dst, s.out[prev:sp.off]...)
		dst = append(dst, text[int(t.vs)-base:int(t.ve)-base]...)
		prev = sp.off + sp.len
		i++
	}
	return append(dst, s.out[prev:]...)
}

// matchVariables returns where in res, the formatted chunk, the chunk's
// variable spans are, or nil unless res holds the same variable
// spans with the same texts in the same order (gofmt neither drops nor
// reorders identifiers, literals and comments outside import blocks,
// but a shape is only trusted once seen to hold).
func matchVariables(res, text []byte, base int, toks []tok) []span {
	got, ok := scan(res)
	if !ok {
		return nil
	}
	spans := make([]span, 0, 64)
	i := 0
	for _, t := range toks {
		if !t.variable() {
			continue
		}
		for i < len(got) && !got[i].variable() {
			i++
		}
		if i == len(got) {
			return nil
		}
		g := got[i]
		if g.kind != t.kind || !bytes.Equal(res[int(g.vs):int(g.ve)], text[int(t.vs)-base:int(t.ve)-base]) {
			return nil
		}
		spans = append(spans, span{int(g.vs), int(g.ve - g.vs)})
		i++
	}
	for ; i < len(got); i++ {
		if got[i].variable() {
			return nil
		}
	}
	return spans
}
