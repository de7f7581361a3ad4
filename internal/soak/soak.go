// Package soak replays, in short, the probe that found the servers sound
// and their costs unbounded: hostile requests across every server of a
// onebox built with the race detector, then many concurrent clients
// mixing reads and checked writes, while the onebox's output is watched
// for panics and data races and its peak memory is read from /proc.
// cmd/pegasus-soak runs it (make soak); traffic goes to 127.0.0.1 only.
package soak

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Config says how hard to push.
type Config struct {
	// Onebox is the pegasus-onebox binary to run (build it with -race).
	Onebox string
	// Hostile is the number of hostile requests.
	Hostile int
	// Clients is the number of concurrent mixed clients.
	Clients int
	// Duration is how long the mixed clients run.
	Duration time.Duration
	// Seed makes the hostile requests and the mix reproducible.
	Seed uint64
	// SymbolPosts is the number of concurrent 4 MiB POST /pprof/symbol
	// bodies sent last (0: none).
	SymbolPosts int
}

// Report is what a soak run found.
type Report struct {
	Hostile      Tally
	Mixed        Tally
	Writes       int64 // checked writes (write, then read back)
	Refused      int64 // writes a validator refused (another flag of a group moved)
	LostUpdates  int64
	P50, P99     time.Duration
	Panics       int64
	Races        int64
	PeakRSSBytes int64 // after the hostile and mixed phases
	Servers      int
	// SymbolComplete answers of SymbolPosts arrived whole, in SymbolTook;
	// SymbolRSSBytes is the peak RSS once they are done.
	SymbolComplete int
	// SymbolPosts is how many were sent: fewer whole answers is a failure.
	SymbolPosts    int
	SymbolTook     time.Duration
	SymbolRSSBytes int64
}

// Tally counts answers of one phase.
type Tally struct {
	Requests  int64
	ByStatus  map[int]int64
	Dropped   int64 // connection closed without an answer (expected for some)
	Errors    int64 // transport errors other than a drop: timeouts, resets mid-answer
	Server5xx int64 // 5xx not explained by the profiler's documented 500s or net/http
	NetHTTP   int64 // answers net/http wrote before any handler (known differences)
	mu        sync.Mutex
	firstErrs []string
}

func (t *Tally) countNetHTTP() {
	t.mu.Lock()
	t.NetHTTP++
	t.mu.Unlock()
}

func (t *Tally) add(status int, expected500 bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Requests++
	if t.ByStatus == nil {
		t.ByStatus = map[int]int64{}
	}
	t.ByStatus[status]++
	if status >= 500 && !expected500 {
		t.Server5xx++
	}
}

func (t *Tally) drop(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Requests++
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		t.Dropped++
		return
	}
	t.Errors++
	if len(t.firstErrs) < 3 {
		t.firstErrs = append(t.firstErrs, err.Error())
	}
}

// Failed reports whether the run found anything wrong.
func (r *Report) Failed() bool {
	return r.Hostile.Server5xx+r.Mixed.Server5xx+r.Mixed.Errors+r.Mixed.Dropped+r.LostUpdates+r.Panics+r.Races > 0 ||
		r.SymbolRSSBytes > 768<<20 || r.SymbolComplete < r.SymbolPosts
}

// Print writes the figures.
func (r *Report) Print(w io.Writer, cfg Config) {
	fmt.Fprintf(w, "servers: %d (race-built onebox)\n", r.Servers)
	fmt.Fprintf(w, "hostile: %d requests, %d 5xx of ours, %d answers by net/http itself, %d dropped connections (methods other than GET/POST), %d transport errors %q; statuses %s\n",
		r.Hostile.Requests, r.Hostile.Server5xx, r.Hostile.NetHTTP, r.Hostile.Dropped, r.Hostile.Errors, r.Hostile.firstErrs, statuses(r.Hostile.ByStatus))
	fmt.Fprintf(w, "mixed: %d clients for %v: %d requests, %d 5xx, %d errors %q, %d dropped; p50 %v, p99 %v\n",
		cfg.Clients, cfg.Duration, r.Mixed.Requests, r.Mixed.Server5xx, r.Mixed.Errors, r.Mixed.firstErrs, r.Mixed.Dropped, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond))
	fmt.Fprintf(w, "writes: %d checked (write, then read back), %d lost updates, %d refused by a group validator\n", r.Writes, r.LostUpdates, r.Refused)
	fmt.Fprintf(w, "onebox: %d panics, %d data races, peak RSS %d MB\n", r.Panics, r.Races, r.PeakRSSBytes>>20)
	if cfg.SymbolPosts > 0 {
		fmt.Fprintf(w, "symbol lookups: %d concurrent 4 MiB POST /pprof/symbol, %d answers of 46 MB whole in %v; peak RSS then %d MB (limit 768 MB)\n",
			cfg.SymbolPosts, r.SymbolComplete, r.SymbolTook.Round(time.Millisecond), r.SymbolRSSBytes>>20)
	}
}

