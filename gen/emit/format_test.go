package emit

import (
	"errors"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
)

// TestFormatFailureKeepsSourceOutOfTheMessage: generated Go that does not
// parse is an error naming the file, with the source kept aside, not in
// the message (jennifer's own error holds the whole file).
func TestFormatFailureKeepsSourceOutOfTheMessage(t *testing.T) {
	f := jen.NewFile("p")
	f.Func().Id("func").Params().Block(jen.Return(jen.Lit("a secret line of the body")))
	_, err := renderGo("p/x_gen.go", f)
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *FormatError", err)
	}
	if fe.Path != "p/x_gen.go" || !strings.Contains(string(fe.Source), "a secret line of the body") {
		t.Errorf("path %q, source %q", fe.Path, fe.Source)
	}
	if msg := err.Error(); strings.Contains(msg, "secret") || strings.Contains(msg, "\n") || !strings.Contains(msg, "p/x_gen.go") {
		t.Errorf("message: %s", msg)
	}
}
