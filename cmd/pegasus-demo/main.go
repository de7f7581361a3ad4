// Command pegasus-demo shows the generated code at work: it serves both
// roles on loopback with small hand-written handlers, calls them through the
// generated clients (through a backup MetaServer, so the client follows the
// 307 to the primary), checks GET / against the reference page's listings
// and prints what went over the wire. It exits 0 when every check passed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/replica"
	"github.com/pegasus-kv/pegasus-gen/internal/demo"
)

func main() {
	reference := flag.String("reference", "../shared/pegasus/http-api-reference.md", "the reference page, for the help index check")
	flag.Parse()
	os.Exit(run(*reference, os.Stdout))
}

func run(reference string, out io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	primary, stopP := serve(meta.NewServer(demo.NewMeta(), nil))
	defer stopP()
	backup, stopB := serve(meta.NewServer(demo.NewMeta(), &meta.Options{Leadership: demo.Backup(primary)}))
	defer stopB()
	rep, stopR := serve(replica.NewServer(demo.NewReplica(), nil))
	defer stopR()
	fmt.Fprintf(out, "MetaServer primary http://%s, backup http://%s; ReplicaServer http://%s\n\n", primary, backup, rep)

	r := demo.Checks{Out: out}
	r.HelpIndex(reference, "http://"+primary+"/", "http://"+rep+"/")
	r.Wire("http://" + backup + "/meta/cluster")
	r.Wire("http://" + primary + "/meta/app?name=temp&detail")
	r.Wire("http://" + primary + "/metrics?detail")
	r.Wire("http://" + primary + "/updateConfig?a=1&a=2")
	r.Clients(ctx, []string{backup, primary}, []string{rep})
	return r.Summary()
}

// serve listens on a loopback port and serves h until stop is called.
func serve(h http.Handler) (addr string, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }
}
