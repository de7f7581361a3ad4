package zktest

import (
	"net"
	"testing"
)

// TestRun starts a server, finds it answering, and finds the port closed
// once it is stopped.
func TestRun(t *testing.T) {
	s, err := Start(t.TempDir(), 90e9)
	if err != nil {
		t.Fatal(err)
	}
	if !serving(s.Addr) {
		t.Fatalf("%s does not serve", s.Addr)
	}
	s.Stop()
	if c, err := net.Dial("tcp", s.Addr); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Stop", s.Addr)
	}
}