func statuses(m map[int]int64) string {
	var parts []string
	for s := 100; s < 600; s++ {
		if n := m[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", s, n))
		}
	}
	return strings.Join(parts, " ")
}

// Run starts the onebox, runs both phases and stops it.
func Run(ctx context.Context, cfg Config, log io.Writer) (*Report, error) {
	ob, err := startOnebox(ctx, cfg.Onebox, log)
	if err != nil {
		return nil, err
	}
	rep := &Report{Servers: len(ob.metas) + len(ob.replicas)}
	fmt.Fprintf(log, "soak: %d hostile requests, then %d clients for %v\n", cfg.Hostile, cfg.Clients, cfg.Duration)
	hostile(ctx, ob, cfg, &rep.Hostile)
	if err := mixed(ctx, ob, cfg, rep); err != nil {
		ob.stop()
		return nil, err
	}
	rep.PeakRSSBytes = ob.peakRSS()
	if cfg.SymbolPosts > 0 {
		rep.SymbolPosts = cfg.SymbolPosts
		rep.SymbolComplete, rep.SymbolTook = symbolPosts(ctx, ob, cfg.SymbolPosts)
		rep.SymbolRSSBytes = ob.peakRSS()
	}
	ob.stop()
	rep.Panics, rep.Races = ob.panics.Load(), ob.races.Load()
	return rep, nil
}

// onebox is the running subprocess.
type onebox struct {
	cmd             *exec.Cmd
	metas, replicas []string
	panics, races   atomic.Int64
	done            chan struct{}
}

var addrLine = regexp.MustCompile(`^(MetaServer|ReplicaServer)\s+http://(127\.0\.0\.1:\d+)$`)

// startOnebox runs the binary on free loopback ports with one-second
// profiles, and reads its addresses from what it prints.
func startOnebox(ctx context.Context, bin string, log io.Writer) (*onebox, error) {
	cmd := exec.CommandContext(ctx, bin, "-host", "127.0.0.1", "-meta-ports", "0,0", "-replica-ports", "0,0,0",
		"-features", "envs_list=true", "-max-profile-seconds", "1")
	cmd.Env = append(os.Environ(), "GORACE=halt_on_error=0", "TCMALLOC_SAMPLE_PARAMETER=524288")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ob := &onebox{cmd: cmd, done: make(chan struct{})}
	ready := make(chan struct{})
	// done closes once both pipes are read to their end: only then may
	// Wait close them (os/exec).
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); ob.watch(stdout, log, ready) }()
	go func() { defer readers.Done(); ob.watch(stderr, log, nil) }()
	go func() { readers.Wait(); close(ob.done) }()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		ob.kill()
		return nil, errors.New("the onebox printed no addresses within a minute")
	}
	if len(ob.metas) == 0 || len(ob.replicas) == 0 {
		ob.kill()
		return nil, errors.New("the onebox exited before serving")
	}
	return ob, nil
}

// watch reads one of the onebox's outputs: addresses until the "Try:"
// line (then ready is closed), and panics and race reports throughout,
// which are copied to log.
func (ob *onebox) watch(r io.Reader, log io.Writer, ready chan struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	copying := 0
	for sc.Scan() {
		line := sc.Text()
		if m := addrLine.FindStringSubmatch(line); m != nil && ready != nil {
			if m[1] == "MetaServer" {
				ob.metas = append(ob.metas, m[2])
			} else {
				ob.replicas = append(ob.replicas, m[2])
			}
		}
		if ready != nil && strings.HasPrefix(line, "Try:") {
			close(ready)
			ready = nil
		}
		switch {
		case strings.Contains(line, "WARNING: DATA RACE"):
			ob.races.Add(1)
			copying = 40
		case strings.Contains(line, "http: panic serving") || strings.HasPrefix(line, "panic:"):
			ob.panics.Add(1)
			copying = 20
		}
		if copying > 0 {
			fmt.Fprintln(log, "onebox:", line)
			copying--
		}
	}
	if ready != nil {
		close(ready)
	}
}

// peakRSS is the onebox's VmHWM, its peak resident set.
func (ob *onebox) peakRSS() int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(ob.cmd.Process.Pid) + "/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return -1
}

// kill ends a onebox that failed to start, and reaps it.
func (ob *onebox) kill() {
	_ = ob.cmd.Process.Kill()
	<-ob.done
	_ = ob.cmd.Wait()
}

// stop sends SIGTERM, so the race detector reports what it found, and
// waits for the onebox to exit.
func (ob *onebox) stop() {
	_ = ob.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-ob.done:
	case <-time.After(30 * time.Second):
		_ = ob.cmd.Process.Kill()
	}
	_ = ob.cmd.Wait()
}
