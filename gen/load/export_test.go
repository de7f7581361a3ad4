package load

import (
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// Exported for the external tests, which build large specs with the
// benchmark's generator (package bench imports this one).
var (
	ParseSplit = parseSplit
	ParseWhole = parseWhole
	DecodeDoc  = func(root *yaml.Node) (*openapi3.T, error) { return decodeDoc(root, false) }
	Prepare    = prepare
)
