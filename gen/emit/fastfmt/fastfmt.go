// Package fastfmt formats generated Go source to exactly the bytes
// go/format.Source gives, faster on the large, repetitive files the
// emitters write, and declines whatever it cannot vouch for.
//
// It does not reimplement gofmt's printer: matching go/printer's
// alignment, line-breaking and comment rules byte for byte is a large
// surface to get subtly wrong. It memoizes gofmt instead. A file is cut
// into chunks at top-level declarations before which gofmt prints one
// blank line, so that each chunk formats alone as it does in the file
// (see run). Two chunks that differ only in the text of variable spans
// of equal lengths (identifiers, the inside of string literals, decimal
// integers, the text of plain line comments; everything else, spacing
// and line breaks included, byte-identical) format to the same bytes up
// to those spans: go/parser and go/printer decide layout from token
// kinds, positions and widths, never from that content, and gofmt
// prints those spans unchanged (see variableSpan). So the first chunk
// of each shape is formatted with go/format, and every other chunk of
// that shape is that output with its own spans written over the first
// one's, once the first one's were found intact in the output. Where a
// chunk holds nothing whose layout depends on widths (see widthFree),
// its spans may differ in length as well, and are spliced in.
//
// What it gains depends on repetition: on the synthetic specs, whose
// operations differ in a number, nine tenths of the bytes come from the
// cache; on the bundled spec, whose operations differ in names and
// parameters, an eighth.
package fastfmt

import (
	"bytes"
	"go/scanner"
	"go/token"
	"math"
	"strings"
)

// Stats says how much of a file Format served from its shape cache
// rather than formatting with go/format.
type Stats struct {
	Chunks   int // top-level chunks, the prologue not counted
	Hits     int // chunks printed from a cached shape
	Bytes    int // source bytes in chunks, the prologue not counted
	HitBytes int // source bytes in chunks printed from a cached shape
}

// Format returns go/format.Source(src), and ok, or nil and false when it
// declines: src is not a Go file it can cut into chunks safely, or some
// part did not format (the caller's go/format then reports the error).
func Format(src []byte) (out []byte, ok bool) {
	out, ok, _ = FormatStats(src)
	return out, ok
}

// FormatStats is Format, also saying how much the shape cache served.
func FormatStats(src []byte) (out []byte, ok bool, st Stats) {
	return formatWith(src, &cache{shapes: map[string]*shape{}})
}

// tok is one token of the source: where it is, and the span of it
// that the shape key masks (vs == ve for a token kept verbatim).
type tok struct {
	off, end int32 // int32: a large file has a token every four bytes
	vs, ve   int32
	kind     token.Token
}

// variable reports whether the token has a masked span.
func (t tok) variable() bool { return t.ve > t.vs }

// tokenizer reads the tokens of a source with go/scanner, comments
// included, and declines those the chunking and the shape argument do
// not cover: block comments (their reformatting depends on columns) and
// //line directives (they renumber positions). Scan errors are counted.
type tokenizer struct {
	s    scanner.Scanner
	f    *token.File
	errs int
}

// scannable reports whether src is one fastfmt reads: offsets fit in
// tok's int32, and no carriage return (gofmt strips them from comments
// and raw strings).
func scannable(src []byte) bool {
	return len(src) <= math.MaxInt32/2 && bytes.IndexByte(src, '\r') < 0
}

func (z *tokenizer) init(src []byte) {
	z.f = token.NewFileSet().AddFile("", -1, len(src))
	z.s.Init(z.f, src, func(token.Position, string) { z.errs++ }, scanner.ScanComments)
}

