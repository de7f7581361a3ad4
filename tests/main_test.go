package tests

import (
	"os"
	"runtime"
	"testing"
)

// TestMain turns heap profiling off for this test process. The onebox's
// /pprof/heap and /pprof/growth write the process's allocation profile, which
// grows with everything the tests allocated before; the conformance tests
// ask for it dozens of times, and under the race detector that cost grew
// to minutes. The answers stay valid profiles, only empty.
func TestMain(m *testing.M) {
	runtime.MemProfileRate = 0
	os.Exit(m.Run())
}
