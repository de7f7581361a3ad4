// Command pegasus-soak runs the reliability soak (make soak) against a
// onebox binary built with -race: hostile requests over every server,
// then concurrent mixed clients with checked writes. It prints requests,
// 5xx, panics, data races, lost updates, latency percentiles and peak
// RSS, and exits 1 when it found anything wrong. Traffic goes to
// 127.0.0.1 only.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/soak"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pegasus-soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg soak.Config
	fs.StringVar(&cfg.Onebox, "onebox", "", "the pegasus-onebox binary to run, built with -race (required)")
	fs.IntVar(&cfg.Hostile, "hostile", 1600, "number of hostile requests (at most 100000)")
	fs.IntVar(&cfg.Clients, "clients", 64, "concurrent mixed clients (at most 256)")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long the mixed clients run (at most 10m)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the hostile requests and the mix")
	fs.IntVar(&cfg.SymbolPosts, "symbol-posts", 16, "concurrent 4 MiB POST /pprof/symbol bodies sent last (at most 64)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.Onebox == "" || cfg.Hostile < 0 || cfg.Hostile > 100000 || cfg.Clients < 1 || cfg.Clients > 256 || cfg.SymbolPosts < 0 || cfg.SymbolPosts > 64 ||
		cfg.Duration <= 0 || cfg.Duration > 10*time.Minute {
		fmt.Fprintln(stderr, "pegasus-soak: -onebox is required; -hostile 0..100000, -clients 1..256, -symbol-posts 0..64, -duration up to 10m")
		return 2
	}
	rep, err := soak.Run(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "pegasus-soak:", err)
		return 1
	}
	rep.Print(stdout, cfg)
	if rep.Failed() {
		fmt.Fprintln(stdout, "soak: FAILED")
		return 1
	}
	fmt.Fprintln(stdout, "soak: ok")
	return 0
}