// next returns the next token; more is false at the end, ok false on a
// comment the tokenizer declines or an illegal character.
func (z *tokenizer) next() (t tok, more, ok bool) {
	pos, kind, lit := z.s.Scan()
	if kind == token.EOF {
		return t, false, true
	}
	off := z.f.Offset(pos)
	n := len(lit)
	switch {
	case kind == token.SEMICOLON && lit != ";":
		n = 0 // inserted at a line end or EOF: not in the text
	case lit == "":
		n = len(kind.String())
	}
	if kind == token.ILLEGAL {
		return t, false, false // its text may not be the source's
	}
	if kind == token.COMMENT && (len(lit) < 2 || lit[1] != '/' || strings.HasPrefix(lit, "//line ")) {
		return t, false, false
	}
	vs, ve := variableSpan(kind, lit)
	return tok{off: int32(off), end: int32(off + n), vs: int32(off + vs), ve: int32(off + ve), kind: kind}, true, true
}

// line returns the line of offset off, which has been scanned.
func (z *tokenizer) line(off int) int { return z.f.Line(z.f.Pos(off)) }

// scan returns all the tokens of src, comment groups resolved (see
// groupComments), or false if the tokenizer declines it or it does not
// scan.
func scan(src []byte) ([]tok, bool) {
	if !scannable(src) {
		return nil, false
	}
	var z tokenizer
	z.init(src)
	toks := make([]tok, 0, len(src)/4)
	for {
		t, more, ok := z.next()
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
		toks = append(toks, t)
	}
	if z.errs > 0 {
		return nil, false
	}
	groupComments(toks)
	return toks, true
}

// variableSpan returns the span of a token's text that may differ
// between two chunks of one shape, as offsets in lit; an empty span
// keeps the token verbatim. Variable are: identifiers other than the
// blank one; the inside of string literals; decimal integers (number
// normalization leaves them alone); and the text of plain line
// comments (see plainComment). All printable ASCII without line breaks,
// so that a token's width in the printer's tabwriter is its length.
func variableSpan(kind token.Token, lit string) (int, int) {
	switch kind {
	case token.IDENT:
		if lit != "_" && printable(lit) {
			return 0, len(lit)
		}
	case token.STRING:
		if len(lit) >= 2 && printable(lit) {
			return 1, len(lit) - 1
		}
	case token.INT:
		if decimal(lit) {
			return 0, len(lit)
		}
	case token.COMMENT:
		if n := plainComment(lit); n > 0 {
			return 3, n
		}
	}
	return 0, 0
}

// printable reports whether s is printable ASCII.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// decimal reports whether s is a decimal integer literal without
// underscores or a leading zero.
func decimal(s string) bool {
	if s == "" || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// plainComment returns the end of the text of a plain line comment, c
// without trailing blanks, or 0 if c is not plain. Plain is "// ", an
// ASCII letter, then printable ASCII without “ or ”. Such a line is
// printed as it is, trailing blanks trimmed, whether or not gofmt
// reformats it as a doc comment: go/doc/comment reads a group of such
// lines as one paragraph (no list marker, heading, code block or link
// definition, which would start a line with something else) and prints
// it back unchanged: plain text as it is, a URL as its text, a doc link
// [Name] as [Name]; only “ and ” would change, into curly quotes.
func plainComment(c string) int {
	if len(c) < 4 || c[:3] != "// " || !letter(c[3]) {
		return 0
	}
	n := len(c)
	for n > 3 && c[n-1] == ' ' {
		n--
	}
	for i := 3; i < n; i++ {
		switch ch := c[i]; {
		case ch < 0x20 || ch > 0x7e:
			return 0
		case (ch == '`' || ch == '\'') && i+1 < n && c[i+1] == ch:
			return 0 // `` and '' become curly quotes
		}
	}
	return n
}

func letter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// groupComments keeps verbatim every comment of a run of comments on
// consecutive lines that holds one kept verbatim: gofmt reformats a
// doc comment group as a whole, and only groups of plain lines alone
// are certain to print unchanged.
func groupComments(toks []tok) {
	for i := 0; i < len(toks); {
		if toks[i].kind != token.COMMENT {
			i++
			continue
		}
		j, plain := i+1, toks[i].variable()
		for j < len(toks) && toks[j].kind == token.COMMENT {
			plain = plain && toks[j].variable()
			j++
		}
		if !plain {
			for k := i; k < j; k++ {
				toks[k].vs, toks[k].ve = toks[k].off, toks[k].off
			}
		}
		i = j
	}
}
