package tests

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// TestNewHTTPServerLimits checks the generated constructor's settings, the
// same in both roles.
func TestNewHTTPServerLimits(t *testing.T) {
	for _, s := range []*http.Server{meta.NewHTTPServer("127.0.0.1:0", nil), replica.NewHTTPServer("127.0.0.1:0", nil)} {
		if s.ReadHeaderTimeout != 10*time.Second || s.ReadTimeout != time.Minute || s.WriteTimeout != 2*time.Minute ||
			s.IdleTimeout != time.Minute || s.MaxHeaderBytes != 80<<10 || !s.DisableGeneralOptionsHandler || s.Addr != "127.0.0.1:0" {
			t.Errorf("server settings %+v", s)
		}
	}
}

// shortTimeouts makes the onebox's timeouts short enough to watch.
func shortTimeouts(s *http.Server) {
	s.ReadHeaderTimeout = 300 * time.Millisecond
	s.ReadTimeout = 600 * time.Millisecond
	s.WriteTimeout = 2 * time.Second
	s.IdleTimeout = 300 * time.Millisecond
}

// closedWithin sends data on a new connection and reads until the server
// closes it, failing if that takes longer than limit. It returns what the
// server wrote.
func closedWithin(t *testing.T, addr, data string, limit time.Duration) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A write error is not fatal: the server may answer and close before
	// reading all of an oversized request.
	_, _ = io.WriteString(conn, data)
	_ = conn.SetReadDeadline(time.Now().Add(limit))
	got, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("%q: connection still held after %v (read %q)", data, limit, got)
	}
	return string(got)
}

// TestSlowClientsDropped holds a slow request body, a slow header and an
// idle keep-alive connection against a onebox with short timeouts, and
// sees each dropped.
func TestSlowClientsDropped(t *testing.T) {
	c := startOnebox(t, onebox.Options{Tune: shortTimeouts})
	for _, addr := range []string{c.MetaAddrs()[0], c.ReplicaAddrs()[0]} {
		// 100 bytes promised, 2 sent: the body never completes.
		got := closedWithin(t, addr, "POST /pprof/symbol HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0x", 3*time.Second)
		if strings.Contains(got, " 200 ") {
			t.Errorf("slow body answered: %q", got)
		}
		closedWithin(t, addr, "GET /version HTTP/1.1\r\nHost: h\r\n", 3*time.Second)
		got = closedWithin(t, addr, "GET /version HTTP/1.1\r\nHost: h\r\n\r\n", 3*time.Second)
		if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") {
			t.Errorf("idle connection: %q", got)
		}
	}
}

// TestNetHTTPAnswers pins down what net/http answers before any handler
// runs, as the README's known differences list it, and checks the one the
// generated server can make match the real server: "OPTIONS *" is
// dropped without an answer.
func TestNetHTTPAnswers(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	addr := c.MetaAddrs()[0]
	for _, tc := range []struct{ name, req, status string }{
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", ""},
		{"gzip, chunked", "POST /version HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "HTTP/1.1 501 Not Implemented"},
		{"HTTP/2.0 text", "GET /version HTTP/2.0\r\nHost: h\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version"},
		{"large header", "GET /version HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("a", 90<<10) + "\r\n\r\n", "HTTP/1.1 431 Request Header Fields Too Large"},
		{"malformed", "GET /version HTTP/1.1\r\nHost h\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"no Host", "GET /version HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request: missing required Host header"},
	} {
		got := closedWithin(t, addr, tc.req, 5*time.Second)
		line, _, _ := strings.Cut(got, "\r\n")
		if tc.status == "" && got != "" || !strings.HasPrefix(line, tc.status) {
			t.Errorf("%s: answered %q, want status line %q", tc.name, got, tc.status)
		}
	}
	// Expect: 100-continue: net/http sends an interim 100 before the body
	// is read; the real server never does.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "POST /pprof/symbol HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Errorf("Expect: 100-continue: %q, %v", line, err)
	}
}
