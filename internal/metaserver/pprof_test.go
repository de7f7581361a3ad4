package metaserver

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/internal/cluster"
	"github.com/pegasus-kv/pegasus-gen/internal/config"
	"github.com/pegasus-kv/pegasus-gen/internal/node"
)

// TestPprof: one profile at a time (a second concurrent one is a 500 with
// an empty body), the heap sample's requirement, symbols and cmdline.
func TestPprof(t *testing.T) {
	n := node.New()
	n.MaxProfileSeconds = 1
	n.SampleParameter = func() string { return "" }
	h := New(cluster.NewModel(cluster.DefaultState(), nil), primary{}, n, config.New(), stubMetrics{})
	srv := httptest.NewServer(meta.NewServer(h, &meta.Options{Leadership: primary{}, Guards: h.Guards()}))
	defer srv.Close()

	run(t, srv, []exchange{
		{target: "/pprof/heap", status: 500, want: "The environment variable TCMALLOC_SAMPLE_PARAMETER should set to a positive value, such as 524288, before running."},
		{target: "/pprof/heap?seconds=x", status: 500, want: "The environment variable TCMALLOC_SAMPLE_PARAMETER should set to a positive value, such as 524288, before running."},
		{method: "POST", target: "/pprof/symbol", body: "'0x0+0x1", status: 200, want: "0x00000000\t0x00000000\n0x00000001\t0x00000001\n"},
	})
	status, body := do(t, srv, "GET", "/pprof/symbol", "")
	if status != 200 || !strings.HasPrefix(body, "num_symbols: ") || !strings.HasSuffix(body, "\n") {
		t.Errorf("symbol count: %d %q", status, body)
	}
	if status, body := do(t, srv, "GET", "/pprof/cmdline", ""); status != 200 || !strings.HasSuffix(body, "\n") {
		t.Errorf("cmdline: %d %q", status, body)
	}
	// Two CPU profiles at once: one of them is refused.
	var wg sync.WaitGroup
	results := make(chan string, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(delay time.Duration) {
			defer wg.Done()
			time.Sleep(delay)
			status, body := do(t, srv, "GET", "/pprof/profile?seconds=1", "")
			if status == 500 && body == "" {
				results <- "busy"
			} else if status == 200 && len(body) > 0 {
				results <- "profile"
			} else {
				results <- "unexpected"
			}
		}(time.Duration(i) * 200 * time.Millisecond)
	}
	wg.Wait()
	close(results)
	got := map[string]int{}
	for r := range results {
		got[r]++
	}
	if got["busy"] != 1 || got["profile"] != 1 {
		t.Errorf("concurrent profiles: %v", got)
	}
}
