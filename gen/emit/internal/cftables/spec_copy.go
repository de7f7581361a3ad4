// Code generated from gen/conformrt/spec.go by go generate ./gen/emit; DO NOT EDIT.

package cftables

import "encoding/json"

// cfAPI is one role of the spec as the engine reads it; the generator
// writes it as JSON (conform_spec.json) and cfLoad reads it back.
type cfAPI struct {
	Role      string        `json:",omitempty"`
	Title     string        `json:",omitempty"`
	Features  []cfFeature   `json:",omitempty"`
	Help      []cfHelp      `json:",omitempty"`
	Guards    []cfGuard     `json:",omitempty"`
	Types     []*cfSchema   `json:",omitempty"` // named types; cfSchema.Ref indexes them from 1
	Ops       []*cfOp       `json:",omitempty"`
	Primary   *cfPrimary    `json:",omitempty"`
	Vars      []cfVar       `json:",omitempty"`
	Scenarios []*cfScenario `json:",omitempty"`
}

// cfFeature is an optional set of operations and whether servers have it
// unless told otherwise.
type cfFeature struct {
	Name    string `json:",omitempty"`
	Default bool   `json:",omitempty"`
}

// cfHelp is one line of GET /.
type cfHelp struct {
	Path    string `json:",omitempty"`
	Text    string `json:",omitempty"`
	Feature string `json:",omitempty"`
}

// cfGuard is a run-time condition: when it does not hold the server answers
// Status and Body before looking at the request.
type cfGuard struct {
	Name   string `json:",omitempty"`
	Status int    `json:",omitempty"`
	Body   string `json:",omitempty"`
}

// Method policies, redirect policies, parameter kinds and formats, as in
// the generator's IR.
const (
	cfAnyMethod = iota
	cfGetOnly
	cfExactMethod
)

const (
	cfNoRedirect = iota
	cfRedirectFirst
	cfRedirectAfterNames
)

const (
	cfValueParam = iota
	cfFlagParam
	cfListParam
	cfPairsParam
	cfFreeFormParam
)

const (
	cfFormatEmpty = iota
	cfFormatTable
	cfFormatSorted
	cfFormatPretty4
	cfFormatPretty2
	cfFormatText
	cfFormatBinary
)

// cfCompact renders compact JSON in the written order without a newline:
// how the suite writes the bodies it sends.
const cfCompact = cfFormatEmpty

// cfOp is one operation.
type cfOp struct {
	Name          string        `json:",omitempty"` // the Go name, GetMetaApp
	Method        string        `json:",omitempty"`
	Path          string        `json:",omitempty"`
	Feature       string        `json:",omitempty"`
	HelpIndex     bool          `json:",omitempty"` // the built-in GET /
	Methods       int           `json:",omitempty"`
	MethodError   string        `json:",omitempty"`
	JSONErrors    bool          `json:",omitempty"`
	Redirect      int           `json:",omitempty"`
	Guard         string        `json:",omitempty"`
	RejectUnknown bool          `json:",omitempty"`
	UnknownBody   string        `json:",omitempty"`
	Params        []*cfParam    `json:",omitempty"`
	Body          *cfBody       `json:",omitempty"`
	Responses     []*cfResponse `json:",omitempty"`
	Examples      []cfExample   `json:",omitempty"`
	Mutates       bool          `json:",omitempty"`
	ConformQuery  string        `json:",omitempty"`
	SingleFlight  string        `json:",omitempty"`
}

// cfParam is one query parameter.
type cfParam struct {
	Name          string   `json:",omitempty"`
	Kind          int      `json:",omitempty"`
	Type          int      `json:",omitempty"` // a scalar cfKind for value parameters
	Required      bool     `json:",omitempty"`
	HasMin        bool     `json:",omitempty"`
	Min           int64    `json:",omitempty"`
	Missing       *string  `json:",omitempty"`
	Empty         *string  `json:",omitempty"`
	Invalid       *string  `json:",omitempty"`
	IgnoreInvalid bool     `json:",omitempty"`
	Examples      []string `json:",omitempty"`
	Default       *string  `json:",omitempty"`
}

// cfBody is a request body.
type cfBody struct {
	Schema      *cfSchema `json:",omitempty"` // nil for a raw text body
	Invalid     string    `json:",omitempty"`
	ContentType string    `json:",omitempty"`
}

