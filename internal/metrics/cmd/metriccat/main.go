// Command metriccat checks internal/metrics/catalog.tsv against an Apache
// Pegasus checkout, or rewrites it from one:
//
//	go run ./internal/metrics/cmd/metriccat -src ../incubator-pegasus          # check
//	go run ./internal/metrics/cmd/metriccat -src ../incubator-pegasus -write   # regenerate
//
// -src is a source tree (for a bare git directory, extract one first:
// git --git-dir=DIR archive HEAD src | tar -x -C /tmp/pegasus). Checking
// prints one line per difference and exits 1 when there is any; -write
// keeps each row's onebox columns (roles, sim) and leaves them empty for
// new pairs, which the loader then refuses until they are filled in.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pegasus-kv/pegasus-gen/internal/metrics/catalogtool"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("metriccat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("src", "", "Apache Pegasus source tree (the directory holding src/)")
	tsv := fs.String("catalog", "internal/metrics/catalog.tsv", "the catalogue file")
	write := fs.Bool("write", false, "rewrite the catalogue from the tree instead of checking it")
	rev := fs.String("rev", "", "upstream revision, recorded in the header by -write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *src == "" {
		fmt.Fprintln(stderr, "metriccat: -src is required (an Apache Pegasus source tree)")
		return 2
	}
	up, err := catalogtool.ReadTree(*src)
	if err != nil {
		fmt.Fprintln(stderr, "metriccat:", err)
		return 1
	}
	var rows []catalogtool.Row
	if data, err := os.ReadFile(*tsv); err == nil {
		if rows, err = catalogtool.ParseTSV(*tsv, string(data)); err != nil {
			fmt.Fprintln(stderr, "metriccat:", err)
			return 1
		}
	} else if !*write {
		fmt.Fprintln(stderr, "metriccat:", err)
		return 1
	}
	if *write {
		merged := catalogtool.Merge(rows, up)
		if err := os.WriteFile(*tsv, []byte(catalogtool.FormatTSV(catalogtool.Header(*rev), merged)), 0o644); err != nil {
			fmt.Fprintln(stderr, "metriccat:", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %d metrics of %d entity types\n", *tsv, len(merged), len(up.Entities))
		return 0
	}
	diffs := catalogtool.Check(*tsv, rows, up)
	for _, d := range diffs {
		fmt.Fprintln(stderr, d)
	}
	if len(diffs) > 0 {
		return 1
	}
	fmt.Fprintf(stdout, "%s: %d metrics agree with %s\n", *tsv, len(rows), *src)
	return 0
}
