//go:build !race

// The race detector multiplies memory and time several-fold, so this
// measurement runs in the plain test run only.

package tests

import (
	"bytes"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/internal/onebox"
)

// TestPprofSymbolAmplificationBounded posts sixteen 4 MiB symbol lookups
// at once (two million addresses each, an answer of 46 MB each) and checks
// that the process, onebox and clients together, stays under 768 MB of
// memory obtained from the OS, and that every answer arrives whole.
func TestPprofSymbolAmplificationBounded(t *testing.T) {
	c := startOnebox(t, onebox.Options{})
	body := bytes.Repeat([]byte("0+"), 2<<20) // 4 MiB
	url := "http://" + c.MetaAddrs()[0] + "/pprof/symbol"
	const lineLen = len("0x00000000\t0x00000000\n")

	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.Sys > peak.Load() {
				peak.Store(ms.Sys)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(url, "text/plain", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			if err != nil || resp.StatusCode != 200 || n != int64(lineLen<<21) || resp.Header.Get("Content-Length") != strconv.Itoa(lineLen<<21) {
				t.Errorf("answer: %d, %d bytes (Content-Length %s), %v", resp.StatusCode, n, resp.Header.Get("Content-Length"), err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	t.Logf("peak Sys %d MB", peak.Load()>>20)
	if peak.Load() > 768<<20 {
		t.Errorf("peak memory %d MB, want under 768 MB", peak.Load()>>20)
	}
}
