package emit

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/gen/build"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

func TestJobTimes(t *testing.T) {
	data, _ := os.ReadFile("/tmp/syn2000.yaml")
	s, err := load.Load(context.Background(), "s.yaml", data)
	if err != nil { t.Fatal(err) }
	api, _ := build.Build(s)
	for _, role := range api.Roles[:1] {
		for _, j := range roleJobs(api, role, AllOutputs) {
			runtime.GC()
			t0 := time.Now()
			b, _ := j.make()
			t.Logf("%-36s %8d %v", j.path, len(b), time.Since(t0))
		}
	}
	t0 := time.Now()
	docsText(api, Config{})
	t.Logf("docs %v", time.Since(t0))
}
