package fastfmt

import (
	"bytes"
	"go/format"
	"go/token"
)

// run is the formatting of one file: it scans the source once, keeps
// the tokens read since the last cut, and formats the piece before each
// cut as soon as it finds the cut. A cut is at a top-level declaration
// after the imports (or its doc comment) before which gofmt prints
// exactly one blank line (see cutBefore); a blank line also ends every
// tabwriter alignment block, so the piece after it prints as it would
// alone after a package clause. The first piece, the prologue (package
// clause, imports), is formatted by go/format; the others are chunks,
// formatted through the shape cache.
type run struct {
	src     []byte
	c       *cache
	z       tokenizer
	buf     []tok // the tokens since the last cut
	start   int   // where the piece being read starts
	pieces  int   // pieces formatted so far
	depth   int   // of parentheses, brackets and braces
	prevKw  token.Token
	sawCode bool // a token other than a comment has been read
	out     []byte
	st      Stats
}

// formatWith is FormatStats with the shape cache c, which a test keeps
// across sources.
func formatWith(src []byte, c *cache) ([]byte, bool, Stats) {
	if !scannable(src) {
		return nil, false, Stats{}
	}
	r := &run{src: src, c: c, prevKw: token.ILLEGAL}
	r.z.init(src)
	for {
		t, more, ok := r.z.next()
		if !ok || more && !r.add(t) {
			return nil, false, r.st
		}
		if !more {
			break
		}
	}
	if r.z.errs > 0 || r.pieces == 0 || !r.emit(len(src), len(r.buf)) {
		return nil, false, r.st
	}
	return r.out, true, r.st
}

// add takes the next token and, when it starts a declaration at a cut,
// formats the piece before the cut. It returns false to decline the
// file: source that does not start with a package clause (go/format
// would read a fragment), an import after a cut, or a piece that did
// not format.
func (r *run) add(t tok) bool {
	if !r.sawCode && t.kind != token.COMMENT {
		r.sawCode = true
		if t.kind != token.PACKAGE {
			return false
		}
	}
	r.buf = append(r.buf, t)
	k := len(r.buf) - 1
	switch t.kind {
	case token.LPAREN, token.LBRACK, token.LBRACE:
		r.depth++
	case token.RPAREN, token.RBRACK, token.RBRACE:
		r.depth--
	case token.PACKAGE, token.IMPORT, token.FUNC, token.TYPE, token.VAR, token.CONST:
		if r.depth != 0 || !declStart(r.buf, k) {
			return true
		}
		prev := r.prevKw
		r.prevKw = t.kind
		if t.kind == token.IMPORT {
			return r.pieces == 0 // every import is in the prologue
		}
		if prev == token.ILLEGAL {
			return true
		}
		if cut, ok := cutBefore(r.src, r.buf, k, prev, r.z.line); ok {
			return r.cutAt(cut)
		}
	}
	return true
}

// cutAt formats the piece that ends at offset cut, and starts the next.
func (r *run) cutAt(cut int) bool {
	n := 0
	for n < len(r.buf) && int(r.buf[n].off) < cut {
		n++
	}
	if !r.emit(cut, n) {
		return false
	}
	r.buf = append(r.buf[:0], r.buf[n:]...)
	r.start = cut
	return true
}

// emit formats the piece from r.start to end, of tokens r.buf[:n].
func (r *run) emit(end, n int) bool {
	piece, toks := r.src[r.start:end], r.buf[:n]
	r.pieces++
	if r.pieces == 1 {
		head, err := format.Source(piece)
		if err != nil || !bytes.HasSuffix(head, []byte("\n")) {
			return false
		}
		r.out = make([]byte, 0, len(r.src)+len(r.src)/8)
		r.out = append(r.out, head...)
		return true
	}
	groupComments(toks)
	var hit, ok bool
	r.out, hit, ok = r.c.chunk(append(r.out, '\n'), piece, r.start, toks)
	r.st.Chunks++
	r.st.Bytes += len(piece)
	if hit {
		r.st.Hits++
		r.st.HitBytes += len(piece)
	}
	return ok
}
