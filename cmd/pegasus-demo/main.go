// Command pegasus-demo shows the whole story on loopback: the reference
// onebox (2 MetaServers, 3 ReplicaServers, served by the generated servers)
// is started, called through the generated typed clients (the MetaServer
// client through the backup, so it follows the 307 to the primary), GET / is
// checked against the reference page's listings, and a few exchanges are
// printed as curl would show them. Then the generated conformance suites of
// both roles run against it, as pegasus-conform would against a real
// cluster, and print their summary. It exits 0 when every check passed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/conformcmd"
	"github.com/pegasus-kv/pegasus-gen/internal/demo"
	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

func main() {
	reference := flag.String("reference", "../shared/pegasus/http-api-reference.md", "the reference page, for the help index check (../shared comes beside the checkout; without it the demo fails)")
	flag.Parse()
	os.Exit(run(*reference, os.Stdout))
}

func run(reference string, out io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := onebox.Start(onebox.Options{Listen: func(string) string { return "127.0.0.1:0" }, MaxProfileSeconds: 1})
	if err != nil {
		fmt.Fprintln(out, "pegasus-demo:", err)
		return 2
	}
	defer c.Stop(context.Background())
	fmt.Fprintf(out, "Onebox on loopback:\n%s\n", c.Describe())
	metas, replicas := c.MetaAddrs(), c.ReplicaAddrs()

	r := demo.Checks{Out: out}
	r.HelpIndex(reference, "http://"+metas[0]+"/", "http://"+replicas[0]+"/")
	r.Wire("http://" + metas[1] + "/meta/cluster")
	r.Wire("http://" + metas[0] + "/meta/app?name=stat&detail")
	r.Wire("http://" + replicas[0] + "/metrics?types=replica&ids=replica@2.0&metrics=get_requests,get_latency_ns")
	r.Wire("http://" + metas[0] + "/metrics?detail")
	r.Wire("http://" + metas[0] + "/updateConfig?a=1&a=2")
	r.Clients(ctx, []string{metas[1], metas[0]}, replicas)
	code := r.Summary()

	fmt.Fprintf(out, "\nConformance suites (generated from the spec), read-only, against the onebox:\n")
	fmt.Fprintf(out, "    make conform META=%s,%s\n\n", metas[0], metas[1])
	res, err := conformcmd.Run(ctx, conformcmd.Options{Meta: metas, DefaultState: true}) // the onebox it just started
	if err != nil {
		fmt.Fprintln(out, "pegasus-demo:", err)
		return 2
	}
	res.WriteSummary(out)
	if res.Failed() && code == 0 {
		code = 1
	}
	if code != 0 && !res.Failed() {
		// The suites' PASS line must not be the last word of a demo whose
		// own checks failed (the reference page missing, say).
		fmt.Fprintln(out, "FAIL: the demo's checks above failed")
	}
	return code
}
