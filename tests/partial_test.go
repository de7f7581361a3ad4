package tests

import (
	"bytes"
	"context"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
)

// onlyApp implements one operation; the rest come from the embedded
// UnimplementedHandler, as in a server repo that has just started. It
// knows the onebox's two tables, as the spec's examples do.
type onlyApp struct{ meta.UnimplementedHandler }

func (onlyApp) GetMetaApp(_ context.Context, req meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	if req.Name != "temp" && req.Name != "stat" {
		return meta.GetMetaApp404(`table not found: "` + req.Name + `"`), nil
	}
	info := meta.MetaAppInfo{General: meta.MetaAppGeneral{AppName: req.Name, AppID: 2, PartitionCount: 1, MaxReplicaCount: 3}}
	if req.Detail { // what detail lists must agree (the spec's rules): one partition, not placed yet
		info.Replicas = meta.MetaAppReplicas{{Pidx: 0, ReplicaCount: "0/3", Primary: "-", Secondaries: "[]"}}
		info.Nodes = meta.MetaAppNodes{{Node: "total"}}
		info.Healthy = &meta.MetaAppHealth{UnhealthyPartitionCount: 1, WriteUnhealthyPartitionCount: 1, ReadUnhealthyPartitionCount: 1}
	}
	return meta.GetMetaApp200(info), nil
}

// TestPartialServerConformance: the generated suite against the generated
// server with a handler of one operation. Every other operation is named
// as not implemented and skipped, the redirect check says it needs
// /meta/cluster, and nothing fails but what is really wrong; with
// RequireComplete the gaps fail.
func TestPartialServerConformance(t *testing.T) {
	h := meta.NewServer(onlyApp{}, nil)
	// Mutating: a writing operation reaches its handler only with a valid
	// body, which a read-only run never sends.
	rep, err := metaconform.Check(context.Background(), metaconform.Target{Handler: h, Mutating: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Outcome == metaconform.Fail {
			t.Errorf("%s %s %s: %s", r.Check, r.Operation, r.Case, r.Message)
		}
	}
	got := strings.Join(rep.NotImplemented, ", ")
	for _, want := range []string{"GET /meta/cluster", "GET /meta/apps", "POST /meta/app/start_compaction", "GET /version"} {
		if !strings.Contains(got, want) {
			t.Errorf("not implemented: %s; %s missing", got, want)
		}
	}
	if strings.Contains(got, "GET /meta/app,") || strings.HasSuffix(got, "GET /meta/app") {
		t.Errorf("GET /meta/app is implemented but named: %s", got)
	}
	found := false
	for _, r := range rep.Results {
		if r.Check == metaconform.CheckRedirect && r.Case == "find the primary" {
			found = r.Outcome == metaconform.Skip && strings.Contains(r.Message, "needs GET /meta/cluster")
		}
	}
	if !found {
		t.Error("the redirect check does not say it needs /meta/cluster")
	}
	positive := 0
	for _, r := range rep.Results {
		if r.Operation == "GET /meta/app" && r.Check == metaconform.CheckPositive && r.Outcome == metaconform.Pass {
			positive++
		}
	}
	if positive == 0 {
		t.Error("GET /meta/app was not checked")
	}
	strict, err := metaconform.Check(context.Background(), metaconform.Target{Handler: h, Mutating: true, RequireComplete: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := strict.Count(metaconform.Fail); n < len(rep.NotImplemented) {
		t.Errorf("RequireComplete: %d failures for %d operations not implemented", n, len(rep.NotImplemented))
	}
}

// failing returns an error from GetMetaApp.
type failing struct{ meta.UnimplementedHandler }

func (failing) GetMetaApp(context.Context, meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	return meta.GetMetaAppResponse{}, errors.New("disk on fire")
}

// TestHandlerErrorIsTold: a handler's error is a 500 with an empty body on
// the wire, as the real server answers, and is told to HandlerError, or
// logged when there is none; it never disappears.
func TestHandlerErrorIsTold(t *testing.T) {
	var got []string
	h := meta.NewServer(failing{}, &meta.Options{HandlerError: func(r *http.Request, op string, err error) {
		got = append(got, op+" "+r.URL.Path+": "+err.Error())
	}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/meta/app?name=temp", nil))
	if rec.Code != 500 || rec.Body.Len() != 0 || len(got) != 1 || got[0] != "GetMetaApp /meta/app: disk on fire" {
		t.Errorf("status %d, body %q, told %q", rec.Code, rec.Body.String(), got)
	}
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	rec = httptest.NewRecorder()
	meta.NewServer(failing{}, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/meta/app?name=temp", nil))
	if rec.Code != 500 || !strings.Contains(logged.String(), "GetMetaApp: GET /meta/app?name=temp: disk on fire") {
		t.Errorf("status %d, logged %q", rec.Code, logged.String())
	}
}
