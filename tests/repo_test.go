package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binaryMagic are the first bytes of the executables and archives a build
// leaves behind (go build at the root writes one there): ELF, Mach-O in
// both byte orders and both widths, PE, and ar archives.
var binaryMagic = [][]byte{
	[]byte("\x7fELF"),
	{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, {0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe},
	[]byte("MZ"),
	[]byte("!<arch>\n"),
}

// TestNoTrackedBinaries: no file git tracks is a built binary, except
// under a testdata directory, where a test may need one as input.
func TestNoTrackedBinaries(t *testing.T) {
	root := filepath.Join("..")
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("git ls-files: %v (CI runs on a clone)", err)
		}
		t.Skipf("not a git checkout: %v", err)
	}
	files := strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	for _, f := range files {
		if strings.Contains("/"+f, "/testdata/") {
			continue
		}
		head := make([]byte, 8)
		fh, err := os.Open(filepath.Join(root, f))
		if err != nil {
			continue // deleted in the work tree, or a submodule
		}
		n, _ := fh.Read(head)
		fh.Close()
		for _, m := range binaryMagic {
			if bytes.HasPrefix(head[:n], m) {
				t.Errorf("%s is a built binary (it starts %q): remove it from git (git rm --cached) and build into bin/, which is ignored", f, m)
				break
			}
		}
	}
	if len(files) < 100 {
		t.Fatalf("git ls-files listed %d files: is this the repository?", len(files))
	}
}
