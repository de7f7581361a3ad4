package pegasusrt

import (
	"context"
	"sync"
)

// rtRecorderKey is the context key of a recorder of answers.
type rtRecorderKey struct{}

// rtWithRecorder returns a context whose calls hand their final answer
// (after redirects, the one the result was decoded from) to rec.
func rtWithRecorder(ctx context.Context, rec func(*rtResult)) context.Context {
	return context.WithValue(ctx, rtRecorderKey{}, rec)
}

// rtRecord hands res to the context's recorder, if any.
func rtRecord(ctx context.Context, res *rtResult) {
	if rec, ok := ctx.Value(rtRecorderKey{}).(func(*rtResult)); ok {
		rec(res)
	}
}

// rtDefaultFanOut is the concurrency of a fan-out that names none.
const rtDefaultFanOut = 8

// rtFanOut runs do(ctx, i) for i in [0, n), at most limit at a time
// (rtDefaultFanOut when limit is not positive), and waits for all. Once
// ctx is done the remaining calls still run, each failing at once with
// the context's error, so that every node gets its result.
func rtFanOut(ctx context.Context, n, limit int, do func(ctx context.Context, i int)) {
	if limit <= 0 {
		limit = rtDefaultFanOut
	}
	// A recorder in ctx would be written by every call at once: fan-out
	// results name their nodes instead.
	ctx = context.WithValue(ctx, rtRecorderKey{}, nil)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			do(ctx, i)
		}()
	}
	wg.Wait()
}
