// Package ir is the generator's intermediate representation: a plain, fully
// resolved description of the API in which every Go name is already decided.
//
// The IR deliberately knows nothing about OpenAPI or kin-openapi. The build
// stage turns a spec into an *API; the check stage inspects it; emitters only
// read it. Keeping the OpenAPI model out of here means emitters can be tested
// on hand-built values, and that every naming and ordering decision is made
// once, in the build stage, where determinism is easy to see: all slices here
// are already in their final order.
package ir

// Pos is a place in a spec file, for diagnostics. File is the path as the user
// gave it, never made absolute, so diagnostics and output stay reproducible.
type Pos struct {
	File string
	Line int
	Col  int
}

// API is one whole spec.
type API struct {
	Title       string
	Version     string
	Description string
	Roles       []*Role      // in spec order
	Features    []*Feature   // in spec order
	Guards      []*Guard     // in spec order
	Types       []*Type      // every named type, sorted by GoName
	Operations  []*Operation // sorted by Path (byte order), then Method
	// Conform is what the conformance suite needs beyond the operations:
	// how to find the primary, and the stateful scenarios. Nil when the
	// spec says nothing of it.
	Conform *Conform
	Pos     Pos // where the document starts

	// SpecName is the spec's file as generated output cites it: the name
	// the user gave, or its last element when that climbs out of the
	// current directory or is absolute, so that output does not depend on
	// where it was generated from.
	SpecName string
	// Header is the first line of every generated Go file: Go's
	// generated-code marker, naming the spec, so that a later run knows
	// which files it owns in an output tree other specs may share.
	Header string
}

// Conform is the document-level x-pegasus-conform.
type Conform struct {
	// Primary says how to tell the primary server of a role with
	// redirecting operations, and its address.
	Primary *PrimaryRef
	// Vars are the scenarios' variables with their default values, sorted
	// by name.
	Vars []*Var
	// Scenarios are in spec order.
	Scenarios []*Scenario
}

// PrimaryRef names an operation that only the primary answers itself (a
// backup redirects it) and the body field that holds the primary's address.
type PrimaryRef struct {
	Operation *Operation
	Field     string // a JSON pointer into the 200 body, "/primary_meta_server"
}

// Var is a scenario variable: {name} in a step's query or body.
type Var struct {
	Name  string
	Value string
}

// Scenario is a stateful check: requests in order, each with what its
// answer must show, and the requests that undo it. It runs only when the
// user allows changes (pegasus-conform -mutating).
type Scenario struct {
	Name        string
	Description string
	Roles       []string
	Steps       []*Step
	Restore     []*Step
	Pos         Pos
}

// Step is one request of a scenario.
type Step struct {
	Operation *Operation
	Query     string // may hold {var}
	Body      string // may hold {var}
	Status    int
	// Expect are fields (JSON pointers) and the values they must hold;
	// Differs are fields that must not hold the value; Present are fields
	// that must exist. All sorted by field.
	Expect  []*FieldValue
	Differs []*FieldValue
	Present []string
	// Save stores fields of the answer into variables, sorted by name.
	Save []*Save
	Pos  Pos
}

// FieldValue is a JSON pointer and a string value.
type FieldValue struct {
	Field string
	Value string
}

// Save stores a field into a variable; Default is used when the field is
// absent.
type Save struct {
	Var        string
	Field      string
	Default    string
	HasDefault bool
}

// Role is one kind of server (MetaServer, ReplicaServer); each becomes one
// generated Go package.
type Role struct {
	Name    string
	Package string
	// ConformPackage is the Go package of the role's conformance suite.
	ConformPackage string
	// ConformEnv is the environment variable that names the role's servers
	// for the suite under go test, "PEGASUS_CONFORM_META".
	ConformEnv  string
	Title       string
	DefaultPort int
	// Operations are the role's operations in help-index order: path in
	// byte order (the real server's std::map), then method.
	Operations []*Operation
	// Types are the named types the role's operations reach, sorted by GoName.
	Types []*Type
	// Help are the lines of GET /, one per path (GET and POST of a path
	// share one), in byte order of path.
	Help []*HelpLine
	// Enums are the closed sets of strings the role's answers use, each a
	// Go string type with a constant per value, sorted by GoName.
	Enums []*Enum
}

