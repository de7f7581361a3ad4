package tests

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/gen/starter"
)

// workflow is the part of a GitHub Actions workflow the test runs.
type workflow struct {
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []struct {
			Name string `yaml:"name"`
			Run  string `yaml:"run"`
			If   string `yaml:"if"`
			Uses string `yaml:"uses"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// stepResult is how one run: step ended.
type stepResult struct {
	name string
	code int
	out  string
}

// runWorkflow runs the run: steps of the one job of the module's workflow
// in order, with bash as GitHub does (-eo pipefail), the job's env with
// the listen addresses replaced by free loopback ports; a step after a
// failure runs only if: always(). uses: steps (checkout, setup-go, the
// upload) are GitHub's and skipped. It kills the server the workflow
// started when it ends.
func runWorkflow(t *testing.T, dir string) []stepResult {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, starter.WorkflowFile))
	if err != nil {
		t.Fatalf("init wrote no workflow: %v", err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%s: %v", starter.WorkflowFile, err)
	}
	if len(wf.Jobs) != 1 {
		t.Fatalf("%s: %d jobs, want 1", starter.WorkflowFile, len(wf.Jobs))
	}
	env := append(os.Environ(), "GOWORK=off")
	var out []stepResult
	for _, job := range wf.Jobs {
		for k, v := range job.Env {
			if strings.HasSuffix(k, "_ADDR") {
				v = freeAddr(t)
			}
			env = append(env, k+"="+v)
		}
		t.Cleanup(func() { stopServer(dir) })
		failed := false
		for _, s := range job.Steps {
			if s.Run == "" || failed && s.If != "always()" {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
			cmd.Dir, cmd.Env = dir, env
			b, err := cmd.CombinedOutput()
			cancel()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatalf("step %q: %v", s.Name, err)
			}
			out = append(out, stepResult{s.Name, code, string(b)})
			failed = failed || code != 0
		}
	}
	return out
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// stopServer kills the server the workflow started, if it still runs.
func stopServer(dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "bin", "server.pid"))
	if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil && pid > 0 {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// conformReport reads the workflow's JSON report: whether it failed and
// how many cases did.
func conformReport(t *testing.T, dir string) (failed bool, failures int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "reports", "conform.json"))
	if err != nil {
		t.Fatalf("no JSON report: %v", err)
	}
	var rep struct {
		Failed bool `json:"failed"`
		Meta   struct {
			Results []struct{ Outcome string } `json:"results"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	for _, r := range rep.Meta.Results {
		if r.Outcome == "fail" {
			failures++
		}
	}
	return rep.Failed, failures
}

// checkWorkflow runs the workflow init wrote in dir twice: as written,
// every step passes and the reports say so; with the MetaServer's /version
// answered wrongly by the served binary (main.go, which the in-process
// tests do not use), every step before the conformance check passes and
// that one fails with exit 1, its reports naming the failure.
func checkWorkflow(t *testing.T, dir string) {
	steps := runWorkflow(t, dir)
	var names []string
	for _, s := range steps {
		names = append(names, s.name)
		if s.code != 0 {
			t.Fatalf("workflow step %q: exit %d\n%s", s.name, s.code, s.out)
		}
	}
	if !strings.Contains(strings.Join(names, ","), "Conformance") || len(steps) < 6 {
		t.Fatalf("the workflow ran %q, want generation check, vet, test, start, conformance, stop", names)
	}
	if failed, _ := conformReport(t, dir); failed {
		t.Error("the JSON report of a passing run says failed")
	}
	if _, err := os.Stat(filepath.Join(dir, "reports", "conform.xml")); err != nil {
		t.Errorf("no JUnit report: %v", err)
	}
	stopServer(dir)
	main := filepath.Join(dir, "main.go")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	wrong := strings.Replace(string(src), "return metaapi.NewHTTPServer(addr, h)", "return metaapi.NewHTTPServer(addr, wrongVersion(h))", 1)
	if wrong == string(src) {
		t.Fatal("main.go's newServer changed: update the test")
	}
	wrong += `
// wrongVersion answers /version with a body that is not the spec's.
func wrongVersion(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/version" {
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("not a version\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}
`
	writeFile(t, main, []byte(wrong))
	defer writeFile(t, main, src)
	steps = runWorkflow(t, dir)
	for _, s := range steps {
		switch {
		case s.name == "Conformance":
			if s.code != 1 || !strings.Contains(s.out, "GET /version") {
				t.Errorf("conformance with a wrong /version: exit %d, want 1 naming GET /version\n%s", s.code, s.out)
			}
			if failed, n := conformReport(t, dir); !failed || n == 0 {
				t.Errorf("the JSON report of the failing run: failed %v, %d failed cases", failed, n)
			}
			return
		case s.code != 0:
			t.Fatalf("step %q failed before the conformance step: exit %d\n%s", s.name, s.code, s.out)
		}
	}
	t.Error("the conformance step did not run")
}
