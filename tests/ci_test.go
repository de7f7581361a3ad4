package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeTestRunsEveryStep: .ci/steps (make test) goes on after a failing
// step, so vet failing does not hide the tests, the race detector and the
// fuzz targets; the summary names every failure and the run exits 1. The
// go and make it runs are stand-ins that fail vet and the plain tests.
func TestMakeTestRunsEveryStep(t *testing.T) {
	bin := t.TempDir()
	log := filepath.Join(bin, "log")
	fakeGo := `#!/bin/sh
echo "$*" >> ` + log + `
case "$1 $2" in
vet*) exit 3 ;;
"test -count=1") exit 1 ;;
esac
exit 0
`
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "../.ci/steps")
	cmd.Env = append(os.Environ(), "GO="+filepath.Join(bin, "go"), "MAKE=true")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want 1\n%s", err, out)
	}
	ran, _ := os.ReadFile(log)
	for _, want := range []string{"vet ./...", "test -count=1 ./...", "test -race", "test -run ^Fuzz"} {
		if !strings.Contains(string(ran), want) {
			t.Errorf("step %q did not run after the failures; ran:\n%s", want, ran)
		}
	}
	for _, want := range []string{"FAIL  vet", "FAIL  test", "ok    race", "ok    fuzz", "make test: FAIL"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
