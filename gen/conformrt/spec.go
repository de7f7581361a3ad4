package conformrt

// cfAPI is one role of the spec as the engine reads it: the generated
// tables are a literal of this type.
type cfAPI struct {
	Role      string
	Title     string
	Features  []cfFeature
	Help      []cfHelp
	Guards    []cfGuard
	Types     []*cfSchema // named types; cfSchema.Ref indexes them from 1
	Ops       []*cfOp
	Primary   *cfPrimary
	Vars      []cfVar
	Scenarios []*cfScenario
}

// cfFeature is an optional set of operations and whether servers have it
// unless told otherwise.
type cfFeature struct {
	Name    string
	Default bool
}

// cfHelp is one line of GET /.
type cfHelp struct {
	Path    string
	Text    string
	Feature string
}

// cfGuard is a run-time condition: when it does not hold the server answers
// Status and Body before looking at the request.
type cfGuard struct {
	Name   string
	Status int
	Body   string
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
	Name          string // the Go name, GetMetaApp
	Method        string
	Path          string
	Feature       string
	HelpIndex     bool // the built-in GET /
	Methods       int
	MethodError   string
	JSONErrors    bool
	Redirect      int
	Guard         string
	RejectUnknown bool
	UnknownBody   string
	Params        []*cfParam
	Body          *cfBody
	Responses     []*cfResponse
	Examples      []cfExample
	Mutates       bool
	ConformQuery  string
	SingleFlight  string
}

// cfParam is one query parameter.
type cfParam struct {
	Name          string
	Kind          int
	Type          int // a scalar cfKind for value parameters
	Required      bool
	HasMin        bool
	Min           int64
	Missing       *string
	Empty         *string
	Invalid       *string
	IgnoreInvalid bool
	Examples      []string
	Default       *string
}

// cfBody is a request body.
type cfBody struct {
	Schema      *cfSchema // nil for a raw text body
	Invalid     string
	ContentType string
}

// cfResponse is one documented status.
type cfResponse struct {
	Status      int
	Format      int
	ContentType string
	Schema      *cfSchema // JSON bodies
	OrText      bool      // the body may instead be a line of text (Texts, Pattern)
	Texts       []string
	Pattern     string
	Headers     []string
	StatusField string // JSON pointer of a 200-with-error field
}

// cfExample is a request from the spec's x-pegasus-examples.
type cfExample struct {
	Query  string
	Body   string
	Status int
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
	Ref         int
	Name        string
	Kind        int
	Stringified bool // a number or bool sent as a JSON string
	Decimals    int  // with Stringified float64: digits after the point
	Nullable    bool
	Fields      []*cfField
	Extra       *cfSchema // additionalProperties of a struct
	Elem        *cfSchema // map values, slice items, ordered map rows
	KeyField    string    // ordered map: the row field equal to the member name
}

// cfField is one property of a struct.
type cfField struct {
	Name      string
	Schema    *cfSchema
	Required  bool
	Enum      []string
	MinLength int
	HasMin    bool
	Min       int64
	WhenField string // required (non-empty) when WhenField equals WhenValue
	WhenValue string
	Invalid   string
}

// cfPrimary says how the primary server names itself.
type cfPrimary struct {
	Path  string
	Field string
}

// cfVar is a scenario variable and its default.
type cfVar struct {
	Name  string
	Value string
}

// cfScenario is a stateful check.
type cfScenario struct {
	Name        string
	Description string
	Steps       []*cfStep
	Restore     []*cfStep
}

// cfStep is one request of a scenario.
type cfStep struct {
	Op      string // the operation's Go name
	Query   string
	Body    string
	Status  int
	Expect  [][2]string
	Differs [][2]string
	Present []string
	Save    []cfSave
}

// cfSave stores a field of an answer into a variable.
type cfSave struct {
	Var        string
	Field      string
	Default    string
	HasDefault bool
}

// cfStr is a pointer to s, for the optional texts of the tables.
func cfStr(s string) *string { return &s }
