package tests

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
)

// readmeTool is the README's tool of a module of its own.
var readmeTool = regexp.MustCompile("(?s)```go\n// main.go, in a tool module of its own\n(.*?)```")

// TestSDKFromAnotherModule: a module of its own imports the generated
// clients as the README says (require at the placeholder version, replace
// with this checkout), builds and vets, adds nothing to its go.sum (the
// SDK is stdlib-only and the generator's dependencies are never read),
// imports no package outside the standard library but the client, and
// calls a generated server with it.
func TestSDKFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := readmeTool.FindSubmatch(data)
	if m == nil {
		t.Fatal("the README has no tool module snippet")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "pegasus-tool")
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module example.com/pegasus-tool\n\ngo 1.26\n"))
	writeFile(t, filepath.Join(dir, "main.go"), m[1])
	goCmd(t, dir, "mod", "edit", "-require=github.com/pegasus-kv/pegasus-gen@v0.0.0-00010101000000-000000000000",
		"-replace=github.com/pegasus-kv/pegasus-gen="+root)
	goCmd(t, dir, "mod", "tidy")
	goCmd(t, dir, "vet", "./...")
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if lines := strings.Count(string(sum), "\n"); lines != 0 {
		t.Errorf("importing the SDK adds %d lines to go.sum, want none:\n%s", lines, sum)
	} else {
		t.Logf("go.sum after go mod tidy: 0 lines (%v)", err)
	}
	for _, p := range strings.Fields(goCmd(t, dir, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")) {
		if p != "example.com/pegasus-tool" && p != "github.com/pegasus-kv/pegasus-gen/generated/meta" {
			t.Errorf("the tool imports %s", p)
		}
	}
	// Two servers, as a user names a cluster's MetaServers: each is asked.
	var addrs []string
	want := ""
	for range 2 {
		srv := httptest.NewServer(meta.NewServer(versionMeta{}, nil))
		defer srv.Close()
		addr := strings.TrimPrefix(srv.URL, "http://")
		addrs = append(addrs, addr)
		want += addr + " 2.6.0 " + strings.Repeat("a", 40) + "\n"
	}
	bin := filepath.Join(dir, "pegasus-tool")
	goCmd(t, dir, "build", "-o", bin, ".")
	if out := run(t, dir, bin, addrs...); out != want {
		t.Errorf("the tool printed %q, want %q", out, want)
	}
}

// versionMeta is a MetaServer with /version only.
type versionMeta struct{ meta.UnimplementedHandler }

func (versionMeta) GetVersion(context.Context, meta.GetVersionRequest) (meta.GetVersionResponse, error) {
	return meta.GetVersion200(meta.VersionInfo{Version: "2.6.0", GitCommit: strings.Repeat("a", 40)}), nil
}
