package conformrt

import "encoding/json"

// This file is not copied into generated packages: it exports the table
// types to the generator, which fills them from the IR and writes them as
// JSON next to the bundled engine.

// The tables, as the generator builds them.
type (
	API       = cfAPI
	Feature   = cfFeature
	Help      = cfHelp
	Guard     = cfGuard
	Op        = cfOp
	Param     = cfParam
	Body      = cfBody
	Response  = cfResponse
	Example   = cfExample
	Schema    = cfSchema
	Field     = cfField
	Primary   = cfPrimary
	Var       = cfVar
	Scenario  = cfScenario
	Step      = cfStep
	Save      = cfSave
	Rule      = cfRule
	Agreement = cfAgreement
)

// Load decodes tables written by the generator, for its tests.
// Every rule's check holds.
func Load(data []byte) *API {
	var peek struct{ Rules []*cfRule }
	_ = json.Unmarshal(data, &peek) // cfLoad reports a bad table
	funcs := make([]cfRuleFunc, len(peek.Rules))
	for i := range funcs {
		funcs[i] = func(*cfEval) bool { return true }
	}
	return cfLoad(data, funcs)
}
