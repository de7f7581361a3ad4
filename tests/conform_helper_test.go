package tests

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/generated/meta"
	"github.com/pegasus-kv/pegasus-gen/generated/metaconform"
)

// everyTable answers GET /meta/app 200 for any table, also the unknown
// one the spec's example says is 404: a server the suite must fail.
type everyTable struct{ onlyApp }

func (everyTable) GetMetaApp(_ context.Context, req meta.GetMetaAppRequest) (meta.GetMetaAppResponse, error) {
	return meta.GetMetaApp200(meta.MetaAppInfo{General: meta.MetaAppGeneral{AppName: req.Name, AppID: 2, PartitionCount: 8}}), nil
}

// conformProbeEnv makes TestConformFailuresPointAtTheCaller run the
// failing suite itself, in a child process.
const conformProbeEnv = "PEGASUS_CONFORM_PROBE"

// TestConformFailuresPointAtTheCaller: a failure of the generated suite
// under go test is reported at the line of the user's test that calls
// Run, not at a line of the bundled engine (conformrt_gen.go). The test
// runs itself again in a child process in which the suite fails, and reads
// its output.
func TestConformFailuresPointAtTheCaller(t *testing.T) {
	if os.Getenv(conformProbeEnv) == "1" {
		_, _, line, _ := runtime.Caller(0)
		fmt.Printf("probe: Run is called at line %d\n", line+2)
		metaconform.Run(t, metaconform.Target{Handler: meta.NewServer(everyTable{}, nil), DefaultState: true})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestConformFailuresPointAtTheCaller$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), conformProbeEnv+"=1")
	data, err := cmd.CombinedOutput()
	out := string(data)
	if err == nil {
		t.Fatalf("the suite passed a server that answers 200 for an unknown table:\n%s", out)
	}
	var line int
	if i := strings.Index(out, "probe: Run is called at line "); i < 0 {
		t.Fatalf("the probe did not run:\n%s", out)
	} else {
		fmt.Sscanf(out[i:], "probe: Run is called at line %d", &line)
	}
	want := fmt.Sprintf("conform_helper_test.go:%d: ", line)
	if !strings.Contains(out, want+"example ?name=no_such_table: status 200, but the spec's example is answered 404") {
		t.Errorf("the failure is not reported at %s:\n%s", want, out)
	}
	for _, engine := range []string{"conformrt_gen.go", "conform_gen.go"} {
		if strings.Contains(out, engine+":") {
			t.Errorf("a message points into %s:\n%s", engine, out)
		}
	}
}
