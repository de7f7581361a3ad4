package soak

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// symbolPosts sends n concurrent 4 MiB POST /pprof/symbol bodies (two
// million addresses, a 46 MB answer each) to the first MetaServer, the
// amplification the probe found, and reads every answer whole. It returns
// how many answers arrived complete and how long it took.
func symbolPosts(ctx context.Context, ob *onebox, n int) (complete int, took time.Duration) {
	body := bytes.Repeat([]byte("0+"), 2<<20)
	want := int64(len("0x00000000\t0x00000000\n")) << 21
	url := "http://" + ob.metas[0] + "/pprof/symbol"
	start := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
			if err != nil {
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			if got, err := io.Copy(io.Discard, resp.Body); err == nil && resp.StatusCode == 200 && got == want {
				mu.Lock()
				complete++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return complete, time.Since(start)
}
