package callers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
)

// TestFaultErrors: through the generated package, a caller tells the three
// ends of a write apart with errors.Is: rejected (the server answered),
// outcome unknown (sent, no answer) and no primary.
func TestFaultErrors(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()
	defer close(release)
	rejecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("app_name should not be empty"))
	}))
	defer rejecting.Close()
	noPrimary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{"http://invalid host_port" + r.URL.RequestURI()}
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer noPrimary.Close()

	ctx := context.Background()
	compact := &meta.StartCompactionRequest{Body: meta.ManualCompactionInfo{AppName: "temp", Type: "once", TargetLevel: -1, BottommostLevelCompaction: "skip"}}
	c, _ := meta.NewClient([]string{hung.URL}, meta.WithTimeout(300*time.Millisecond))
	_, err := c.StartCompaction(ctx, compact)
	if !errors.Is(err, meta.ErrOutcomeUnknown) || errors.Is(err, meta.ErrRejected) || errors.Is(err, meta.ErrNoPrimary) {
		t.Errorf("a write to a hung server: %v, want ErrOutcomeUnknown alone", err)
	}
	c, _ = meta.NewClient([]string{rejecting.URL})
	_, err = c.StartCompaction(ctx, compact)
	var se *meta.StatusError
	if !errors.Is(err, meta.ErrRejected) || !errors.As(err, &se) || se.Status != 400 || errors.Is(err, meta.ErrOutcomeUnknown) {
		t.Errorf("a write answered 400: %v, want ErrRejected and a *StatusError", err)
	}
	// A 5xx to a write says nothing of whether it ran (a server failing
	// part way, a proxy before it); a read's 5xx is rejected.
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer failing.Close()
	c, _ = meta.NewClient([]string{failing.URL})
	_, err = c.StartCompaction(ctx, compact)
	if !errors.Is(err, meta.ErrOutcomeUnknown) || errors.Is(err, meta.ErrRejected) || !errors.As(err, &se) || se.Status != 502 {
		t.Errorf("a write answered 502: %v, want ErrOutcomeUnknown and a *StatusError", err)
	}
	if _, err = c.ListMetaApps(ctx, nil); !errors.Is(err, meta.ErrRejected) || errors.Is(err, meta.ErrOutcomeUnknown) {
		t.Errorf("a read answered 502: %v, want ErrRejected", err)
	}
	c, _ = meta.NewClient([]string{noPrimary.URL}, meta.WithTimeout(300*time.Millisecond))
	_, err = c.StartCompaction(ctx, compact)
	if !errors.Is(err, meta.ErrNoPrimary) || errors.Is(err, meta.ErrOutcomeUnknown) || errors.Is(err, meta.ErrRejected) {
		t.Errorf("a write while no primary is known: %v, want ErrNoPrimary alone", err)
	}
}
