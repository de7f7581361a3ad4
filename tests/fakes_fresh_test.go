package tests

//go:generate go run ./internal/fakegen/write

import (
	"os"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/tests/internal/fakegen"
)

// TestFakesFresh: the fake handlers (fakes_gen_test.go) are what the spec
// makes of them today, so an operation added to the spec is faked by
// make generate rather than by hand.
func TestFakesFresh(t *testing.T) {
	want, err := fakegen.Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(fakegen.File)
	if err != nil {
		t.Fatal(err)
	}
	if err := fakegen.Check(got, want); err != nil {
		t.Fatal(err)
	}
}