// cfResponse is one documented status.
type cfResponse struct {
	Status      int       `json:",omitempty"`
	Format      int       `json:",omitempty"`
	ContentType string    `json:",omitempty"`
	Schema      *cfSchema `json:",omitempty"` // JSON bodies
	OrText      bool      `json:",omitempty"` // the body may instead be a line of text (Texts, Pattern)
	Texts       []string  `json:",omitempty"`
	Pattern     string    `json:",omitempty"`
	Headers     []string  `json:",omitempty"`
}

// cfExample is a request from the spec's x-pegasus-examples.
type cfExample struct {
	Query  string `json:",omitempty"`
	Body   string `json:",omitempty"`
	Status int    `json:",omitempty"`
}

// Kinds of schema, as in the generator's IR.
const (
	cfString = iota
	cfInt32
	cfInt64
	cfUint32
	cfUint64
	cfFloat64
	cfBool
	cfBytes
	cfStruct
	cfOrderedMap
	cfMap
	cfSlice
	cfAny
	cfNumber
)

// cfSchema is a type a JSON value must have. Ref, when not 0, stands for
// the named type cfAPI.Types[Ref-1] and the other fields are unused.
type cfSchema struct {
	Ref         int        `json:",omitempty"`
	Name        string     `json:",omitempty"`
	Kind        int        `json:",omitempty"`
	Stringified bool       `json:",omitempty"` // a number or bool sent as a JSON string
	Decimals    int        `json:",omitempty"` // with Stringified float64: digits after the point
	Nullable    bool       `json:",omitempty"`
	Fields      []*cfField `json:",omitempty"`
	Extra       *cfSchema  `json:",omitempty"` // additionalProperties of a struct
	Elem        *cfSchema  `json:",omitempty"` // map values, slice items, ordered map rows
	KeyField    string     `json:",omitempty"` // ordered map: the row field equal to the member name
}

// cfField is one property of a struct.
type cfField struct {
	Name      string    `json:",omitempty"`
	Schema    *cfSchema `json:",omitempty"`
	Required  bool      `json:",omitempty"`
	Enum      []string  `json:",omitempty"`
	MinLength int       `json:",omitempty"`
	HasMin    bool      `json:",omitempty"`
	Min       int64     `json:",omitempty"`
	WhenField string    `json:",omitempty"` // required (non-empty) when WhenField equals WhenValue
	WhenValue string    `json:",omitempty"`
	Invalid   string    `json:",omitempty"`
}

// cfPrimary says how the primary server names itself.
type cfPrimary struct {
	Path  string `json:",omitempty"`
	Field string `json:",omitempty"`
}

// cfVar is a scenario variable and its default.
type cfVar struct {
	Name  string `json:",omitempty"`
	Value string `json:",omitempty"`
}

// cfScenario is a stateful check.
type cfScenario struct {
	Name        string    `json:",omitempty"`
	Description string    `json:",omitempty"`
	Steps       []*cfStep `json:",omitempty"`
	Restore     []*cfStep `json:",omitempty"`
}

// cfStep is one request of a scenario.
type cfStep struct {
	Op      string      `json:",omitempty"` // the operation's Go name
	Query   string      `json:",omitempty"`
	Body    string      `json:",omitempty"`
	Status  int         `json:",omitempty"`
	Expect  [][2]string `json:",omitempty"`
	Differs [][2]string `json:",omitempty"`
	Present []string    `json:",omitempty"`
	Save    []cfSave    `json:",omitempty"`
}

// cfSave stores a field of an answer into a variable.
type cfSave struct {
	Var        string `json:",omitempty"`
	Field      string `json:",omitempty"`
	Default    string `json:",omitempty"`
	HasDefault bool   `json:",omitempty"`
}

// cfStr is a pointer to s, for the optional texts of the tables.
func cfStr(s string) *string { return &s }

// cfLoad decodes the tables that pegasus-gen wrote as JSON next to the
// generated code (conform_spec.json): data, not code, so that generating
// a suite for thousands of operations stays as fast as the rest.
func cfLoad(data []byte) *cfAPI {
	var api cfAPI
	if err := json.Unmarshal(data, &api); err != nil {
		panic("conformance tables: " + err.Error())
	}
	return &api
}
