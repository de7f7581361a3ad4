package pegasusrt

import (
	"io"
	"net/http"
	"strconv"
)

// Shared header values: net/http only reads them, and sharing avoids a
// slice allocation per response. (Header.Add would append to a copy, since
// their capacity is 1.)
var (
	// rtTextPlain is the only Content-Type the real server ever sends,
	// JSON bodies included.
	rtTextPlain = []string{"text/plain"}
	// rtZeroLength is the Content-Length of a redirect.
	rtZeroLength = []string{"0"}
)

// rtLengths are the Content-Length values of bodies under 2 KiB, made once:
// most answers are that small, and the header then costs no allocation.
var rtLengths = func() (t [2048][1]string) {
	for i := range t {
		t[i][0] = strconv.Itoa(i)
	}
	return t
}()

// rtHeader sets the headers the real server sends with every response
// (http_response_reply) and suppresses the Date header net/http would add,
// since the real server sends none. Content-Length is always explicit so
// that large bodies are not chunked and recorders see it too.
func rtHeader(w http.ResponseWriter, n int) http.Header {
	h := w.Header()
	h["Content-Type"] = rtTextPlain
	switch {
	case n == 0:
		h["Content-Length"] = rtZeroLength
	case n < len(rtLengths):
		h["Content-Length"] = rtLengths[n][:]
	default:
		h["Content-Length"] = []string{strconv.Itoa(n)}
	}
	h["Date"] = nil
	return h
}

// rtWrite sends a complete response the way http_response_reply frames it.
// Write errors are ignored: the client has gone and there is nobody to tell.
func rtWrite(w http.ResponseWriter, status int, body []byte) {
	rtHeader(w, len(body))
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}

// rtWriteString is rtWrite for fixed message bodies, which are strings in
// generated code; io.WriteString avoids converting them to []byte.
func rtWriteString(w http.ResponseWriter, status int, body string) {
	rtHeader(w, len(body))
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = io.WriteString(w, body)
	}
}

// rtRedirect answers a request to a backup meta server as the real one does:
// 307 with an empty text/plain body and the primary's URL in Location.
func rtRedirect(w http.ResponseWriter, location string) {
	h := rtHeader(w, 0)
	h["Location"] = []string{location}
	w.WriteHeader(http.StatusTemporaryRedirect)
}

// rtDrop reproduces the real server's reaction to a method other than GET
// and POST: it closes the connection without sending any response. Where
// the connection cannot be taken over (HTTP/2, recorders) the handler is
// aborted instead, which net/http turns into a reset stream or a closed
// connection without logging.
func rtDrop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
