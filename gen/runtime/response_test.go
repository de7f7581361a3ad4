package pegasusrt

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteRecorder(t *testing.T) {
	tests := []struct {
		name   string
		write  func(w http.ResponseWriter)
		status int
		header http.Header
		body   string
	}{
		{"bytes", func(w http.ResponseWriter) { rtWrite(w, 200, []byte(`{"a":"b"}`+"\n")) }, 200,
			http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"10"}}, `{"a":"b"}` + "\n"},
		{"string", func(w http.ResponseWriter) { rtWriteString(w, 404, `service not found for "meta/foo"`) }, 404,
			http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"32"}}, `service not found for "meta/foo"`},
		{"empty", func(w http.ResponseWriter) { rtWrite(w, 400, nil) }, 400,
			http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"0"}}, ""},
		{"empty string", func(w http.ResponseWriter) { rtWriteString(w, 500, "") }, 500,
			http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"0"}}, ""},
		{"redirect", func(w http.ResponseWriter) { rtRedirect(w, "http://127.0.0.1:34601/meta/app?name=temp") }, 307,
			http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"0"}, "Location": {"http://127.0.0.1:34601/meta/app?name=temp"}}, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		tt.write(rec)
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		delete(res.Header, "Date") // present only as the nil value that suppresses it
		if res.StatusCode != tt.status || string(body) != tt.body || !reflect.DeepEqual(res.Header, tt.header) {
			t.Errorf("%s: got %d %v %q, want %d %v %q", tt.name, res.StatusCode, res.Header, body, tt.status, tt.header, tt.body)
		}
	}
}

// rawExchange sends one raw request to a test server running handler and
// returns the bytes of the first response (status line, headers, and
// Content-Length bytes of body), or everything sent before the server
// closed the connection.
func rawExchange(t *testing.T, handler http.HandlerFunc, request string) (string, error) {
	t.Helper()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	br := bufio.NewReader(conn)
	var out strings.Builder
	length := 0
	for {
		line, err := br.ReadString('\n')
		out.WriteString(line)
		if err != nil {
			return out.String(), err
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if line == "\r\n" {
			break
		}
	}
	body := make([]byte, length)
	_, err = io.ReadFull(br, body)
	out.Write(body)
	return out.String(), err
}

func TestWireFormat(t *testing.T) {
	// What a real net/http server puts on the wire: only Content-Length and
	// Content-Type (plus Location), no Date.
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"200", func(w http.ResponseWriter, r *http.Request) { rtWriteString(w, 200, "hello") },
			"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"},
		{"400 empty", func(w http.ResponseWriter, r *http.Request) { rtWrite(w, 400, nil) },
			"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nContent-Type: text/plain\r\n\r\n"},
		{"307", func(w http.ResponseWriter, r *http.Request) {
			rtRedirect(w, "http://invalid host_port/meta/apps?detail=")
		},
			"HTTP/1.1 307 Temporary Redirect\r\nContent-Length: 0\r\nContent-Type: text/plain\r\nLocation: http://invalid host_port/meta/apps?detail=\r\n\r\n"},
		{"large", func(w http.ResponseWriter, r *http.Request) { rtWriteString(w, 200, strings.Repeat("x", 10000)) },
			"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\nContent-Type: text/plain\r\n\r\n" + strings.Repeat("x", 10000)},
	}
	for _, tt := range tests {
		got, err := rawExchange(t, tt.handler, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s:\n got %.200q\nwant %.200q", tt.name, got, tt.want)
		}
	}
}

func TestDropRealServer(t *testing.T) {
	drop := func(w http.ResponseWriter, r *http.Request) { rtDrop(w) }
	// A raw client sees the connection closed with nothing sent.
	got, err := rawExchange(t, drop, "PUT /meta/app HTTP/1.1\r\nHost: x\r\n\r\n")
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection was left open")
	}
	if got != "" || err == nil {
		t.Errorf("client received %q (%v), want nothing and EOF", got, err)
	}
	// So does net/http's client.
	// One handler for both requests below: swapping handlers on a running
	// server would be a data race.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			rtWriteString(w, 200, "ok")
			return
		}
		drop(w, r)
	}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/version", nil)
	res, err := srv.Client().Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("got a response %s, want a transport error", res.Status)
	}
	// A later connection is still served.
	res, err = srv.Client().Get(srv.URL + "/version")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

func TestDropPipelined(t *testing.T) {
	// Requests pipelined behind the dropped one die with the connection,
	// as they do when the C++ server closes the session.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			rtDrop(w)
			return
		}
		rtWriteString(w, 200, "ok")
	}))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\nOPTIONS / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("first response: %v %v", res, err)
	}
	body, _ := io.ReadAll(res.Body)
	if string(body) != "ok" {
		t.Fatalf("first body %q", body)
	}
	if rest, _ := io.ReadAll(br); len(rest) != 0 {
		t.Errorf("after the drop the client received %q", rest)
	}
}

func TestDropWithoutHijacker(t *testing.T) {
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	rtDrop(httptest.NewRecorder())
}
