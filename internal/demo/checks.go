// Package demo holds the checks behind cmd/pegasus-demo: each one prints a line, PASS or FAIL.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/helpref"
)

// Checks runs the demo's checks and prints each one.
type Checks struct {
	Out    io.Writer
	passed int
	failed int
}

func (c *Checks) result(ok bool, format string, args ...any) {
	mark := "PASS"
	if ok {
		c.passed++
	} else {
		c.failed++
		mark = "FAIL"
	}
	fmt.Fprintf(c.Out, "%s  %s\n", mark, fmt.Sprintf(format, args...))
}

// Summary prints the counts and returns the exit status.
func (c *Checks) Summary() int {
	fmt.Fprintf(c.Out, "\n%d passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 {
		return 1
	}
	return 0
}

// HelpIndex compares GET / of both roles with the reference page's
// listings, compacted: every path of the page with its text byte for byte,
// in its order; paths the spec adds are extensions, named
// (internal/helpref).
func (c *Checks) HelpIndex(reference, metaURL, replicaURL string) {
	listings, err := helpref.Listings(reference)
	if err != nil {
		c.result(false, "reference page: %v", err)
		return
	}
	for i, u := range []string{metaURL, replicaURL} {
		_, _, body, err := get(u)
		var ext []string
		if err == nil {
			ext, err = helpref.Compare(string(body), listings[i])
		}
		what := fmt.Sprintf("GET %s lists the reference page's paths with its help texts byte for byte (%d bytes)", u, len(body))
		if len(ext) > 0 {
			what += "; extensions: " + strings.Join(ext, ", ")
		}
		if err != nil {
			what += ": " + err.Error()
		}
		c.result(err == nil, "%s", what)
	}
}

func get(u string) (int, http.Header, []byte, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(u)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// Wire prints one raw exchange.
func (c *Checks) Wire(u string) {
	status, h, body, err := get(u)
	if err != nil {
		c.result(false, "GET %s: %v", u, err)
		return
	}
	var names []string
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintf(c.Out, "\n$ curl -i '%s'\nHTTP/1.1 %d %s\n", u, status, http.StatusText(status))
	for _, k := range names {
		fmt.Fprintf(c.Out, "%s: %s\n", k, strings.Join(h[k], ", "))
	}
	fmt.Fprintf(c.Out, "\n%s\n\n", body)
	c.result(h.Get("Content-Type") == "text/plain", "%s answered text/plain", u)
}

// Clients calls operations of the onebox through the generated typed clients.
func (c *Checks) Clients(ctx context.Context, metaAddrs, replicaAddrs []string) {
	mc, err := meta.NewClient(metaAddrs)
	if err != nil {
		c.result(false, "meta client: %v", err)
		return
	}
	cl, err := mc.GetMetaCluster(ctx)
	c.result(err == nil && cl.PrimaryMetaServer == metaAddrs[1], "meta client given the backup first follows the 307: GetMetaCluster → primary %s", field(cl, err, func() string { return cl.PrimaryMetaServer }))
	app, err := mc.GetMetaApp(ctx, &meta.GetMetaAppRequest{Name: "temp", Detail: true})
	c.result(err == nil && app.General.PartitionCount == 8 && len(app.Replicas) == 8, "GetMetaApp temp: partition_count \"8\" on the wire is the Go int %s", field(app, err, func() string { return fmt.Sprint(app.General.PartitionCount) }))
	_, err = mc.GetMetaApp(ctx, &meta.GetMetaAppRequest{Name: "nope"})
	var se *meta.StatusError
	c.result(errors.As(err, &se) && se.Status == 404, "GetMetaApp of a missing table is a *StatusError: %v", err)
	// Node-local operations go to one named node: the backup, here.
	mn, err := mc.Node(metaAddrs[0])
	if err != nil {
		c.result(false, "meta node client: %v", err)
		return
	}
	_, err = mn.UpdateConfig(ctx, &meta.UpdateConfigRequest{Config: meta.NewArgs("no_such_flag", "1")})
	var re *meta.ResultError
	c.result(errors.As(err, &re), "UpdateConfig's 200-with-error is a *ResultError: %v", err)
	_, err = mn.UpdateConfig(ctx, &meta.UpdateConfigRequest{Config: meta.NewArgs("min_allowed_replica_count", "2")})
	c.result(err == nil, "UpdateConfig min_allowed_replica_count=2: ERR_OK")
	_, err = mc.UpdateUsageScenario(ctx, &meta.UpdateUsageScenarioRequest{Body: meta.UsageScenarioInfo{AppName: "stat", Scenario: "bulk_load"}})
	envs, err2 := mc.GetMetaAppEnvs(ctx, &meta.GetMetaAppEnvsRequest{Name: "stat"})
	c.result(err == nil && err2 == nil && envs["rocksdb.usage_scenario"] == "bulk_load", "POST usage_scenario (re-sent after the 307), then app_envs shows rocksdb.usage_scenario=%s", envs["rocksdb.usage_scenario"])
	m, err := mn.GetMetrics(ctx, &meta.GetMetricsRequest{Detail: boolPtr(true), Types: []string{"server"}})
	c.result(err == nil && len(m.Entities) == 1 && m.Role == "meta", "GetMetrics detail=true on the backup decodes the pretty body (%s metrics)", field(m, err, func() string { return fmt.Sprint(len(m.Entities[0].Metrics)) }))
	rc, err := replica.NewClient(replicaAddrs[:1])
	if err != nil {
		c.result(false, "replica client: %v", err)
		return
	}
	dv, err := rc.GetReplicaDataVersion(ctx, &replica.GetReplicaDataVersionRequest{AppID: 2})
	c.result(err == nil && dv["0"].DataVersion == 1, "GetReplicaDataVersion: data_version sent as a string is the Go int %s", field(dv, err, func() string { return fmt.Sprint(dv["0"].DataVersion) }))
	_, err = rc.GetReplicaDataVersion(ctx, &replica.GetReplicaDataVersionRequest{AppID: 42})
	var rse *replica.StatusError
	c.result(errors.As(err, &rse) && string(rse.Body) == "app_id=42 not found", "GetReplicaDataVersion of an unknown app: %v", err)
}

func boolPtr(b bool) *bool { return &b }

func field[T any](v T, err error, f func() string) string {
	if err != nil {
		return err.Error()
	}
	return f()
}
