// Package conformrt is the engine of the generated conformance suites.
// pegasus-gen copies its source into every generated <role>conform package,
// next to the tables it generates from the spec, so that a server repo can
// run the suite with nothing but the standard library. That is why its
// unexported names start with "cf", and why its exported names (Target,
// Report, Result…) are the API of every generated suite.
//
// The engine knows the wire conventions every operation shares (the
// transport's 400 and 404 texts, the redirect, the four JSON formats); all
// that is particular to an operation comes from the generated tables, so
// there is no hand-written case for any endpoint.
package conformrt

import "embed"

// Source holds this package's own Go files for the generator. The
// generator skips this file, export.go and the tests.
//
//go:embed *.go
var Source embed.FS
