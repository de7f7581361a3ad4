package emit

import (
	"bytes"
	_ "embed"
)

// runtimeFile is the runtime bundled as one file of package pkg, under
// the generated-code line header.
func runtimeFile(pkg, header string) ([]byte, error) {
	return bundledFile(pkg, header, runtimeBody), nil
}

// conformRuntimeFile is the conformance engine bundled as one file of
// package pkg.
func conformRuntimeFile(pkg, header string) ([]byte, error) {
	return bundledFile(pkg, header, conformBody), nil
}

// bundledFile is a bundle's body under a package clause of pkg.
func bundledFile(pkg, header string, body []byte) []byte {
	out := bytes.NewBuffer(make([]byte, 0, len(header)+len(pkg)+len(body)+16))
	out.WriteString("// ")
	out.WriteString(header)
	out.WriteString("\n\npackage ")
	out.WriteString(pkg)
	out.WriteString("\n\n")
	out.Write(body)
	return out.Bytes()
}

// runtimeBody and conformBody are everything of their bundle after the
// package clause: gen/runtime and gen/conformrt as one formatted file
// each, made when those packages change (go test ./gen/emit -run
// TestBundles -update; the test fails while they are stale) rather than
// on every run, where parsing and printing them was most of the work of a
// generation from the bundled spec.
//
//go:generate go test -run TestBundles -update
var (
	//go:embed bundled/runtime.go.txt
	runtimeBody []byte
	//go:embed bundled/conformrt.go.txt
	conformBody []byte
)
