package fastfmt

import "go/token"

// declStart reports whether the keyword toks[k] starts a top-level
// declaration (rather than, say, a func type or literal in one): it
// comes first or after a semicolon, written or inserted at a line end.
func declStart(toks []tok, k int) bool {
	p := prevCode(toks, k)
	return p < 0 || toks[p].kind == token.SEMICOLON
}

// prevCode returns the index of the last token before toks[k] that is
// not a comment, or -1.
func prevCode(toks []tok, k int) int {
	p := k - 1
	for p >= 0 && toks[p].kind == token.COMMENT {
		p--
	}
	return p
}

// cutBefore returns where the chunk of the declaration starting at
// toks[k] begins, if gofmt puts one blank line between it and the
// previous declaration (of keyword prevKw), whose trailing comments
// stay with it. declList asks for a blank line when the source has one,
// when the keyword changes, or when the declaration has a doc comment
// (comment lines running up to it, from the line after the previous
// declaration's end or later).
func cutBefore(src []byte, toks []tok, k int, prevKw token.Token, line func(int) int) (int, bool) {
	p := k - 1 // to the previous declaration's last token
	for p >= 0 && (toks[p].kind == token.COMMENT || toks[p].kind == token.SEMICOLON && toks[p].end == toks[p].off) {
		p-- // a comment, or a semicolon inserted before or after one
	}
	if p < 0 {
		return 0, false
	}
	last := line(int(toks[p].end) - 1)
	first, trailing := k, false
	for q := p + 1; q < k; q++ {
		if toks[q].kind == token.COMMENT && line(int(toks[q].off)) == last {
			trailing = true
		} else if toks[q].kind == token.COMMENT {
			first = q
			break
		}
	}
	switch fl := line(int(toks[first].off)); {
	case fl >= last+2:
	case fl != last+1 || trailing:
		// After a trailing comment gofmt keeps the source's line
		// breaks, not declList's blank line.
		return 0, false
	case first == k && prevKw == toks[k].kind:
		return 0, false
	case first != k && !docRun(toks, first, k, line):
		return 0, false
	}
	return lineStart(src, int(toks[first].off))
}

// docRun reports whether the comments toks[first:k] (with inserted
// semicolons between) are on consecutive lines, the last just before
// toks[k]'s: the declaration's doc comment.
func docRun(toks []tok, first, k int, line func(int) int) bool {
	want := line(int(toks[first].off))
	for q := first; q < k; q++ {
		if toks[q].kind != token.COMMENT {
			continue
		}
		if line(int(toks[q].off)) != want {
			return false
		}
		want++
	}
	return line(int(toks[k].off)) == want
}

// lineStart returns the start of the line of off, if only blanks
// precede off on it.
func lineStart(src []byte, off int) (int, bool) {
	for off > 0 && (src[off-1] == ' ' || src[off-1] == '\t') {
		off--
	}
	return off, off == 0 || src[off-1] == '\n'
}
