// Package bench holds the speed and memory benchmarks of pegasus-gen
// (`make bench`, i.e. go test -run '^$' -bench . -benchmem ./bench/...):
//
//   - BenchmarkGeneratePegasusSpec and BenchmarkOapiCodegenPegasusSpec time
//     a whole generation from spec/pegasus.yaml, loading included, by
//     pegasus-gen and by oapi-codegen v2 (models, std-http server, client).
//   - BenchmarkGenerateSynthetic times pegasus-gen on SyntheticSpec with 200
//     and 2,000 operations, to show how generation scales.
//   - BenchmarkGenerateScaleRatio, BenchmarkGenerateOapiRatio and
//     BenchmarkGenerateBinaryRSS state the generation targets directly:
//     ops=2000 over ops=200 and pegasus-gen over oapi-codegen (time and
//     allocated bytes, the two sides taking turns, ABBA, medians of the
//     per-turn ratios), and the pegasus-gen binary's peak RSS on 2,000
//     operations. BenchmarkColdBuildRatio (make bench-cold) compiles
//     pegasus-gen and oapi-codegen from empty build caches, in turns.
//   - BenchmarkRequest times one request through the generated MetaServer
//     (meta.NewServer with MetaHandler), through Handwritten, the same three
//     operations written by hand with net/http, and through the oapi-codegen
//     std-http server of bench/oapi with OapiServer.
//   - BenchmarkRequestRatio states the per-request targets directly: the
//     same requests, the servers taking turns (ABBA) on this shared
//     machine, reported as x-handwritten (≤ 1.10) and x-oapi (≤ 0.50).
//
// The non-test files are the inputs of those benchmarks; the tests next to
// them check that the inputs are what the benchmarks claim (the synthetic
// spec generates cleanly, the hand-written handler answers byte for byte
// like the generated server, bench/oapi is up to date).
package bench
