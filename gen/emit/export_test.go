package emit

import "sync"

// CaptureRaw runs f with every Go file that renderGo formats recorded, by
// path, as jennifer rendered it (before formatting), and returns them.
// Only one CaptureRaw may run at a time.
func CaptureRaw(f func()) map[string][]byte {
	var mu sync.Mutex
	raw := map[string][]byte{}
	saved := formatGo
	formatGo = func(p string, src []byte) ([]byte, error) {
		mu.Lock()
		raw[p] = append([]byte(nil), src...)
		mu.Unlock()
		return saved(p, src)
	}
	defer func() { formatGo = saved }()
	f()
	return raw
}

// Gofmt is gofmt, for the external tests.
var Gofmt = gofmt

// SlowGofmt is slowGofmt, for the external tests.
var SlowGofmt = slowGofmt
