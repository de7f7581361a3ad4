// This test is copied, with the code generated from ../kvadmin.yaml, into a
// throwaway module by tests/kvadmin_test.go: it proves that a spec other
// than Pegasus' generates code that builds, vets and round-trips.
package kvtest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kvtest/followerapi"
	"kvtest/leaderapi"
)

type leader struct {
	leaderapi.UnimplementedHandler
	got *leaderapi.ListKeysRequest
}

func (l *leader) ListKeys(_ context.Context, req leaderapi.ListKeysRequest) (leaderapi.ListKeysResponse, error) {
	l.got = &req
	return leaderapi.ListKeys200(leaderapi.KeyTable{{Key: "b", Size: 2}, {Key: "a", Size: 1}}), nil
}

func (l *leader) StartCompact(_ context.Context, req leaderapi.StartCompactRequest) (leaderapi.StartCompactResponse, error) {
	if req.Body.Table == "busy" {
		return leaderapi.StartCompact200(leaderapi.CompactResult{Error: "ERR_BUSY", Hint: "later"}), nil
	}
	return leaderapi.StartCompact200(leaderapi.CompactResult{Error: "OK", Hint: req.Body.Mode}), nil
}

func (l *leader) SetOption(_ context.Context, req leaderapi.SetOptionRequest) (leaderapi.SetOptionResponse, error) {
	if func() string { v, _ := req.Option.Get("k"); return v }() != "v" {
		return leaderapi.SetOption200Text("ERR_NOT_FOUND: no such option"), nil
	}
	return leaderapi.SetOption200(leaderapi.SetResult{Status: "done"}), nil
}

func (l *leader) GetStatus(context.Context, leaderapi.GetStatusRequest) (leaderapi.GetStatusResponse, error) {
	return leaderapi.GetStatus200(leaderapi.Status{Node: "n1", UptimeSeconds: 12, Load: 0.5, Healthy: true}), nil
}

type backup struct{ primary string }

func (b backup) IsPrimary() bool        { return false }
func (b backup) PrimaryAddress() string { return b.primary }

type follower struct {
	followerapi.UnimplementedHandler
}

func (follower) GetSnapshot(_ context.Context, req followerapi.GetSnapshotRequest) (followerapi.GetSnapshotResponse, error) {
	if req.ID == 0 {
		return followerapi.GetSnapshot200(nil), nil // null
	}
	ratio := 0.25
	return followerapi.GetSnapshot200(&followerapi.Snapshot{ID: req.ID, Ratio: &ratio,
		Extra: map[string]followerapi.SnapshotPart{"2": {Done: true, Bytes: 5}, "1": {Bytes: 3}}}), nil
}

type noSnapshots struct{}

