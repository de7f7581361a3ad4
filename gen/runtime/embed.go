// Package pegasusrt is the runtime that pegasus-gen copies into every
// generated package. Generated code may depend on the standard library only,
// so instead of being imported this package's source is merged into each
// generated package; that is why every top-level name starts with "rt" and
// is unexported. It reproduces the byte-level behaviour of the C++ Pegasus
// HTTP server (see wire-behaviour.md): request parsing, value parsing,
// response framing and its four JSON encoders.
package pegasusrt

import "embed"

// Source holds this package's own Go files so the generator can copy them
// without knowing where the module lives on disk. The generator skips this
// file and the tests, which must not end up in generated code.
//
//go:embed *.go
var Source embed.FS
