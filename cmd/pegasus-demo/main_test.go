package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoPasses runs the README's main command in-process. The reference
// page comes from ../shared beside the checkout; CI always has it, so
// there its absence is a failure, not a skip.
func TestDemoPasses(t *testing.T) {
	ref := "../../../shared/pegasus/http-api-reference.md"
	if _, err := os.Stat(ref); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("reference page not beside the repository: %v", err)
		}
		t.Skip("reference page not beside the repository")
	}
	var out bytes.Buffer
	if code := run(ref, &out); code != 0 || !strings.Contains(out.String(), " 0 failed") {
		t.Errorf("exit %d\n%s", code, out.String())
	}
}

// TestDemoFailsWithoutReference: without the reference page the demo
// exits non-zero and its last line is not PASS.
func TestDemoFailsWithoutReference(t *testing.T) {
	var out bytes.Buffer
	code := run(filepath.Join(t.TempDir(), "missing.md"), &out)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; code == 0 || strings.HasPrefix(last, "PASS") {
		t.Errorf("exit %d, last line %q", code, last)
	}
}
