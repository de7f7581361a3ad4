package onebox

import (
	"context"
	"errors"
	"log"
	"net/http"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/internal/zkcluster"
)

// The answers of a MetaServer on ZooKeeper that the real Pegasus has no
// state for (README, "Faults"; spec, "Stand-in cluster on ZooKeeper"):
//
//   - 503, body "no primary MetaServer: <cause>", for an operation that
//     a backup would redirect while no primary is known (no ZooKeeper
//     session, no primary elected yet, a refusal to act as primary);
//     the real server's 307 to http://invalid host_port/… is not a
//     redirect any client can follow. Nothing was done; retry later.
//   - 503, body "rejected: <cause>", for a write this server could not
//     commit and that was not applied: safe to retry.
//   - 500, body "outcome unknown: <cause>", for a write whose commit's
//     answer was lost and could not be read back in time: it may or may
//     not have been applied; read before retrying.
const (
	noPrimaryPrefix = "no primary MetaServer: "
	invalidLocation = "http://invalid host_port"
)

// unavailableReason is what a MetaServer says when it has no primary to
// name; "" means it has one (or is it).
type unavailableReason interface{ Unavailable() string }

// faultCtxKey carries a request's faultSlot.
type faultCtxKey struct{}

// faultSlot is where HandlerError leaves a handler's error, for the
// response writer that rewrites the generated server's bare 500.
type faultSlot struct{ err error }

// faultAnswers wraps a MetaServer's handler so that its answers under
// ZooKeeper faults say what happened (the statuses above).
func faultAnswers(h http.Handler, u unavailableReason) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slot := &faultSlot{}
		r = r.WithContext(context.WithValue(r.Context(), faultCtxKey{}, slot))
		h.ServeHTTP(&faultWriter{ResponseWriter: w, slot: slot, u: u}, r)
	})
}

// noteHandlerError is the generated server's HandlerError hook: it keeps
// the error for faultWriter and logs it, as the server does without a hook.
func noteHandlerError(r *http.Request, op string, err error) {
	if slot, ok := r.Context().Value(faultCtxKey{}).(*faultSlot); ok {
		slot.err = err
	}
	log.Printf("%s: %s %s: %v", op, r.Method, r.URL.RequestURI(), err)
}

// faultWriter rewrites two answers of the generated server: a redirect
// to an unknown primary, and the bare 500 of a write whose commit failed.
type faultWriter struct {
	http.ResponseWriter
	slot     *faultSlot
	u        unavailableReason
	replaced bool
}

// WriteHeader sends code, or the fault answer that replaces it.
func (w *faultWriter) WriteHeader(code int) {
	status, body := w.replacement(code)
	if status == 0 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.replaced = true
	h := w.ResponseWriter.Header()
	h.Del("Location")
	h.Set("Content-Type", "text/plain")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.ResponseWriter.WriteHeader(status)
	_, _ = w.ResponseWriter.Write([]byte(body))
}

// Write drops the replaced answer's own body.
func (w *faultWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and the generated server's noters
// reach the real writer.
func (w *faultWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// replacement is the status and body replacing code, or 0.
func (w *faultWriter) replacement(code int) (int, string) {
	switch {
	case code == http.StatusTemporaryRedirect && strings.HasPrefix(w.ResponseWriter.Header().Get("Location"), invalidLocation):
		why := w.u.Unavailable()
		if why == "" {
			why = "the election has no primary yet"
		}
		return http.StatusServiceUnavailable, noPrimaryPrefix + why
	case code == http.StatusInternalServerError && w.slot.err != nil:
		err := w.slot.err
		switch {
		case errors.Is(err, zkcluster.ErrOutcomeUnknown):
			return http.StatusInternalServerError, err.Error()
		case errors.Is(err, zkcluster.ErrNotPrimary):
			return http.StatusServiceUnavailable, err.Error()
		}
	}
	return 0, ""
}
