package bench

import (
	"context"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/conformcmd"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// BenchmarkConformOnebox is the whole read-only conformance run of both
// roles against the onebox (2 MetaServers, 3 ReplicaServers on loopback),
// replica discovery included: what pegasus-conform does. Target: at most
// 5 s per run (issue #4); the s/run metric is the figure to compare.
func BenchmarkConformOnebox(b *testing.B) {
	c, err := onebox.Start(onebox.Options{Listen: func(string) string { return "127.0.0.1:0" }, MaxProfileSeconds: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop(context.Background())
	cases := 0
	start := time.Now()
	for b.Loop() {
		res, err := conformcmd.Run(context.Background(), conformcmd.Options{Meta: c.MetaAddrs(), DefaultState: true})
		if err != nil {
			b.Fatal(err)
		}
		if res.Failed() {
			b.Fatal("the faithful onebox fails the suite")
		}
		cases = len(res.Meta.Results) + len(res.Replica.Results)
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/run")
	b.ReportMetric(float64(cases), "cases/run")
}
