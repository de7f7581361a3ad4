package fastfmt

import (
	"bytes"
	"go/token"
)

// widthFree reports whether gofmt's layout of a chunk cannot depend on
// the widths of its variable spans, so that one shape serves chunks
// whose spans differ in length too. go/printer reads widths in three
// places only: the tabwriter cells it emits (the key column of
// key: value lines, struct and interface fields, grouped const, var and
// type specs, trailing comments, the body column of one-line funcs),
// whether a struct or interface fits on one line (isOneLineFieldList),
// and whether a func body stays on its header's line (funcBody). The
// chunk is width-free when it holds none of them: no trailing comment,
// no colon but in brackets or on a case or default line, no grouped
// declaration, no non-empty struct or interface, and no braces closed on
// the line of a func keyword. Source columns play no part otherwise:
// the comments go/printer compares columns of stand on lines of their
// own, which spans do not shift.
func widthFree(text []byte, base int, toks []tok) bool {
	type open struct {
		kind     token.Token
		end      int
		funcLine bool // a func keyword precedes it on its line
	}
	var stack []open
	first, funcOnLine, prevEnd := token.ILLEGAL, false, -1
	for i, t := range toks {
		if t.kind == token.SEMICOLON && t.end == t.off {
			continue // inserted: not in the text
		}
		if int(t.off) < prevEnd {
			return false // tokens overlap: not source text as scanned
		}
		if prevEnd < 0 || bytes.IndexByte(text[prevEnd-base:int(t.off)-base], '\n') >= 0 {
			first, funcOnLine = t.kind, false
		} else if t.kind == token.COMMENT {
			return false // a trailing comment
		}
		prevEnd = int(t.end)
		switch t.kind {
		case token.FUNC:
			funcOnLine = true
		case token.VAR, token.CONST, token.TYPE, token.IMPORT:
			if i+1 < len(toks) && toks[i+1].kind == token.LPAREN {
				return false
			}
		case token.COLON:
			inBrackets := len(stack) > 0 && stack[len(stack)-1].kind == token.LBRACK
			if !inBrackets && first != token.CASE && first != token.DEFAULT {
				return false
			}
		case token.LBRACE:
			if i > 0 && (toks[i-1].kind == token.STRUCT || toks[i-1].kind == token.INTERFACE) &&
				(i+1 == len(toks) || toks[i+1].kind != token.RBRACE) {
				return false
			}
			stack = append(stack, open{t.kind, int(t.end), funcOnLine})
		case token.LPAREN, token.LBRACK:
			stack = append(stack, open{t.kind, int(t.end), funcOnLine})
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) == 0 {
				return false
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if o.kind == token.LBRACE && o.funcLine && bytes.IndexByte(text[o.end-base:int(t.off)-base], '\n') < 0 {
				return false // perhaps a one-line func body
			}
		}
	}
	return true
}
