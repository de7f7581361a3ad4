// Command write writes tests/fakes_gen_test.go in the current directory
// (tests/, when go generate runs it).
package main

import (
	"fmt"
	"os"

	"github.com/pegasus-kv/pegasus-gen/tests/internal/fakegen"
)

func main() {
	src, err := fakegen.Source()
	if err == nil {
		err = os.WriteFile(fakegen.File, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakegen:", err)
		os.Exit(1)
	}
}
