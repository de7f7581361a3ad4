package pegasusrt

import (
	"errors"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// parseTarget parses the request-target as the client sent it into req.
// The raw RequestURI matters: the real server decodes the path before
// splitting it, so "%2F" separates segments, which net/http's
// already-decoded URL.Path would hide. Requests made in-process (no
// RequestURI) fall back to the URL.
func (req *rtRequest) parseTarget(r *http.Request) error {
	target := r.RequestURI
	if target == "" || target == "*" {
		return req.parse(r.URL.EscapedPath(), r.URL.RawQuery)
	}
	// absolute-form: drop scheme and authority. The usual origin-form
	// starts with '/' and skips the search.
	if target[0] != '/' {
		if i := strings.Index(target, "://"); i >= 0 {
			rest := target[i+3:]
			if j := strings.IndexByte(rest, '/'); j >= 0 {
				target = rest[j:]
			} else if j := strings.IndexByte(rest, '?'); j >= 0 {
				target = rest[j:]
			} else {
				target = ""
			}
		}
	}
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	path, query, _ := strings.Cut(target, "?")
	return req.parse(path, query)
}

// rtForm says how an answer's body is held.
type rtForm uint8

// The forms of an answer: a JSON body kept as a Go value, written by the
// server in its format; text sent as it is; JSON the handler encoded; a
// body of known length the handler writes as it is sent.
const (
	rtFormJSON rtForm = iota + 1
	rtFormText
	rtFormRaw
	rtFormStream
)

// rtAnswer is what every generated answer type holds besides its typed
// JSON bodies: the status, how the body is held, and a text or raw body.
// Generated types embed it, so each states only what is its own.
type rtAnswer struct {
	status int
	form   rtForm
	text   string
	raw    []byte
	size   int64                 // the length of a streamed body
	stream func(io.Writer) error // writes a streamed body
}

// Status is the HTTP status the answer is sent with.
func (a rtAnswer) Status() int { return a.status }

// rtJSONAnswer starts an answer whose body is the generated type's field
// for status.
func rtJSONAnswer(status int) rtAnswer { return rtAnswer{status: status, form: rtFormJSON} }

// rtTextAnswer is an answer with a body sent as it is (text, pprof bytes,
// or empty).
func rtTextAnswer(status int, body string) rtAnswer {
	return rtAnswer{status: status, form: rtFormText, text: body}
}

// rtRawAnswer is an answer with JSON the handler encoded itself.
func rtRawAnswer(status int, body []byte) rtAnswer {
	return rtAnswer{status: status, form: rtFormRaw, raw: body}
}

// rtStreamAnswer is an answer whose body of size bytes write sends after
// the header, for bodies many times larger than their request. The length
// is known first because the real server always sends Content-Length.
func rtStreamAnswer(status int, size int64, write func(io.Writer) error) rtAnswer {
	return rtAnswer{status: status, form: rtFormStream, size: size, stream: write}
}

// write sends a text, raw or streamed answer; generated types write their
// JSON bodies themselves and call this for the rest.
func (a *rtAnswer) write(w http.ResponseWriter) {
	switch a.form {
	case rtFormRaw:
		rtWrite(w, a.status, a.raw)
	case rtFormStream:
		h := rtHeader(w, 0)
		h["Content-Length"] = []string{strconv.FormatInt(a.size, 10)}
		w.WriteHeader(a.status)
		// An error means the client went away mid-body: net/http closes
		// the connection, and there is nobody left to tell.
		_ = a.stream(w)
	default:
		rtWriteString(w, a.status, a.text)
	}
}

// rtNotFound is the answer for a path nobody registered.
func rtNotFound(w http.ResponseWriter, path string) {
	rtWriteString(w, http.StatusNotFound, "service not found for \""+path+"\"")
}

// rtFail writes an error of an operation: the plain message, or for the
// operations whose errors are JSON (GET /metrics) the message inside
// {"error_message": ...} written by the pretty writer.
func rtFail(w http.ResponseWriter, status int, msg string, asJSON bool) {
	if !asJSON {
		rtWriteString(w, status, msg)
		return
	}
	j := rtGetJSON(rtPretty4)
	j.BeginObject()
	j.Key("error_message")
	j.String(msg)
	j.EndObject()
	rtWrite(w, status, j.Bytes())
	rtPutJSON(j)
}

// rtExpand fills an error template's {name} and {value} with the argument
// that caused it. Templates without braces, the common case, cost nothing.
func rtExpand(tmpl, name, value string) string {
	if strings.IndexByte(tmpl, '{') < 0 {
		return tmpl
	}
	return strings.NewReplacer("{name}", name, "{value}", value).Replace(tmpl)
}

// rtHandlerFailed answers when a handler returned an error or no answer:
// an unimplemented operation looks like an unregistered path, as on a real
// server built without that service; any other failure is a 500 with an
// empty body, the real server's answer to an internal error.
func rtHandlerFailed(w http.ResponseWriter, r *http.Request, path, op string, err error, unimplemented bool, onErr func(*http.Request, string, error)) {
	if unimplemented {
		rtNoteUnimplemented(w)
		rtNotFound(w, path)
		return
	}
	if err == nil {
		err = errors.New("the handler returned no answer and no error")
	}
	if onErr == nil {
		// The wire says nothing but 500: the failure must be told
		// somewhere, as net/http logs a handler's panic.
		log.Printf("%s: %s %s: %v", op, r.Method, r.URL.RequestURI(), err)
	} else {
		onErr(r, op, err)
	}
	rtWrite(w, http.StatusInternalServerError, nil)
}

// rtUnimplementedNoter is what a ResponseWriter implements to learn that
// the handler left an operation to the embedded Unimplemented type. The
// generated conformance suite wraps an in-process server's writer with
// one, so that it can tell "not implemented" from "wrong" without anything
// on the wire telling the two apart: a real client still sees the 404 of a
// server built without the service. An interface rather than a shared
// type, because the server and the suite are separate generated packages.
type rtUnimplementedNoter interface{ PegasusUnimplemented() }

// rtNoteUnimplemented tells w, or a writer it wraps (through Unwrap, as
// http.ResponseController looks through middleware), that the operation
// is not implemented.
func rtNoteUnimplemented(w http.ResponseWriter) {
	for i := 0; w != nil && i < 16; i++ {
		if n, ok := w.(rtUnimplementedNoter); ok {
			n.PegasusUnimplemented()
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

// rtErrBodyTooLarge is reported for bodies beyond the server's limit.
var rtErrBodyTooLarge = errors.New("request body too large")

// rtReadBody reads a request body up to limit bytes. The real server has no
// limit, but an unbounded read is a way to exhaust memory, so a larger body
// is refused with a 400 that says so; a read error is a 400 too, since it is
// the client's connection that failed.
func rtReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	var data []byte
	var err error
	switch n := r.ContentLength; {
	case n > limit:
		err = rtErrBodyTooLarge
	case n > 0:
		data, err = rtReadLength(r.Body, n)
	default:
		data, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err == nil && int64(len(data)) > limit {
			err = rtErrBodyTooLarge
		}
	}
	if err != nil {
		rtWriteString(w, http.StatusBadRequest, "failed to read request body: "+err.Error())
		return nil, false
	}
	return data, true
}

// rtReadLength reads a body of a known length n. The buffer grows
// fourfold up to exactly n, so that a large body leaves a third of its
// size behind as garbage rather than io.ReadAll's many growth steps, while
// memory still follows the bytes that actually arrive: a client that
// announces 4 MiB and sends nothing costs 64 KiB.
func rtReadLength(r io.Reader, n int64) ([]byte, error) {
	b := make([]byte, 0, min(n, 64<<10))
	for int64(len(b)) < n {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(n, 4*int64(cap(b))))
			copy(nb, b)
			b = nb
		}
		m, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) < n {
		return nil, io.ErrUnexpectedEOF
	}
	return b, nil
}

// rtPrimary is the primary's address as the real server prints it: an
// unknown leader is a reset host_port, printed as "invalid host_port".
func rtPrimary(addr string) string {
	if addr == "" {
		return "invalid host_port"
	}
	return addr
}

// Number writes a number as the caller spelt it (a json.Number): the real
// /metrics sends integers for counters and doubles for double gauges, and
// only the text keeps that apart. "" is 0; text that is not a JSON number
// is written as null rather than breaking the document.
func (j *rtJSON) Number(n string) {
	switch {
	case n == "":
		n = "0"
	case !rtIsNumber(n):
		j.Null()
		return
	}
	j.sep()
	j.buf = append(j.buf, n...)
	j.done()
}

// rtIsNumber reports whether s is a JSON number literal.
func rtIsNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	start := i
	if n := digits(); n == 0 || n > 1 && s[start] == '0' {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// rtHelpEntry is one line of GET /.
type rtHelpEntry struct {
	Path    string
	Help    string
	Feature string // "" when always served
}

// rtHelpIndex is the body of GET /: a table_printer object of path → help
// for every enabled entry, in the given (byte) order, ending in "\n".
func rtHelpIndex(entries []rtHelpEntry, enabled func(feature string) bool) []byte {
	j := rtNewJSON(rtTable)
	j.BeginObject()
	for _, e := range entries {
		if e.Feature != "" && !enabled(e.Feature) {
			continue
		}
		j.Key(e.Path)
		j.String(e.Help)
	}
	j.EndObject()
	return append([]byte(nil), j.Bytes()...)
}

// The limits rtNewHTTPServer sets. The real server has none that a client
// can see, but a stand-in reachable by anyone must not hold a connection
// for ever: a slow header or body, a client that stops reading, and an
// idle keep-alive connection are each dropped after a while.
const (
	rtReadHeaderTimeout = 10 * time.Second
	// rtReadTimeout bounds the whole request: a 4 MiB body arrives in
	// well under a minute on any working link.
	rtReadTimeout = time.Minute
	// rtWriteTimeout bounds reading the request and writing the answer:
	// it must exceed the longest answer a handler takes, the 60-second
	// CPU profile of GET /pprof/profile.
	rtWriteTimeout = 2 * time.Minute
	rtIdleTimeout  = time.Minute
	// rtMaxHeaderBytes is http-parser's HTTP_MAX_HEADER_SIZE, the real
	// server's limit.
	rtMaxHeaderBytes = 80 << 10
)

// rtNewHTTPServer is an *http.Server for a generated handler with every
// timeout set (see the constants above), and with net/http's own answer to
// "OPTIONS *" switched off, so that the handler drops that connection as
// the real server drops every method other than GET and POST.
func rtNewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:                         addr,
		Handler:                      h,
		ReadHeaderTimeout:            rtReadHeaderTimeout,
		ReadTimeout:                  rtReadTimeout,
		WriteTimeout:                 rtWriteTimeout,
		IdleTimeout:                  rtIdleTimeout,
		MaxHeaderBytes:               rtMaxHeaderBytes,
		DisableGeneralOptionsHandler: true,
	}
}
