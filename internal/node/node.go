// Package node holds what both reference server roles serve about the
// process itself: /version, /recentStartTime and the /pprof/* endpoints,
// the latter from the Go runtime in place of gperftools (§3.1, §3.2, §10).
package node

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Version is what /version reports, like the real 2.6.0-SNAPSHOT build.
const (
	Version   = "2.6.0-SNAPSHOT"
	GitCommit = "db756dcdf24e2af6169659a67548501ed61f106c"
)

// Node is one server process's identity and profiling state.
type Node struct {
	// Started is the process start, for /recentStartTime.
	Started time.Time
	// MaxProfileSeconds bounds the seconds of /pprof/heap and
	// /pprof/profile: the real server sleeps a worker thread as long as
	// asked, which nobody wants of a stand-in.
	MaxProfileSeconds uint32
	// SampleParameter reads TCMALLOC_SAMPLE_PARAMETER, which the real heap
	// sample requires to be positive (§10).
	SampleParameter func() string

	busy    atomic.Bool   // one heap, growth or CPU profile at a time, as the real server's guard
	symbols chan struct{} // one symbol lookup at a time (LookupSymbols)

	symOnce  sync.Once
	symCount int
}

// New returns a Node started now.
func New() *Node {
	return &Node{Started: time.Now(), MaxProfileSeconds: 10, SampleParameter: func() string { return os.Getenv("TCMALLOC_SAMPLE_PARAMETER") },
		symbols: make(chan struct{}, 1)}
}

// StartTime is /recentStartTime's value: local time, second precision.
func (n *Node) StartTime() string { return n.Started.Local().Format("2006-01-02 15:04:05") }

// ErrBusy means another profile is being taken: the real server answers
// 500 with an empty body.
var ErrBusy = fmt.Errorf("another profile is running")

// ErrNoSampling is the real answer to a heap sample request without
// TCMALLOC_SAMPLE_PARAMETER (500, this text).
var ErrNoSampling = fmt.Errorf("The environment variable TCMALLOC_SAMPLE_PARAMETER should set to a positive value, such as 524288, before running.")

// Answer maps the outcome of Heap, Growth or CPU onto a role's answer
// constructors, the same for both roles: a busy profiler is a 500 with an
// empty body, a missing sampling parameter a 500 with its text, anything
// else an error (a 500 from the server).
func Answer[R any](b []byte, err error, ok, fail func(string) R) (R, error) {
	switch {
	case errors.Is(err, ErrBusy):
		return fail(""), nil
	case errors.Is(err, ErrNoSampling):
		return fail(err.Error()), nil
	case err != nil:
		var none R
		return none, err
	}
	return ok(string(b)), nil
}

// guard runs f unless another guarded profile runs.
func (n *Node) guard(f func() ([]byte, error)) ([]byte, error) {
	if !n.busy.CompareAndSwap(false, true) {
		return nil, ErrBusy
	}
	defer n.busy.Store(false)
	return f()
}

// bound caps seconds.
func (n *Node) bound(s uint32) time.Duration {
	if s > n.MaxProfileSeconds {
		s = n.MaxProfileSeconds
	}
	return time.Duration(s) * time.Second
}

// Heap answers /pprof/heap: with seconds, the heap profile after that
// long; without, the current sample, which needs the sampling parameter.
func (n *Node) Heap(seconds *uint32) ([]byte, error) {
	return n.guard(func() ([]byte, error) {
		if seconds == nil {
			if v, err := strconv.Atoi(n.SampleParameter()); err != nil || v <= 0 {
				return nil, ErrNoSampling
			}
		} else {
			time.Sleep(n.bound(*seconds))
		}
		return profile("heap")
	})
}

// Growth answers /pprof/growth: Go has no growth stacks, so this is the
// allocation profile, the nearest thing.
func (n *Node) Growth() ([]byte, error) {
	return n.guard(func() ([]byte, error) { return profile("allocs") })
}

