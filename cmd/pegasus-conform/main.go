// Command pegasus-conform checks a running Pegasus cluster against the
// spec with the generated conformance suites of both roles. It is the
// same command as `pegasus-gen conform` (internal/conformcmd), kept as an
// alias for scripts that call it by this name:
//
//	pegasus-conform -meta host:port[,host:port…] [-replica host:port,…] [-mutating]
//	                [-junit out.xml] [-json-report out.json] [-json] [-features pprof=false]
//	                [-var table=t] [-ops 'GET /meta/app,/version'] [-complete]
//
// Exit status: 0 all checks passed, 1 checks failed (or a server given did
// not answer), 2 usage error or no server of a role answered; the reports
// are written on exit 2 too, with a failed case per server not reached.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/pegasus-kv/pegasus-gen/internal/conformcmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return conformcmd.Main(ctx, "pegasus-conform", args, stdout, stderr)
}
