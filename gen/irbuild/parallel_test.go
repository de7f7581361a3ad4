package irbuild

import (
	"sync/atomic"
	"testing"
)

// TestOnWorkersRaisesAWorkersPanic: a panic on a worker comes back on
// the caller's goroutine, where gen's recoverBug can turn it into an
// error, after every worker has finished.
func TestOnWorkersRaisesAWorkersPanic(t *testing.T) {
	var done atomic.Int32
	got := func() (r any) {
		defer func() { r = recover() }()
		onWorkers(4, func(w int) {
			if w == 2 {
				panic("worker 2")
			}
			done.Add(1)
		})
		return nil
	}()
	if got != "worker 2" {
		t.Fatalf("recovered %v, want the worker's panic", got)
	}
	if done.Load() != 3 {
		t.Fatalf("%d other workers finished before the panic was raised, want 3", done.Load())
	}
}