// profile writes a named runtime profile in its text form.
func profile(name string) ([]byte, error) {
	var b bytes.Buffer
	if err := pprof.Lookup(name).WriteTo(&b, 1); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// CPU answers /pprof/profile: a CPU profile of seconds (default 60,
// bounded), in pprof's binary format. Failures are 200 with a text body
// on the real server, so they come back as the body too.
func (n *Node) CPU(seconds uint32) ([]byte, error) {
	return n.guard(func() ([]byte, error) {
		var b bytes.Buffer
		if err := pprof.StartCPUProfile(&b); err != nil {
			return []byte("No profile file"), nil
		}
		time.Sleep(n.bound(seconds))
		pprof.StopCPUProfile()
		return b.Bytes(), nil
	})
}

// SymbolCount answers GET /pprof/symbol.
func (n *Node) SymbolCount() string {
	n.symOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			return
		}
		f, err := elf.Open(exe)
		if err != nil {
			return
		}
		defer f.Close()
		syms, _ := f.Symbols()
		for _, s := range syms {
			if elf.ST_TYPE(s.Info) == elf.STT_FUNC {
				n.symCount++
			}
		}
	})
	return fmt.Sprintf("num_symbols: %d\n", n.symCount)
}

// ctxEvery is how many addresses are resolved between looks at whether
// the client is still there.
const ctxEvery = 4096

// eachSymbol reads POST /pprof/symbol's body: '+'-separated hex addresses,
// maybe behind a quote. It calls fn with each address's answer line,
// "0x%08x\t<function>\n" (or the address again when no function holds
// it), skipping items that are not hex numbers, and stops at fn's first
// error or when ctx ends. The line is reused by the next call. Nothing is
// kept between lines, so the answer can be measured in one pass and
// written in another without being held.
func eachSymbol(ctx context.Context, body []byte, fn func(line []byte) error) error {
	rest := bytes.TrimLeft(body, `'"`)
	var line []byte
	for i := 0; len(rest) > 0; i++ {
		if i%ctxEvery == ctxEvery-1 && ctx.Err() != nil {
			return ctx.Err()
		}
		var a []byte
		a, rest, _ = bytes.Cut(rest, []byte("+"))
		a = bytes.TrimSpace(a)
		a = bytes.TrimPrefix(bytes.TrimPrefix(a, []byte("0x")), []byte("0X"))
		if len(a) == 0 {
			continue
		}
		pc, err := strconv.ParseUint(string(a), 16, 64)
		if err != nil {
			continue
		}
		line = appendHex(append(line[:0], "0x"...), pc)
		line = append(line, '\t')
		if f := runtime.FuncForPC(uintptr(pc)); f != nil {
			line = append(line, f.Name()...)
		} else {
			line = appendHex(append(line, "0x"...), pc)
		}
		line = append(line, '\n')
		if err := fn(line); err != nil {
			return err
		}
	}
	return nil
}

// appendHex appends v as "%08x" does.
func appendHex(b []byte, v uint64) []byte {
	for n := 8 - len(strconv.FormatUint(v, 16)); n > 0; n-- {
		b = append(b, '0')
	}
	return strconv.AppendUint(b, v, 16)
}

// LookupSymbols answers POST /pprof/symbol as a stream: the answer's length
// and a function that writes it. An answer is some ten times its request
// (a 4 MiB body can ask for two million lines), so lookups run one at a
// time, the way the real server's single profiler service runs them: a
// request waits for the one before to be written, gives up when its client
// goes away (ctx), and the answer is never held: one pass over the body
// measures it, a second writes it. write lets the next lookup in, and so
// does the end of ctx, whichever comes first.
func (n *Node) LookupSymbols(ctx context.Context, body []byte) (size int64, write func(io.Writer) error, err error) {
	select {
	case n.symbols <- struct{}{}:
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	}
	release := sync.OnceFunc(func() { <-n.symbols })
	// An answer never written (a wrapper that drops it, a panic before
	// the write) must not hold the slot for ever: the request's context
	// ends when its handler returns.
	context.AfterFunc(ctx, release)
	err = eachSymbol(ctx, body, func(line []byte) error {
		size += int64(len(line))
		return nil
	})
	if err != nil {
		release()
		return 0, nil, err
	}
	return size, func(w io.Writer) error {
		defer release()
		bw := bufio.NewWriterSize(w, 32<<10)
		if err := eachSymbol(ctx, body, func(line []byte) error {
			_, err := bw.Write(line)
			return err
		}); err != nil {
			return err
		}
		return bw.Flush()
	}, nil
}

// Cmdline answers /pprof/cmdline: the arguments, each ending in "\n", as
// /proc/self/cmdline with its NULs turned into newlines.
func Cmdline() string {
	var b strings.Builder
	for _, a := range os.Args {
		b.WriteString(a)
		b.WriteByte('\n')
	}
	return b.String()
}
