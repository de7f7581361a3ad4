package pegasusrt

import (
	"errors"
	"io"
	"net/http/httptest"
	"testing"
)

// TestStreamAnswer checks a streamed answer's framing: the real server's
// headers with the given length, then what write sends, called once.
func TestStreamAnswer(t *testing.T) {
	calls := 0
	a := rtStreamAnswer(200, 6, func(w io.Writer) error {
		calls++
		_, err := io.WriteString(w, "abc\ndef"[:6])
		return err
	})
	w := httptest.NewRecorder()
	a.write(w)
	if calls != 1 || w.Code != 200 || w.Body.String() != "abc\nde" || w.Header().Get("Content-Length") != "6" ||
		w.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("calls %d, %d %q %v", calls, w.Code, w.Body.String(), w.Header())
	}
	// A write error (the client gone) ends the answer quietly.
	b := rtStreamAnswer(200, 100, func(io.Writer) error { return errors.New("gone") })
	w = httptest.NewRecorder()
	b.write(w)
	if w.Code != 200 || w.Header().Get("Content-Length") != "100" {
		t.Errorf("%d %v", w.Code, w.Header())
	}
}
