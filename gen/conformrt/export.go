package conformrt

// This file is not copied into generated packages: it exports the table
// types to the generator, which fills them from the IR and writes them as
// JSON next to the bundled engine.

// The tables, as the generator builds them.
type (
	API      = cfAPI
	Feature  = cfFeature
	Help     = cfHelp
	Guard    = cfGuard
	Op       = cfOp
	Param    = cfParam
	Body     = cfBody
	Response = cfResponse
	Example  = cfExample
	Schema   = cfSchema
	Field    = cfField
	Primary  = cfPrimary
	Var      = cfVar
	Scenario = cfScenario
	Step     = cfStep
	Save     = cfSave
)

// Load decodes tables written by the generator, for its tests.
func Load(data []byte) *API { return cfLoad(data) }

// CheckBody checks body as the suite checks a server's answer with the
// documented response resp: its format byte for byte and its schema (the
// table format's strings, required members, row keys). The generator
// judges the spec's example bodies with it.
func CheckBody(api *API, resp *Response, body []byte) []string {
	return (&cfRun{api: api}).validateBody(resp, body)
}

// BodyOutcome is what the server answers the request body body of op
// before its handler runs: the 400 text, and true, when it is refused. The
// generator predicts with it what the spec's request examples are answered.
func BodyOutcome(api *API, op *Op, body string) (string, bool) {
	if op.Body == nil || op.Body.Schema == nil {
		return "", false
	}
	return (&cfRun{api: api}).bodyOutcome(op.Body, body)
}
