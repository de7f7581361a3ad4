// Code generated from gen/conformrt/export.go by go generate ./gen/emit; DO NOT EDIT.

package cftables

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
