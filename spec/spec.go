// Package spec holds the OpenAPI description of the Pegasus HTTP admin API,
// the single source of truth for everything pegasus-gen emits. It is
// embedded so that an installed pegasus-gen works anywhere.
package spec

import _ "embed"

// Name is how diagnostics name the bundled spec.
const Name = "spec/pegasus.yaml"

// Bundled is spec/pegasus.yaml.
//
//go:embed pegasus.yaml
var Bundled []byte

// Conventions is spec/CONVENTIONS.md, the rules of the spec's dialect,
// which pegasus-gen help conventions prints: diagnostics cite it there,
// since a user's repository has no copy.
//
//go:embed CONVENTIONS.md
var Conventions []byte
