package bench

import "net/http"

// Recorder is a minimal, reusable http.ResponseWriter for benchmarks. Unlike
// httptest.ResponseRecorder it keeps its header map and body buffer between
// requests (see Reset), so that a warmed-up benchmark measures the handler
// and not the harness.
type Recorder struct {
	header http.Header
	// Status is the status written, 0 before WriteHeader or Write.
	Status int
	// Body is everything written so far.
	Body []byte
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{header: make(http.Header, 4), Body: make([]byte, 0, 1024)}
}

// Header returns the response headers.
func (r *Recorder) Header() http.Header { return r.header }

// WriteHeader records the status of the first call, as net/http does.
func (r *Recorder) WriteHeader(status int) {
	if r.Status == 0 {
		r.Status = status
	}
}

// Write appends p to Body, with an implicit 200 as net/http does.
func (r *Recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	r.Body = append(r.Body, p...)
	return len(p), nil
}

// WriteString is Write for strings (io.StringWriter), so that handlers
// using io.WriteString do not convert.
func (r *Recorder) WriteString(s string) (int, error) {
	r.WriteHeader(http.StatusOK)
	r.Body = append(r.Body, s...)
	return len(s), nil
}

// Reset forgets the previous response but keeps the memory for the next.
func (r *Recorder) Reset() {
	clear(r.header)
	r.Status = 0
	r.Body = r.Body[:0]
}