func (noSnapshots) SnapshotsEnabled() bool { return false }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("%s: Content-Type %q", url, ct)
	}
	return resp.StatusCode, string(b)
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	h := &leader{}
	primary := httptest.NewServer(leaderapi.NewServer(h, nil))
	defer primary.Close()
	addr := strings.TrimPrefix(primary.URL, "http://")
	back := httptest.NewServer(leaderapi.NewServer(&leader{}, &leaderapi.Options{Leadership: backup{primary: addr}}))
	defer back.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // an address that refuses connections

	// Through a dead address and a backup: fail-over, then 307 to the
	// primary, which the client was given too (it follows no other).
	c, err := leaderapi.NewClient([]string{down.URL, back.URL, primary.URL})
	if err != nil {
		t.Fatal(err)
	}
	limit := int32(3)
	keys, err := c.ListKeys(ctx, &leaderapi.ListKeysRequest{Prefix: "a b", Limit: &limit, Verbose: true, Fields: []string{"x", "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].Key != "b" || keys[1].Size != 1 {
		t.Errorf("ListKeys = %+v (order must be kept)", keys)
	}
	if g := h.got; g == nil || g.Prefix != "a b" || *g.Limit != 3 || !g.Verbose || strings.Join(g.Fields, "|") != "x|y" {
		t.Errorf("server bound %+v", h.got)
	}
	// A default the client leaves out reaches the handler as the server's default.
	if _, err := c.ListKeys(ctx, &leaderapi.ListKeysRequest{Prefix: "a"}); err != nil || *h.got.Limit != 10 {
		t.Errorf("default limit: %v %v", err, h.got)
	}
	res, err := c.StartCompact(ctx, &leaderapi.StartCompactRequest{Body: leaderapi.CompactRequest{Table: "t", Mode: "once", Level: -1}})
	if err != nil || res.Hint != "once" {
		t.Errorf("StartCompact = %+v, %v (POST body must be re-sent after 307)", res, err)
	}
	_, err = c.StartCompact(ctx, &leaderapi.StartCompactRequest{Body: leaderapi.CompactRequest{Table: "busy", Mode: "once"}})
	var re *leaderapi.ResultError
	if !errors.As(err, &re) || re.Code != "ERR_BUSY" {
		t.Errorf("200-with-error: %v", err)
	}
	_, err = c.StartCompact(ctx, &leaderapi.StartCompactRequest{Body: leaderapi.CompactRequest{Table: "t", Mode: "periodic"}})
	var se *leaderapi.StatusError
	if !errors.As(err, &se) || se.Status != 400 || string(se.Body) != "at is required when mode is periodic" {
		t.Errorf("validation: %v", err)
	}
	st, err := c.GetStatus(ctx)
	if err != nil || st.UptimeSeconds != 12 || st.Load != 0.5 || !st.Healthy {
		t.Errorf("GetStatus = %+v, %v", st, err)
	}
	if _, err := c.SetOption(ctx, &leaderapi.SetOptionRequest{Option: leaderapi.NewArgs("k", "v")}); err != nil {
		t.Error(err)
	}
	if _, err := c.SetOption(ctx, &leaderapi.SetOptionRequest{Option: leaderapi.NewArgs("k", "w")}); !errors.As(err, &se) || se.Status != 200 {
		t.Errorf("text alternative: %v", err)
	}
	if _, err := c.SetOption(ctx, &leaderapi.SetOptionRequest{Option: leaderapi.NewArgs("k", "a&b")}); err == nil {
		t.Error("a value with '&' cannot be sent and must be refused")
	}
	if _, err := c.GetStats(ctx, &leaderapi.GetStatsRequest{}); !errors.As(err, &se) || se.Status != 404 {
		t.Errorf("unimplemented: %v", err)
	}

	// Wire details of the generated server.
	for _, tc := range []struct {
		target, want string
		status       int
	}{
		{"/status", `{"node":"n1","uptime_seconds":"12","load":"0.50","healthy":"true"}` + "\n", 200},
		{"//status//", `{"node":"n1","uptime_seconds":"12","load":"0.50","healthy":"true"}` + "\n", 200},
		{"/keys?prefix=a&bogus=1", "unknown argument bogus", 400},
		{"/keys", "prefix is required", 400},
		{"/keys?prefix=", "prefix must not be empty", 400},
		{"/keys?prefix=a&limit=0x", "bad limit 0x", 400},
		{"/keys?prefix=a&prefix=b", "failed to parse request: ERR_INVALID_PARAMETERS: duplicate parameter: prefix", 400},
		{"/keys?prefix=a&limit=0", "bad limit 0", 400},
		{"/stats?pairs=a", "{\n    \"error_message\": \"pairs must be even\"\n}", 400},
		{"/stats?exact", "{\n    \"error_message\": \"exact must be true or false\"\n}", 400},
		{"/stats?x=1", "{\n    \"error_message\": \"unknown field x=1\"\n}", 400},
		{"/debug/dump", `service not found for "debug/dump"`, 404},
		{"/nope", `service not found for "nope"`, 404},
		{"/", `{"/":"List all calls.","/compact":"A JSON compact_request. Start a compaction.","/keys":"prefix=<p>[&limit=<n>][&verbose][&fields=a,b]. List keys.","/set":"<key>=<value>. Set an option.","/stats":"[names=a,b][&pairs=k,v]Stats.","/status":"Node status."}` + "\n", 200},
	} {
		status, body := get(t, primary.URL+tc.target)
		if status != tc.status || body != tc.want {
			t.Errorf("GET %s = %d %q, want %d %q", tc.target, status, body, tc.status, tc.want)
		}
	}
	// A backup checks argument names before redirecting, and redirects with the primary's address.
	nofollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := nofollow.Get(back.URL + "/keys?prefix=a&verbose")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 307 || resp.Header.Get("Location") != "http://"+addr+"/keys?prefix=a&verbose=" {
		t.Errorf("redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, body := get(t, back.URL+"/keys?zzz"); status != 400 || body != "unknown argument zzz" {
		t.Errorf("backup before redirect: %d %q", status, body)
	}
	// Other methods: the connection is dropped without a response.
	req, _ := http.NewRequest(http.MethodPut, primary.URL+"/status", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("PUT answered %d; want a dropped connection", resp.StatusCode)
	}
	// POST with GET-only semantics.
	resp, err = http.Post(primary.URL+"/stats", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || string(b) != "{\n    \"error_message\": \"use GET\"\n}" {
		t.Errorf("POST /stats = %d %q", resp.StatusCode, b)
	}
}

func TestFollower(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(followerapi.NewServer(follower{}, nil))
	defer srv.Close()
	c, _ := followerapi.NewClient([]string{srv.URL})
	snap, err := c.GetSnapshot(ctx, &followerapi.GetSnapshotRequest{ID: 7})
	if err != nil || snap.ID != 7 || *snap.Ratio != 0.25 || snap.Extra["2"].Bytes != 5 || !snap.Extra["2"].Done {
		t.Errorf("GetSnapshot = %+v, %v", snap, err)
	}
	if status, body := get(t, srv.URL+"/snapshot?id=7"); status != 200 || body != `{"1":{"bytes":3,"done":false},"2":{"bytes":5,"done":true},"id":7,"ratio":0.25}` {
		t.Errorf("sorted body: %d %q", status, body)
	}
	if snap, err := c.GetSnapshot(ctx, &followerapi.GetSnapshotRequest{ID: 0}); err != nil || snap != nil {
		t.Errorf("null body: %+v %v", snap, err)
	}
	if status, body := get(t, srv.URL+"/snapshot?id=010"); status != 200 || !strings.Contains(body, `"id":8`) {
		t.Errorf("octal id: %d %q", status, body)
	}
	if status, body := get(t, srv.URL+"/snapshot?id=-1"); status != 400 || body != "invalid id=-1" {
		t.Errorf("negative id: %d %q", status, body)
	}
	off := httptest.NewServer(followerapi.NewServer(follower{}, &followerapi.Options{Guards: noSnapshots{}}))
	defer off.Close()
	if status, body := get(t, off.URL+"/snapshot"); status != 404 || body != "snapshots are disabled" {
		t.Errorf("guard before binding: %d %q", status, body)
	}
	on := httptest.NewServer(followerapi.NewServer(follower{}, &followerapi.Options{Features: map[followerapi.Feature]bool{followerapi.FeatureDebug: true}}))
	defer on.Close()
	if status, body := get(t, on.URL+"/"); status != 200 || !strings.Contains(body, `"/debug/dump":"Dump state."`) {
		t.Errorf("feature in help: %q", body)
	}
}
