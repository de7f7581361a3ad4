package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/pegasus-kv/pegasus-gen/bench/internal/oapigen"
	"github.com/pegasus-kv/pegasus-gen/gen"
	"github.com/pegasus-kv/pegasus-gen/spec"
)

// measured is one timed call: its wall time and the bytes it allocated.
type measured struct {
	d, cpu time.Duration // wall, and the process's user+system time
	bytes  uint64
}

// cpuTime is the user+system time so far of the process and of its
// children that ended (the go builds of BenchmarkColdBuildRatio): with one
// side running at a time, the difference is that side's, and unlike wall
// time it does not grow when the machine's other tenants take the cores.
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		syscall.Getrusage(who, &ru)
		total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return total
}

// measure runs f once, timing it and counting what it allocates. The
// heap is collected before the clock starts and again before it stops, so
// that each side pays for collecting its own garbage and not for the other
// side's (oapi-codegen allocates three times as much).
func measure(b *testing.B, f func() error) measured {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start, cpu := time.Now(), cpuTime()
	err := f()
	runtime.GC()
	d, cpu := time.Since(start), cpuTime()-cpu
	runtime.ReadMemStats(&after)
	if err != nil {
		b.Fatal(err)
	}
	return measured{d, cpu, after.TotalAlloc - before.TotalAlloc}
}

// ratioRun times a and c in turns, ABBA, so that the shared machine
// speeding up or slowing down falls on both sides of each ratio alike, and
// reports the median ratio of wall time, CPU time and allocated bytes (a
// over c) under name, with a's own median seconds and megabytes under aName.
func ratioRun(b *testing.B, name, aName string, a, c func() error) {
	var times, cpus, allocs, secs, mbs []float64
	i := 0
	for b.Loop() {
		var ma, mc measured
		if i%2 == 0 {
			ma, mc = measure(b, a), measure(b, c)
		} else {
			mc, ma = measure(b, c), measure(b, a)
		}
		i++
		times = append(times, float64(ma.d)/float64(mc.d))
		cpus = append(cpus, float64(ma.cpu)/float64(mc.cpu))
		allocs = append(allocs, float64(ma.bytes)/float64(mc.bytes))
		secs = append(secs, ma.d.Seconds())
		mbs = append(mbs, float64(ma.bytes)/1e6)
	}
	b.ReportMetric(median(times), "x-time-"+name)
	b.ReportMetric(median(cpus), "x-cpu-"+name)
	b.ReportMetric(median(allocs), "x-bytes-"+name)
	b.ReportMetric(median(secs), "s-"+aName)
	b.ReportMetric(median(mbs), "MB-"+aName)
}

// BenchmarkGenerateScaleRatio states issue 19's scaling target as a ratio
// of one run: generation of SyntheticSpec(2000) over SyntheticSpec(200),
// time and allocated bytes (target: time at most 10×), with ops=2000's own
// seconds (target < 1 s on two cores) and megabytes (target < 300 MB).
func BenchmarkGenerateScaleRatio(b *testing.B) {
	ctx := context.Background()
	big, small := SyntheticSpec(2000), SyntheticSpec(200)
	run := func(data []byte) func() error {
		return func() error {
			_, err := gen.Generate(ctx, gen.Input{SpecName: "synthetic.yaml", Spec: data})
			return err
		}
	}
	ratioRun(b, "2000/200", "ops2000", run(big), run(small))
}

// BenchmarkGenerateOapiRatio is pegasus-gen over oapi-codegen on the
// bundled spec in one run, time and allocated bytes (target: time at most
// 0.25×), with pegasus-gen's own seconds and megabytes.
func BenchmarkGenerateOapiRatio(b *testing.B) {
	ctx := context.Background()
	ratioRun(b, "pegasus/oapi", "pegasus", func() error {
		_, err := gen.Generate(ctx, gen.Input{SpecName: spec.Name, Spec: spec.Bundled})
		return err
	}, func() error {
		_, err := oapigen.Generate(spec.Bundled, "oapi")
		return err
	})
}

// BenchmarkGenerateBinaryRSS is the pegasus-gen binary (built with the
// go command's usual cache) generating from SyntheticSpec(2000) into a
// temporary directory; it reports the process's peak resident set size
// (target < 200 MB) and its user+system CPU seconds, as run and under a
// soft memory limit.
func BenchmarkGenerateBinaryRSS(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "pegasus-gen")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/pegasus-gen").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	specFile := filepath.Join(dir, "synthetic.yaml")
	if err := os.WriteFile(specFile, SyntheticSpec(2000), 0o644); err != nil {
		b.Fatal(err)
	}
	// As run, and with Go's soft memory limit, which trades CPU for a
	// heap kept near the limit: what a user short of memory can set.
	for _, limit := range []string{"off", "150MiB"} {
		b.Run("GOMEMLIMIT="+limit, func(b *testing.B) {
			var rss, cpu []float64
			for b.Loop() {
				cmd := exec.Command(bin, "-spec", specFile, "-out", filepath.Join(dir, "out"))
				cmd.Env = append(os.Environ(), "GOMEMLIMIT="+limit)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("pegasus-gen: %v\n%s", err, out)
				}
				ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
				rss = append(rss, float64(ru.Maxrss)/1024) // KiB on Linux
				cpu = append(cpu, (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds())
			}
			b.ReportMetric(median(rss), "MiB-peak-RSS")
			b.ReportMetric(median(cpu), "s-cpu")
		})
	}
}

// BenchmarkColdBuildRatio is what a cold go generate in a module made by
// pegasus-gen init spends compiling the generator: go build of
// cmd/pegasus-gen over go build of oapi-codegen's command (the version in
// go.mod), each with an empty build cache of its own (the module cache is
// kept: downloads are not compiling), in turns. It takes minutes, so it
// runs only with PEGASUS_BENCH_COLD=1 (make bench-cold). Read x-cpu and
// x-time; the bytes are the benchmark's own, not the builds'.
func BenchmarkColdBuildRatio(b *testing.B) {
	if os.Getenv("PEGASUS_BENCH_COLD") == "" {
		b.Skip("set PEGASUS_BENCH_COLD=1 (make bench-cold): each build compiles everything from scratch")
	}
	build := func(pkg string) func() error {
		return func() error {
			cache, err := os.MkdirTemp("", "gocache")
			if err != nil {
				return err
			}
			defer os.RemoveAll(cache)
			cmd := exec.Command("go", "build", "-o", filepath.Join(cache, "bin"), pkg)
			cmd.Env = append(os.Environ(), "GOCACHE="+cache)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Logf("%s", out)
				return err
			}
			return nil
		}
	}
	ratioRun(b, "pegasus/oapi", "pegasus", build("../cmd/pegasus-gen"), build("github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"))
}
