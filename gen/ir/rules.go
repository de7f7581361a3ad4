package ir

// Rule is one invariant the spec states in CEL (x-pegasus-rules on a
// schema, rules in an operation's x-pegasus, x-pegasus-agreements), parsed,
// type-checked and translated by the irbuild stage, so that the conformance
// emitter renders Expr as Go without reading CEL.
type Rule struct {
	// Name is the agreement's name, or "" for schema and operation rules.
	Name    string
	Source  string // the CEL text as written
	Message string // what a failure says
	Cite    string // where upstream guarantees it
	// Where names what the rule is about in reports: "schema MetaApps",
	// "GET /meta/apps", "agreement primary_is_a_meta_server".
	Where string
	Expr  *Expr
	// Reads are the operations an agreement reads (each a variable named
	// by its operationId); nil for schema and operation rules.
	Reads []*Operation
	Pos   Pos
}

// ValType is the Go type an expression of a rule has in the emitted check:
// the CEL type, as the checker decided it, mapped to a Go type.
type ValType int

// The value types, with the Go type of each.
const (
	ValDyn    ValType = iota // any: a JSON value of a type not known statically
	ValBool                  // bool
	ValInt                   // int64
	ValDouble                // float64
	ValString                // string
	ValList                  // []any
	ValMap                   // map[string]any: JSON objects and maps alike
)

// ExprOp is the kind of an expression node.
type ExprOp int

// The expression nodes. Each is rendered as one Go expression of its
// node's Type.
const (
	// ExprLit is a literal: Lit holds a bool, int64, float64 or string.
	ExprLit ExprOp = iota
	// ExprEnv is a field of the evaluation: Name is "Self", "Args", "Node"
	// or "Role", rendered e.Name.
	ExprEnv
	// ExprLocal is a comprehension's variable: Name is its Go name.
	ExprLocal
	// ExprCall calls the helper Func of the bundled engine with the
	// evaluation first and Args after: Func(e, args...).
	ExprCall
	// ExprBinary is Args[0] Operator Args[1], a Go operator on values of
	// one Go type (==, !=, <, <=, >, >=, + of strings, arithmetic on
	// doubles).
	ExprBinary
	// ExprNot is !Args[0].
	ExprNot
	// ExprCond is Args[0] ? Args[1] : Args[2], rendered as a call of a
	// function literal.
	ExprCond
	// ExprList is a list literal of Args, each boxed as any: []any{...}.
	ExprList
	// ExprMap is a map literal: Args are keys (strings) and values in turn.
	ExprMap
	// ExprLambda is the body of a comprehension: func(Name any) Type
	// { return Args[0] }, where Type is the body's.
	ExprLambda
	// ExprThunk is an operand evaluated when the helper chooses (CEL's &&
	// and ||): func() Type { return Args[0] }.
	ExprThunk
)

// Expr is one node of a translated rule.
type Expr struct {
	Op       ExprOp
	Type     ValType
	Func     string // ExprCall: the helper's name
	Operator string // ExprBinary: the Go operator
	Name     string // ExprEnv, ExprLocal, ExprLambda
	Lit      any    // ExprLit
	Args     []*Expr
}