// Enum is the closed set of strings a field of an answer takes (its
// schema's enum), made a Go type so that callers compare with constants.
type Enum struct {
	GoName string // "MetricType": the owning type's and the field's Go names
	Doc    string
	Values []*EnumValue // in spec order
}

// EnumValue is one value of an Enum and its constant.
type EnumValue struct {
	Value     string
	ConstName string // "MetricTypePercentile"
}

// HelpLine is one line of a role's help index.
type HelpLine struct {
	Path    string // "/meta/app", as the real server lists it
	Help    string
	Feature *Feature // nil when always served
}

// Feature is an optional set of operations, switched per server instance.
type Feature struct {
	Name        string
	GoName      string // suffix of Go names, e.g. "Pprof"
	ConstName   string // the exported constant, e.g. "FeaturePprof"
	Default     bool
	Description string
}

// Guard is a run-time condition the server checks before binding any
// parameter; when it does not hold, the server answers Status with Body.
type Guard struct {
	Name        string
	GoName      string // method name on the generated Guards interface, e.g. "DuplicationEnabled"
	Status      int
	Body        string
	Description string
}

// MethodPolicy says how an operation treats HTTP methods.
type MethodPolicy int

const (
	// AnyMethod: GET and POST both run the operation.
	AnyMethod MethodPolicy = iota
	// GetOnly: other methods get a 400 with Operation.MethodError.
	GetOnly
	// ExactMethod: only Operation.Method runs it; another operation on the
	// same path takes the other method.
	ExactMethod
)

// RedirectPolicy says whether and when a backup server sends the request on
// to the primary.
type RedirectPolicy int

const (
	// NoRedirect: always answered locally.
	NoRedirect RedirectPolicy = iota
	// RedirectFirst: redirect before any check of the arguments.
	RedirectFirst
	// RedirectAfterNames: reject unknown argument names first, then redirect.
	RedirectAfterNames
)

// ErrorFormat says how the server writes its own error messages for an
// operation (parameter, method and unknown-argument errors).
type ErrorFormat int

const (
	// ErrorText writes the message as the whole plain body.
	ErrorText ErrorFormat = iota
	// ErrorJSON writes {"error_message": msg} in the pretty4 format.
	ErrorJSON
)

// Builtin names an operation the generated server answers by itself.
type Builtin string

const (
	// NoBuiltin: a handler method answers.
	NoBuiltin Builtin = ""
	// BuiltinHelpIndex: GET / lists the served operations and their help.
	BuiltinHelpIndex Builtin = "help-index"
)

// Operation is one (path, method) the servers answer.
type Operation struct {
	ID          string // operationId as written
	GoName      string // UpperCamel, e.g. "GetMetaApp"
	Method      string // "GET" or "POST": the method clients use
	Path        string // "/meta/app"
	Key         string // registry key, the normalized path: "meta/app", "" for root
	Roles       []string
	Feature     *Feature // nil when always served
	Builtin     Builtin
	Help        string
	Summary     string
	Description string
	Tags        []string

	Methods     MethodPolicy
	MethodError string // with GetOnly
	ErrorFormat ErrorFormat
	Redirect    RedirectPolicy
	Guard       *Guard
	// RejectUnknown rejects arguments that are not parameters with a 400
	// whose body is UnknownBody, after replacing {name} and {value}.
	RejectUnknown bool
	UnknownBody   string

	Params []*Param // in the order written: the order of binding and of errors
	// RawArgs gives the handler the decoded arguments as sent (Args), for
	// answers that echo them; free-form parameters imply it.
	RawArgs   bool
	Body      *RequestBody
	Responses []*Response // sorted by status

	RequestGoName  string // "GetMetaAppRequest"
	ResponseGoName string // interface of the handler's answers, "GetMetaAppResponse"
	HandlerMethod  string // method name on the Handler interface and the Client

	Examples []*RequestExample
	// Mutates marks operations that change the server's state: the
	// conformance suite sends them a request that should succeed only when
	// allowed to (-mutating).
	Mutates bool
	// ConformQuery are arguments every request the conformance suite
	// builds for the operation carries, unless the request is about that
	// parameter ("seconds=0" keeps profiling requests short).
	ConformQuery string
	// SingleFlight names a group of operations that the server runs one at
	// a time (the pprof profilers): the suite never sends them concurrently.
	SingleFlight string
	// NodeLocal marks operations answered for the node asked (/metrics,
	// /config, /replica/*…): a client never fails over or follows a
	// redirect with them, and calls them on one named node or fans out.
	NodeLocal bool
	// MembersField is the JSON name of a 200 body field that lists the
	// role's servers as host:port joined by ',' (/meta/cluster's
	// meta_servers), or "": a client may trust the servers it names.
	MembersField string
	Pos          Pos
}

