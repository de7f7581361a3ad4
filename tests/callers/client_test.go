package callers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
)

// TestFanOutDownAndSlow: one node refuses connections, one answers after
// the context's deadline; each result names its node, the healthy one is
// unaffected, and the whole fan-out ends at the deadline.
func TestFanOutDownAndSlow(t *testing.T) {
	c := start(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	good := c.ReplicaAddrs()[0]
	nodes := []string{good, strings.TrimPrefix(down.URL, "http://"), strings.TrimPrefix(slow.URL, "http://")}
	rc, err := replica.NewClient(nodes)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	res := replica.FanOut(ctx, rc, nodes, 2, func(ctx context.Context, n *replica.Client) (*replica.VersionInfo, error) {
		return n.GetVersion(ctx)
	})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("fan-out took %v", d)
	}
	if res[0].Node != good || res[0].Err != nil || res[0].Value == nil {
		t.Errorf("healthy node: %+v", res[0])
	}
	for _, r := range res[1:] {
		if r.Err == nil || !strings.Contains(r.Err.Error(), r.Node) {
			t.Errorf("%s: %v, want an error naming the node", r.Node, r.Err)
		}
	}
}

// TestRawAndBounds: Raw calls a path the spec lacks under the client's
// rules: its answer comes back whatever its status, the bound holds, and a
// cluster-wide Raw call follows the primary like any other.
func TestRawAndBounds(t *testing.T) {
	c := start(t)
	metas := c.MetaAddrs()
	mc, _ := meta.NewClient([]string{metas[1], metas[0]})
	ctx := context.Background()
	n, _ := mc.Node(metas[1])
	a, err := n.Raw(ctx, "GET", "/perfCounter", "name=replica*app.pegasus*get_qps", nil)
	if err != nil || a.Node != metas[1] || a.Status == 200 {
		t.Errorf("/perfCounter on a server without it: %+v %v", a, err)
	}
	a, err = mc.Raw(ctx, "GET", "/meta/apps", "", nil)
	if err != nil || a.Status != 200 || a.Node != metas[0] || !strings.Contains(string(a.Body), "general_info") {
		t.Errorf("Raw /meta/apps through the backup: %+v %v", a, err)
	}
	small, _ := meta.NewClient([]string{metas[0]}, meta.WithMaxAnswer(100))
	if _, err := small.Raw(ctx, "GET", "/metrics", "detail=true", nil); err == nil || !strings.Contains(err.Error(), "limit of 100 bytes") {
		t.Errorf("an answer over the bound: %v", err)
	}
	// A backup alone: its 307 points to a server the client was not
	// given; with WithClusterMembers the cluster's own list allows it.
	only, _ := meta.NewClient([]string{metas[1]})
	if _, err := only.ListMetaApps(ctx, &meta.ListMetaAppsRequest{}); err == nil || !strings.Contains(err.Error(), metas[0]) {
		t.Errorf("redirect to an unconfigured primary: %v", err)
	}
}
