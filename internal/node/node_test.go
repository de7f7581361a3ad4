package node

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

// TestLookupSymbolsOneAtATime checks that a second lookup waits for the
// first one's answer to be written, and gives up when its client goes.
func TestLookupSymbolsOneAtATime(t *testing.T) {
	n := New()
	size, write, err := n.LookupSymbols(context.Background(), []byte("'0x0+0x10"))
	if err != nil || size != int64(len("0x00000000\t0x00000000\n0x00000010\t0x00000010\n")) {
		t.Fatalf("first lookup: %d, %v", size, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, err := n.LookupSymbols(ctx, []byte("0x1")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lookup while the first is unwritten: %v", err)
	}
	var b bytes.Buffer
	if err := write(&b); err != nil || b.String() != "0x00000000\t0x00000000\n0x00000010\t0x00000010\n" {
		t.Fatalf("answer %q, %v", b.String(), err)
	}
	_, write, err = n.LookupSymbols(context.Background(), []byte("0x1"))
	if err != nil {
		t.Fatalf("lookup after the first was written: %v", err)
	}
	_ = write(io.Discard)
}

// TestLookupSymbolsStopsWhenClientGoes checks that resolving and writing
// a large answer stop once the request's context ends.
func TestLookupSymbolsStopsWhenClientGoes(t *testing.T) {
	n := New()
	body := bytes.Repeat([]byte("0+"), 1<<20)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := n.LookupSymbols(ctx, body); !errors.Is(err, context.Canceled) {
		t.Fatalf("resolve after the client left: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	_, write, err := n.LookupSymbols(ctx, body)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	var w countWriter
	if err := write(&w); !errors.Is(err, context.Canceled) || w.n > 1<<20 {
		t.Fatalf("write after the client left: %v after %d bytes", err, w.n)
	}
	if _, _, err := n.LookupSymbols(context.Background(), []byte("0x1")); err != nil {
		t.Fatalf("lookup after a cancelled one: %v", err)
	}
}

type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
