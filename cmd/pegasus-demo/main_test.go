package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestDemoPasses runs the README's main command in-process.
func TestDemoPasses(t *testing.T) {
	ref := "../../../shared/pegasus/http-api-reference.md"
	if _, err := os.Stat(ref); err != nil {
		t.Skip("reference page not beside the repository")
	}
	var out bytes.Buffer
	if code := run(ref, &out); code != 0 || !strings.Contains(out.String(), " 0 failed") {
		t.Errorf("exit %d\n%s", code, out.String())
	}
}