// ParamKind is how a query parameter is written on the wire.
type ParamKind int

const (
	// ValueParam is k=v with a typed value.
	ValueParam ParamKind = iota
	// FlagParam is a presence flag: ?k, ?k= and ?k=false all mean true.
	FlagParam
	// ListParam is a comma list.
	ListParam
	// PairsParam is a comma list of name,value pairs.
	PairsParam
	// FreeFormParam takes every query argument as one map.
	FreeFormParam
)

// String is the kind's name in the spec.
func (k ParamKind) String() string {
	return [...]string{"value", "flag", "list", "pairs", "free-form"}[k]
}

// Param is one query parameter.
type Param struct {
	Name     string
	GoName   string
	Kind     ParamKind
	Type     *TypeRef // scalar for ValueParam; Bool for FlagParam; Slice of String otherwise; Map for FreeFormParam
	Required bool
	// Min is the smallest accepted integer, when set.
	Min *int64
	// Default applies when the parameter is absent (or invalid and ignored).
	// DefaultValue is it as a Go value of the parameter's type (int64,
	// uint64, float64, bool or string), decided by the build stage.
	Default      *string
	DefaultValue any
	// Error texts, 400 bodies. Missing: the parameter is absent. Empty:
	// present with an empty value (nil: empty is an ordinary value). Invalid:
	// the value does not parse; "{value}" stands for the raw value.
	Missing       *string
	Empty         *string
	Invalid       *string
	IgnoreInvalid bool
	Description   string
	Examples      []string
	Pos           Pos
}

// Optional reports whether the bound Go field must tell "absent" apart, as a
// pointer (scalars) or a nil slice (lists). A parameter with a default is
// optional too: a client leaves it nil to get the server's default, and the
// server hands its handler the default when the argument is absent.
func (p *Param) Optional() bool {
	return !p.Required && p.Kind == ValueParam
}

// RequestBody is what a POST operation reads.
type RequestBody struct {
	// Type is a named struct decoded with Pegasus' json_helper rules, or a
	// Bytes TypeRef for a raw text body.
	Type        *TypeRef
	Required    bool
	Invalid     string // 400 body when decoding fails
	ContentType string // the media type clients send
	Description string
	Pos         Pos
}

// Format is how a body's bytes are made.
type Format int

const (
	// FormatEmpty: no body at all.
	FormatEmpty Format = iota
	// FormatTable: compact JSON, written key order, every scalar a string, "\n" at the end.
	FormatTable
	// FormatSorted: compact JSON, sorted keys, typed values, no newline.
	FormatSorted
	// FormatPretty4: 4-space indented JSON, written key order, no newline.
	FormatPretty4
	// FormatPretty2: 2-space indented JSON, sorted keys, no newline.
	FormatPretty2
	// FormatText: plain text.
	FormatText
	// FormatBinary: opaque bytes.
	FormatBinary
)

// IsJSON reports whether the format is one of the four JSON formats.
func (f Format) IsJSON() bool {
	return f == FormatTable || f == FormatSorted || f == FormatPretty4 || f == FormatPretty2
}

// SortsKeys reports whether object keys are written in byte order.
func (f Format) SortsKeys() bool { return f == FormatSorted || f == FormatPretty2 }

// String is the name used in the spec.
func (f Format) String() string {
	return [...]string{"empty", "table", "sorted", "pretty4", "pretty2", "text", "binary"}[f]
}

// Response is one documented status of an operation.
type Response struct {
	Status int
	// GoName is the handler's answer type for this status, e.g. "GetMetaApp200".
	GoName string
	Format Format
	// Body is the JSON body type (JSON formats), or nil for empty, text and
	// binary bodies, which are bytes.
	Body *TypeRef
	// TextGoName names the second answer type of a status whose body is
	// either JSON or a line of plain text (GET /config), or is "".
	TextGoName string
	// RawGoName names the constructor of an answer whose JSON body the
	// handler encoded itself, for bodies too large to build as Go values
	// first (GET /metrics); "" unless the spec asks for it (x-pegasus-raw).
	RawGoName string
	// StreamGoName names the constructor of a text or binary answer the
	// handler writes as it is sent, given its length first, for answers
	// many times larger than their request (POST /pprof/symbol); "" unless
	// the spec asks for it (x-pegasus-stream).
	StreamGoName string
	// StatusField is set on 200 bodies that report an error inside the JSON.
	StatusField *StatusField
	// ServerOnly marks statuses the generated server produces by itself
	// (307): the handler has no answer type for them.
	ServerOnly bool
	// ContentType is the documented media type of the body, "" when the
	// response has no content.
	ContentType string
	Headers     []string
	Texts       []string // the fixed texts a text body may be, when listed
	Pattern     string   // or the pattern of its texts
	Description string
	Examples    []*Example
	Pos         Pos
}

