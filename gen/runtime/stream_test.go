package pegasusrt

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
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

// TestReadBody checks the body limit with and without a Content-Length,
// and that a body shorter than its Content-Length is a 400.
func TestReadBody(t *testing.T) {
	for _, c := range []struct {
		name   string
		body   string
		length int64 // -1: unknown (chunked)
		ok     bool
	}{
		{"known, at the limit", "12345678", 8, true},
		{"known, over", "123456789", 9, false},
		{"unknown, at the limit", "12345678", -1, true},
		{"unknown, over", "123456789", -1, false},
		{"empty", "", 0, true},
		{"short", "1234", 8, false},
	} {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(c.body))
		r.ContentLength = c.length
		w := httptest.NewRecorder()
		data, ok := rtReadBody(w, r, 8)
		if ok != c.ok || ok && string(data) != c.body || !ok && (w.Code != 400 || !strings.HasPrefix(w.Body.String(), "failed to read request body: ")) {
			t.Errorf("%s: %q, %v; answer %d %q", c.name, data, ok, w.Code, w.Body.String())
		}
	}
}

// TestReadLength checks the growth of a known-length read: the whole body
// over several growth steps, and only what arrived held for a body that
// stops early.
func TestReadLength(t *testing.T) {
	body := strings.Repeat("0123456789", 100000) // 1,000,000 bytes: 64 KiB → 256 KiB → 1 MiB cap
	b, err := rtReadLength(iotest.HalfReader(strings.NewReader(body)), int64(len(body)))
	if err != nil || string(b) != body || cap(b) != len(body) {
		t.Errorf("%d bytes, cap %d, %v", len(b), cap(b), err)
	}
	if _, err := rtReadLength(strings.NewReader("abc"), 1<<20); err != io.ErrUnexpectedEOF {
		t.Errorf("short body: %v", err)
	}
}
