#!/usr/bin/env bash
# floor.sh: where generation's CPU time and allocated bytes go, by the
# library that spends them, on the bundled spec and on 2,000 operations
# (make bench-floor). Issue 19's targets are judged against this: what the
# libraries the generator is built on (kin-openapi and its YAML decoder,
# jennifer, go/format's parser and printer, cel-go) spend is a floor no
# change to our own code lowers. A sample counts for a library when any
# frame of its stack is in it; "all four" is the union, so nothing is
# counted twice. fastfmt, our own memoizing gofmt, is shown apart: only
# its calls into go/format count for the library.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
out=bin/floor
mkdir -p "$out"
$GO test -c -o "$out/bench.test" ./bench

# name|focus regexp of the library's frames
libs=(
	'YAML + kin-openapi|go\.yaml\.in|getkin/kin-openapi'
	'jennifer|dave/jennifer'
	'go/format|^go/(format|printer|parser)\.'
	'cel-go|cel\.dev/cel-go|antlr4-go'
)
all=$(for lib in "${libs[@]}"; do printf '|%s' "${lib#*|}"; done)
libs+=("all four$all" '(ours: fastfmt)|gen/emit/fastfmt')

# share prints the percentage of a profile's samples under focus. Every
# node is kept (-nodefraction=0): pprof's "accounting for" line sums only
# the nodes it shows.
share() { # profile sample_index focus
	local top
	top=$("$GO" tool pprof -sample_index="$2" -nodefraction=0 -nodecount=0 -top -focus "$3" "$out/bench.test" "$1" \
		2> >(grep -v 'matched no samples' >&2))
	if grep -q '^Showing nodes accounting for' <<<"$top"; then
		sed -n 's/^Showing nodes accounting for [^,]*, \([0-9.]*\)% of .* total$/\1/p' <<<"$top" | head -1
	else
		echo 0 # no sample matched
	fi
}

echo "share of CPU time and of allocated bytes spent in each library, and those bytes per run"
for run in 'GeneratePegasusSpec$|40x|bundled' 'GenerateSynthetic/ops=2000$|3x|ops2000'; do
	IFS='|' read -r bench times name <<<"$run"
	line=$(cd bench && "../$out/bench.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$times" -test.benchmem \
		-test.cpuprofile "../$out/$name.cpu" -test.memprofile "../$out/$name.mem" -test.memprofilerate 65536 | grep '^Benchmark')
	echo "$line"
	bytes=$(awk '{for (i = 1; i < NF; i++) if ($(i+1) == "B/op") print $i}' <<<"$line")
	for lib in "${libs[@]}"; do
		label=${lib%%|*} focus=${lib#*|}
		cpu=$(share "$out/$name.cpu" cpu "$focus")
		mem=$(share "$out/$name.mem" alloc_space "$focus")
		awk -v l="$label" -v c="$cpu" -v m="$mem" -v b="$bytes" \
			'BEGIN { printf "  %-18s CPU %5.1f%%   bytes %5.1f%% = %6.1f MB\n", l, c, m, m * b / 100 / 1e6 }'
	done
done