// StatusField names a JSON field that carries an error code in a 200 body.
type StatusField struct {
	JSONName string
	GoName   string
	OK       string
}

// Example is one named example body, exactly as the wire carries it.
type Example struct {
	Name    string
	Summary string
	Value   string
}

// RequestExample is one request the conformance suite can send.
type RequestExample struct {
	Query  string
	Body   string
	Status int
}

// Kind is the shape of a type.
type Kind int

// The kinds. Scalars come first, in the order the docs emitter names them.
const (
	String     Kind = iota // string
	Int32                  // int32
	Int64                  // int64
	Uint32                 // uint32
	Uint64                 // uint64
	Float64                // float64
	Bool                   // bool
	Bytes                  // []byte: text and binary bodies
	Struct                 // named struct
	OrderedMap             // named: JSON object whose order matters; Go slice of rows
	Map                    // map[string]Elem
	Slice                  // []Elem
	Any                    // json.RawMessage: a value of several shapes
	Number                 // float64: an integer or a double, as the server chose
)

// Wire says how a scalar travels.
type Wire int

const (
	// Native: a JSON number, bool or string as its type says.
	Native Wire = iota
	// Stringified: a number or bool sent as a JSON string.
	Stringified
)

// TypeRef is a use of a type.
type TypeRef struct {
	Kind     Kind
	Named    *Type    // Struct and OrderedMap
	Elem     *TypeRef // Map and Slice
	Wire     Wire
	Decimals int // Stringified Float64: digits after the point
	Nullable bool
	// Enum is the Go type of a String of an answer with a closed set of
	// values, or nil.
	Enum *Enum
	// ZeroText is a JSON string the server sends instead of an integer,
	// meaning "none" (a /metrics port of "unknown"): the Go value is then
	// zero, and zero is written as this text. "" when there is none.
	ZeroText string
}

// Type is a named type from components/schemas.
type Type struct {
	Name   string // schema name
	GoName string
	Doc    string
	Kind   Kind // Struct or OrderedMap
	// Fields of a Struct in the order they are written on the wire: as
	// written in the spec, or sorted by JSON name for formats that sort.
	Fields []*Field
	// Extra is the value type of additionalProperties of a Struct that has
	// both properties and additionalProperties; ExtraGoName is its field.
	Extra       *TypeRef
	ExtraGoName string
	// Row and KeyField describe an OrderedMap: each row is a Row struct and
	// its key is the value of KeyField.
	Row      *Type
	KeyField *Field
	// Elem is the value type of a named Map.
	Elem *TypeRef
	// Format is the body format the type is written in; FormatEmpty when it
	// is only ever read (request bodies).
	Format   Format
	Nullable bool
	// Input marks request body types.
	Input bool
	Pos   Pos
}

// Field is one property of a struct.
type Field struct {
	JSONName string
	GoName   string
	Type     *TypeRef
	Required bool
	Doc      string
	// Validation of request bodies, checked in field order; Invalid is the
	// 400 body when any rule fails.
	Enum         []string
	MinLength    int
	Min          *int64
	RequiredWhen *Condition
	Invalid      string
	Pos          Pos
}

// Pointer reports whether the Go field f of t is a pointer: optional
// scalars and structs of output types, so that absent and zero differ.
// Request bodies are decoded the way the real server decodes them, into plain
// values that stay zero when absent, so their fields are never pointers.
func (t *Type) Pointer(f *Field) bool {
	if f.Required || t.Input {
		return false
	}
	switch f.Type.Kind {
	case String, Int32, Int64, Uint32, Uint64, Float64, Bool, Struct, Number:
		return true
	}
	return false
}

// Condition is "property Field equals Value".
type Condition struct {
	Field *Field
	Value string
}
