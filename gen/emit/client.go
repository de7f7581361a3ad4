package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// clientFile emits a role's typed client: one method per operation, typed
// arguments and results, redirect following and fail-over in the runtime.
func clientFile(api *ir.API, role *ir.Role) partedFile {
	parts := []filePart{func(f *jen.File) {
		clientDecl(f, role)
		errorDecls(f)
		callDecl(f)
	}}
	parts = perOp(parts, role.Operations, clientMethod)
	return partedFile{pkg: role.Package, header: api.Header, parts: parts}
}

// clientDecl emits Client, its options and NewClient.
func clientDecl(f *jen.File, role *ir.Role) {
	f.Comment("Client calls the " + nonEmpty(role.Title, role.Name) + " HTTP API. Given several addresses it sends cluster-wide")
	f.Comment("calls to the one that answered last and moves to the next when one cannot be reached or does not")
	f.Comment("answer within its share of the call (WithAttemptTimeout), avoiding that one for a while; a write")
	f.Comment("that may have reached a node is sent to no other unless it is safe to repeat (ErrOutcomeUnknown).")
	if redirects(role) {
		f.Comment("It follows a backup's 307 to the primary itself, sending a POST body again, but only to servers")
		f.Comment("it trusts.")
	}
	f.Comment("Node-local calls go to one named node (Node, FanOut). It is safe for concurrent use.")
	f.Type().Id("Client").Struct(jen.Id("rt").Op("*").Id("rtClient"))
	clientOptions(f, role)
	setup := []jen.Code{
		jen.List(jen.Id("rt"), jen.Err()).Op(":=").Id("rtNewClient").Call(jen.Id("addrs")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
	}
	if op := membersOf(role); op != nil {
		setup = append(setup, jen.Id("rt").Dot("members").Op("=").Op("&").Id("rtMembers").Values(jen.Dict{
			jen.Id("path"): jen.Lit(op.Key), jen.Id("field"): jen.Lit(op.MembersField)}))
	}
	f.Comment("NewClient returns a client of the servers at addrs (\"host:port\" or \"http://host:port\").")
	f.Func().Id("NewClient").Params(jen.Id("addrs").Index().String(), jen.Id("opts").Op("...").Id("ClientOption")).Params(jen.Op("*").Id("Client"), jen.Error()).Block(
		append(setup,
			jen.For(jen.List(jen.Id("_"), jen.Id("o")).Op(":=").Range().Id("opts")).Block(jen.Id("o").Call(jen.Id("rt"))),
			jen.Return(jen.Op("&").Id("Client").Values(jen.Id("rt")), jen.Nil()))...,
	)
	nodeDecls(f)
	answerDecls(f)
}

// redirects reports whether a backup of the role may redirect any of its
// operations.
func redirects(role *ir.Role) bool {
	for _, op := range role.Operations {
		if op.Redirect != ir.NoRedirect {
			return true
		}
	}
	return false
}

// errorDecls emits the typed errors of the client: the answers that are
// not a success (rejected), and the faults after which nothing is known.
func errorDecls(f *jen.File) {
	f.Comment("ErrRejected is matched (errors.Is) by every *ResultError and by every *StatusError but a write's")
	f.Comment("5xx: the server answered and did not do what was asked. A 5xx to a write (a server failing, or a")
	f.Comment("proxy before it) says nothing of whether it ran, and matches ErrOutcomeUnknown instead, except")
	f.Comment("pegasus-gen's stand-in cluster's 503 \"rejected: …\", which says it did not.")
	f.Var().Id("ErrRejected").Op("=").Id("rtErrRejected")
	f.Comment("ErrOutcomeUnknown is matched by the error of a write that was sent to a node that gave no answer")
	f.Comment("(it stopped answering, or the connection broke): the write may or may not have run. It is sent to")
	f.Comment("no other node unless the operation is safe to repeat; the error names the node and the path.")
	f.Comment("pegasus-gen's stand-in cluster on ZooKeeper also says it outright: a 500 \"outcome unknown: …\".")
	f.Var().Id("ErrOutcomeUnknown").Op("=").Id("rtErrOutcomeUnknown")
	f.Comment("ErrNoPrimary is matched when no server knew a reachable primary: a backup MetaServer answered 307")
	f.Comment("to \"invalid host_port\" (the real server's Location while it knows none) or to a primary that does")
	f.Comment("not answer, or (pegasus-gen's stand-in cluster on ZooKeeper) a 503 \"no primary MetaServer: …\". The")
	f.Comment("client asks again after a pause, within the call's budget, before returning it.")
	f.Var().Id("ErrNoPrimary").Op("=").Id("rtErrNoPrimary")
	f.Comment("StatusError is an answer other than the documented success, or a success status whose body is")
	f.Comment("an error text (GET /config for an unknown flag answers 200 with a plain-text error).")
	f.Type().Id("StatusError").Struct(
		jen.Id("Op").String(),
		jen.Comment("Node is the host:port of the server that answered."),
		jen.Id("Node").String(),
		jen.Id("Status").Int(),
		jen.Id("Body").Index().Byte(),
		jen.Comment("Unknown: the answer is a 5xx to a write, whose outcome it does not tell."),
		jen.Id("Unknown").Bool(),
	)
	f.Comment("Error names the operation, the node, the status and the first line of the body.")
	f.Func().Params(jen.Id("e").Op("*").Id("StatusError")).Id("Error").Params().String().Block(
		jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%s: %s: status %d: %s"), jen.Id("e").Dot("Op"), jen.Id("e").Dot("Node"), jen.Id("e").Dot("Status"), jen.Id("rtShortBody").Call(jen.Id("e").Dot("Body")))))
	// func (e *StatusError) Is(target error) bool {
	//	if e.Unknown { return target == ErrOutcomeUnknown }
	//	return target == ErrRejected
	// }
	f.Comment("Is makes errors.Is(err, ErrRejected) true when the server answered that it did not do it, and")
	f.Comment("errors.Is(err, ErrOutcomeUnknown) when its answer does not tell.")
	f.Func().Params(jen.Id("e").Op("*").Id("StatusError")).Id("Is").Params(jen.Id("target").Error()).Bool().Block(
		jen.If(jen.Id("e").Dot("Unknown")).Block(jen.Return(jen.Id("target").Op("==").Id("ErrOutcomeUnknown"))),
		jen.Return(jen.Id("target").Op("==").Id("ErrRejected")))
	f.Comment("ResultError is a 200 answer whose JSON reports a failure in a field (update_status, error).")
	f.Comment("The call also returns the decoded body, for its hint.")
	f.Type().Id("ResultError").Struct(
		jen.Id("Op").String(),
		jen.Id("Field").String(),
		jen.Id("Code").String(),
	)
	f.Comment("Error names the operation, the field and the code the server reported.")
	f.Func().Params(jen.Id("e").Op("*").Id("ResultError")).Id("Error").Params().String().Block(
		jen.Return(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%s: %s: %s"), jen.Id("e").Dot("Op"), jen.Id("e").Dot("Field"), jen.Id("e").Dot("Code"))))
	isRejected(f, "ResultError")
}

// isRejected emits func (e *T) Is(target error) bool { return target == ErrRejected }.
func isRejected(f *jen.File, t string) {
	f.Comment("Is makes errors.Is(err, ErrRejected) true: the server answered.")
	f.Func().Params(jen.Id("e").Op("*").Id(t)).Id("Is").Params(jen.Id("target").Error()).Bool().Block(
		jen.Return(jen.Id("target").Op("==").Id("ErrRejected")))
}

// callDecl emits the step every client method shares, and the decoding
// of a 200's body that methods with a text or null alternative call after
// their own checks:
//
//	func (c *Client) call(ctx context.Context, op string, spec rtOp, q *rtQuery, payload []byte, out any) (*rtResult, error) {
//		res, err := c.rt.Do(ctx, spec, q, payload)
//		if err != nil { return nil, fmt.Errorf("%s: %w", op, err) }
//		if res.Status != 200 { return nil, &StatusError{Op: op, Status: res.Status, Body: res.Body, Unknown: rtUnknownAnswer(spec, res)} }
//		if out != nil { …json.Unmarshal(res.Body, out)… }
//		return res, nil
//	}
func callDecl(f *jen.File) {
	f.Comment("call sends one request of operation op and returns its 200 answer, with a JSON body decoded")
	f.Comment("into out unless out is nil; any other status is a *StatusError.")
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("call").Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("op").String(), jen.Id("spec").Id("rtOp"),
		jen.Id("q").Op("*").Id("rtQuery"), jen.Id("payload").Index().Byte(), jen.Id("out").Any(),
	).Params(jen.Op("*").Id("rtResult"), jen.Error()).Block(
		jen.List(jen.Id("res"), jen.Err()).Op(":=").Id("c").Dot("rt").Dot("Do").Call(jen.Id("ctx"), jen.Id("spec"), jen.Id("q"), jen.Id("payload")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s: %w"), jen.Id("op"), jen.Err()))),
		jen.If(jen.Id("res").Dot("Status").Op("!=").Lit(200)).Block(jen.Return(jen.Nil(), jen.Op("&").Id("StatusError").Values(jen.Dict{
			jen.Id("Op"): jen.Id("op"), jen.Id("Node"): jen.Id("rtHost").Call(jen.Id("res").Dot("Node")), jen.Id("Status"): jen.Id("res").Dot("Status"), jen.Id("Body"): jen.Id("res").Dot("Body"),
			jen.Id("Unknown"): jen.Id("rtUnknownAnswer").Call(jen.Id("spec"), jen.Id("res")),
		}))),
		jen.If(jen.Id("out").Op("!=").Nil()).Block(
			jen.If(jen.Err().Op(":=").Id("decode200").Call(jen.Id("op"), jen.Id("res").Dot("Body"), jen.Id("out")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Err()))),
		jen.Return(jen.Id("res"), jen.Nil()),
	)
	// func decode200(op string, body []byte, out any) error {
	//	var err error
	//	if d, ok := out.(rtDecodable); ok { err = rtUnmarshal(body, d) } else { err = json.Unmarshal(body, out) }
	//	…
	// }
	f.Comment("decode200 reads a 200's JSON body into out, with the generated decoder of its type when it has one.")
	f.Func().Id("decode200").Params(jen.List(jen.Id("op")).String(), jen.Id("body").Index().Byte(), jen.Id("out").Any()).Error().Block(
		jen.Var().Err().Error(),
		jen.If(jen.List(jen.Id("d"), jen.Id("ok")).Op(":=").Id("out").Assert(jen.Id("rtDecodable")), jen.Id("ok")).Block(
			jen.Err().Op("=").Id("rtUnmarshal").Call(jen.Id("body"), jen.Id("d")),
		).Else().Block(
			jen.Err().Op("=").Qual("encoding/json", "Unmarshal").Call(jen.Id("body"), jen.Id("out"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("%s: decoding the 200 body: %w"), jen.Id("op"), jen.Err()))),
		jen.Return(jen.Nil()),
	)
}

// successOf is the documented 200 of an operation, or nil.
func successOf(op *ir.Operation) *ir.Response {
	for _, r := range op.Responses {
		if r.Status == 200 {
			return r
		}
	}
	return nil
}

// clientResult is the Go type a client method returns besides its error.
func clientResult(r *ir.Response) jen.Code {
	switch {
	case r == nil || r.Format == ir.FormatEmpty:
		return nil
	case r.Format == ir.FormatText || r.Format == ir.FormatBinary || r.Body == nil:
		return jen.Index().Byte()
	case r.Body.Kind == ir.Struct:
		return jen.Op("*").Add(goType(r.Body))
	}
	return goType(r.Body)
}

// clientMethod emits one call; an operation without arguments takes no
// request:
//
//	func (c *Client) GetMetaApp(ctx context.Context, req *GetMetaAppRequest) (*MetaAppInfo, error) {
//		var q rtQuery
//		q.Add("name", req.Name)
//		var out MetaAppInfo
//		if _, err := c.call(ctx, "GetMetaApp", rtOp{Method: "GET", Path: "meta/app", Repeat: true}, &q, nil, &out); err != nil { return nil, err }
//		return &out, nil
//	}
func clientMethod(f *jen.File, op *ir.Operation) {
	ok := successOf(op)
	result := clientResult(ok)
	results := []jen.Code{jen.Error()}
	zero := []jen.Code{}
	if result != nil {
		results = []jen.Code{result, jen.Error()}
		zero = []jen.Code{jen.Nil()}
	}
	ret := func(err jen.Code) jen.Code { return jen.Return(append(append([]jen.Code{}, zero...), err)...) }

	body := []jen.Code{}
	if len(op.Params) > 0 || op.Body != nil {
		// A nil request means every argument at its zero value.
		body = append(body, jen.If(jen.Id("req").Op("==").Nil()).Block(jen.Id("req").Op("=").Op("&").Id(op.RequestGoName).Values()))
	}
	body = append(body, jen.Var().Id("q").Id("rtQuery"))
	for _, p := range op.Params {
		body = append(body, queryArg(p)...)
	}
	var payload jen.Code = jen.Nil()
	if op.Body != nil {
		if op.Body.Type.Kind == ir.Struct {
			body = append(body,
				jen.List(jen.Id("payload"), jen.Err()).Op(":=").Qual("encoding/json", "Marshal").Call(jen.Op("&").Id("req").Dot("Body")),
				jen.If(jen.Err().Op("!=").Nil()).Block(ret(jen.Err())))
			payload = jen.Id("payload")
		} else {
			payload = jen.Id("req").Dot("Body")
		}
	}
	call := func(out jen.Code) *jen.Statement {
		return jen.Id("c").Dot("call").Call(jen.Id("ctx"), jen.Lit(op.HandlerMethod), opSpec(op), jen.Op("&").Id("q"), payload, out)
	}
	body = append(body, decodeResult(op, ok, ret, call)...)
	f.Comment(fmt.Sprintf("%s calls %s %s: %s", op.HandlerMethod, op.Method, op.Path, oneParagraph(op.Help)))
	params := []jen.Code{jen.Id("ctx").Qual("context", "Context")}
	if len(op.Params) > 0 || op.Body != nil {
		params = append(params, jen.Id("req").Op("*").Id(op.RequestGoName))
	}
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(op.HandlerMethod).Params(params...).Params(results...).Block(body...)
}

// opSpec is what the runtime must know of an operation to call it and to
// survive faults: rtOp{Method: "POST", Path: "meta/app/start_compaction", Write: true}.
func opSpec(op *ir.Operation) jen.Code {
	field := func(name string, v jen.Code) jen.Code { return jen.Id(name).Op(":").Add(v) }
	fields := []jen.Code{field("Method", jen.Lit(op.Method)), field("Path", jen.Lit(op.Key))}
	for _, f := range []struct {
		name string
		on   bool
	}{{"NodeLocal", op.NodeLocal}, {"Write", op.Mutates}, {"Repeat", op.SafeToRepeat}} {
		if f.on {
			fields = append(fields, field(f.name, jen.True()))
		}
	}
	return jen.Id("rtOp").Values(fields...)
}

// statusError builds a *StatusError for the call.
func statusError(op *ir.Operation, status jen.Code) jen.Code {
	return jen.Op("&").Id("StatusError").Values(jen.Dict{
		jen.Id("Op"): jen.Lit(op.HandlerMethod), jen.Id("Node"): jen.Id("rtHost").Call(jen.Id("res").Dot("Node")), jen.Id("Status"): status, jen.Id("Body"): jen.Id("res").Dot("Body"),
	})
}

// decodeResult sends the call and turns its 200 into the method's result:
//
//	var out MetaAppInfo
//	if _, err := c.call(ctx, "GetMetaApp", rtOp{…}, &q, nil, &out); err != nil { return nil, err }
//	return &out, nil
//
// A 200 that may be a line of text or null is checked before decoding.
func decodeResult(op *ir.Operation, ok *ir.Response, ret func(jen.Code) jen.Code, call func(jen.Code) *jen.Statement) []jen.Code {
	switch {
	case ok == nil || ok.Format == ir.FormatEmpty:
		return []jen.Code{jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(call(jen.Nil())), jen.Return(jen.Err())}
	case ok.Format == ir.FormatText || ok.Format == ir.FormatBinary || ok.Body == nil:
		return []jen.Code{
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(call(jen.Nil())),
			jen.If(jen.Err().Op("!=").Nil()).Block(ret(jen.Err())),
			jen.Return(jen.Id("res").Dot("Body"), jen.Nil()),
		}
	}
	result := jen.Id("out")
	if ok.Body.Kind == ir.Struct {
		result = jen.Op("&").Id("out")
	}
	out := []jen.Code{jen.Var().Id("out").Add(goType(ok.Body))}
	if ok.TextGoName == "" && !ok.Body.Nullable {
		out = append(out, jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(call(jen.Op("&").Id("out"))), jen.Err().Op("!=").Nil()).Block(ret(jen.Err())))
	} else {
		out = append(out,
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(call(jen.Nil())),
			jen.If(jen.Err().Op("!=").Nil()).Block(ret(jen.Err())))
		if ok.TextGoName != "" {
			// A 200 whose body is not JSON is the plain-text error alternative.
			out = append(out, jen.If(jen.Op("!").Id("rtLooksJSON").Call(jen.Id("res").Dot("Body"))).Block(ret(statusError(op, jen.Lit(200)))))
		}
		if ok.Body.Nullable {
			out = append(out, jen.If(jen.Id("rtIsNull").Call(jen.Id("res").Dot("Body"))).Block(jen.Return(jen.Nil(), jen.Nil())))
		}
		out = append(out, jen.If(jen.Err().Op(":=").Id("decode200").Call(jen.Lit(op.HandlerMethod), jen.Id("res").Dot("Body"), jen.Op("&").Id("out")), jen.Err().Op("!=").Nil()).Block(
			ret(jen.Err())))
	}
	if sf := ok.StatusField; sf != nil {
		out = append(out, jen.If(jen.Id("out").Dot(sf.GoName).Op("!=").Lit(sf.OK)).Block(
			jen.Return(result, jen.Op("&").Id("ResultError").Values(jen.Dict{
				jen.Id("Op"): jen.Lit(op.HandlerMethod), jen.Id("Field"): jen.Lit(sf.JSONName), jen.Id("Code"): jen.Id("out").Dot(sf.GoName),
			}))))
	}
	return append(out, jen.Return(result, jen.Nil()))
}

// queryArg adds one parameter to the query the way the server reads it.
func queryArg(p *ir.Param) []jen.Code {
	v := jen.Id("req").Dot(p.GoName)
	add := func(x jen.Code) jen.Code { return jen.Id("q").Dot("Add").Call(jen.Lit(p.Name), x) }
	switch p.Kind {
	case ir.FlagParam:
		return []jen.Code{jen.If(v).Block(jen.Id("q").Dot("Flag").Call(jen.Lit(p.Name)))}
	case ir.ListParam, ir.PairsParam:
		return []jen.Code{jen.If(jen.Add(v).Op("!=").Nil()).Block(add(jen.Qual("strings", "Join").Call(v, jen.Lit(","))))}
	case ir.FreeFormParam:
		// for _, a := range req.Config.list() { if a.Flag { q.Flag(a.Key) } else { q.Add(a.Key, a.Value) } }
		return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Add(v).Dot("list").Call()).Block(
			jen.If(jen.Id("a").Dot("Flag")).Block(jen.Id("q").Dot("Flag").Call(jen.Id("a").Dot("Key"))).Else().Block(
				jen.Id("q").Dot("Add").Call(jen.Id("a").Dot("Key"), jen.Id("a").Dot("Value"))))}
	}
	if p.Optional() {
		return []jen.Code{jen.If(jen.Add(v).Op("!=").Nil()).Block(add(scalarText(p.Type, jen.Op("*").Add(v))))}
	}
	return []jen.Code{add(scalarText(p.Type, v))}
}

// scalarText renders a scalar as text: a query argument's value, or an
// ordered map's key.
func scalarText(t *ir.TypeRef, x jen.Code) jen.Code {
	switch {
	case isInt(t.Kind):
		return jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(x), jen.Lit(10))
	case isUint(t.Kind):
		return jen.Qual("strconv", "FormatUint").Call(jen.Uint64().Call(x), jen.Lit(10))
	case t.Kind == ir.Bool:
		return jen.Qual("strconv", "FormatBool").Call(x)
	case t.Kind == ir.Float64:
		return jen.Qual("strconv", "FormatFloat").Call(x, jen.LitRune('g'), jen.Lit(-1), jen.Lit(64))
	}
	return x
}
