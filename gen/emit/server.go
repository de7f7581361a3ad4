package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// serverFile emits a role's server: the handler interface users implement,
// the answer types, the options, and NewServer, which does everything the
// real server does before and after a handler runs.
func serverFile(api *ir.API, role *ir.Role) partedFile {
	parts := []filePart{func(f *jen.File) {
		handlerDecl(f, role)
		unimplementedDecl(f, role)
	}}
	parts = perOp(parts, role.Operations, responseDecls)
	parts = append(parts, func(f *jen.File) {
		guards := roleGuards(role)
		optionsDecl(f, guards, roleRedirects(role))
		serverDecl(f, api, role, guards)
		httpServerDecl(f)
		dispatchDecl(f, api, role)
	})
	parts = perOp(parts, role.Operations, serveOpDecl)
	return partedFile{pkg: role.Package, header: api.Header, parts: parts}
}

// roleGuards is the guards the role's operations use, in spec order of use.
func roleGuards(role *ir.Role) []*ir.Guard {
	var out []*ir.Guard
	seen := map[*ir.Guard]bool{}
	for _, op := range role.Operations {
		if op.Guard != nil && !seen[op.Guard] {
			seen[op.Guard] = true
			out = append(out, op.Guard)
		}
	}
	return out
}

// roleRedirects reports whether any operation of the role redirects.
func roleRedirects(role *ir.Role) bool {
	for _, op := range role.Operations {
		if op.Redirect != ir.NoRedirect {
			return true
		}
	}
	return false
}

// handlerDecl emits the interface users implement:
//
//	type Handler interface {
//		GetConfig(ctx context.Context, req GetConfigRequest) (GetConfigResponse, error)
//		mustEmbedUnimplementedHandler()
//	}
func handlerDecl(f *jen.File, role *ir.Role) {
	methods := make([]jen.Code, 0, len(role.Operations)+1)
	for _, op := range role.Operations {
		if op.Builtin != ir.NoBuiltin {
			continue
		}
		methods = append(methods, jen.Comment(fmt.Sprintf("%s answers %s %s: %s", op.HandlerMethod, op.Method, op.Path, oneParagraph(op.Help))).Line().
			Id(op.HandlerMethod).Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Id(op.RequestGoName)).
			Params(jen.Id(op.ResponseGoName), jen.Error()))
	}
	methods = append(methods, jen.Id("mustEmbedUnimplementedHandler").Params())
	f.Comment("Handler is the hand-written half of a " + nonEmpty(role.Title, role.Name) + ": one method per operation.")
	f.Comment("The server has already checked the method, redirected, checked guards and bound every argument;")
	f.Comment("a method returns the answer to write, or an error for a 500 with an empty body. The request is")
	f.Comment("passed by value and the answer returned by value, so that a request costs no allocation here.")
	f.Comment("Implementations embed UnimplementedHandler, so that a new operation in the spec does not break them.")
	f.Type().Id("Handler").Interface(methods...)
}

// unimplementedDecl emits the type users embed:
//
//	type UnimplementedHandler struct{}
//	func (UnimplementedHandler) GetConfig(context.Context, GetConfigRequest) (GetConfigResponse, error) {
//		return GetConfigResponse{}, ErrUnimplemented
//	}
func unimplementedDecl(f *jen.File, role *ir.Role) {
	f.Comment("ErrUnimplemented is what UnimplementedHandler returns; the server then answers as the real one")
	f.Comment("does for a path nobody registered: 404 service not found.")
	f.Var().Id("ErrUnimplemented").Op("=").Qual("errors", "New").Call(jen.Lit(role.Package + ": operation not implemented"))
	f.Comment("UnimplementedHandler answers every operation with ErrUnimplemented. Embed it in a Handler.")
	f.Type().Id("UnimplementedHandler").Struct()
	for _, op := range role.Operations {
		if op.Builtin != ir.NoBuiltin {
			continue
		}
		f.Comment(op.HandlerMethod + " is not implemented.")
		f.Func().Params(jen.Id("UnimplementedHandler")).Id(op.HandlerMethod).
			Params(jen.Qual("context", "Context"), jen.Id(op.RequestGoName)).
			Params(jen.Id(op.ResponseGoName), jen.Error()).
			Block(jen.Return(jen.Id(op.ResponseGoName).Values(), jen.Id("ErrUnimplemented")))
	}
	f.Func().Params(jen.Id("UnimplementedHandler")).Id("mustEmbedUnimplementedHandler").Params().Block()
}

// responseDecls emits the answer of an operation: a struct that holds one
// of the documented answers, made by one constructor per status, written by
// the server. A struct rather than an interface of variants, because
// returning a struct costs no allocation while boxing a variant in an
// interface does, on every request. The status, text and raw bodies and
// Status() come from the embedded rtAnswer; the type adds its JSON bodies:
//
//	type GetMetaAppResponse struct{ rtAnswer; v200 MetaAppInfo }
//	func GetMetaApp200(body MetaAppInfo) GetMetaAppResponse
//	func GetMetaApp404(body string) GetMetaAppResponse
//	func (r *GetMetaAppResponse) write(w http.ResponseWriter)
func responseDecls(f *jen.File, op *ir.Operation) {
	fields := []jen.Code{jen.Id("rtAnswer")}
	var names []string
	json := false
	for _, r := range op.Responses {
		if r.ServerOnly {
			continue
		}
		names = append(names, r.GoName)
		if r.TextGoName != "" {
			names = append(names, r.TextGoName)
		}
		if r.RawGoName != "" {
			names = append(names, r.RawGoName)
		}
		if r.Format.IsJSON() && r.Body != nil {
			fields = append(fields, jen.Id(bodyField(r)).Add(answerBodyType(r)))
			json = true
		}
	}
	f.Comment(fmt.Sprintf("%s is an answer to %s %s, made with %s. The zero value is no answer (a 500).", op.ResponseGoName, op.Method, op.Path, joinNames(names)))
	f.Type().Id(op.ResponseGoName).Struct(fields...)
	for _, r := range op.Responses {
		if !r.ServerOnly {
			answerConstructors(f, op, r)
		}
	}
	if json {
		// Without JSON bodies, rtAnswer's own write is the whole writer.
		answerWriter(f, op)
	}
}

// bodyField is the union's field holding a status's JSON body.
func bodyField(r *ir.Response) string { return fmt.Sprintf("v%d", r.Status) }

// answerBodyType is the Go type of a JSON answer's body: a pointer when the
// body may be the literal null.
func answerBodyType(r *ir.Response) *jen.Statement {
	if r.Body.Nullable && !nilable(r.Body) {
		return jen.Op("*").Add(goType(r.Body))
	}
	return goType(r.Body)
}

// answerConstructors emits the constructors of one status:
//
//	func GetMetaApp200(body MetaAppInfo) GetMetaAppResponse { return GetMetaAppResponse{rtAnswer: rtJSONAnswer(200), v200: body} }
//	func GetMetaApp404(body string) GetMetaAppResponse { return GetMetaAppResponse{rtAnswer: rtTextAnswer(404, body)} }
func answerConstructors(f *jen.File, op *ir.Operation, r *ir.Response) {
	resp := op.ResponseGoName
	mk := func(name, doc string, param jen.Code, answer string, arg jen.Code, body jen.Code) {
		f.Comment(name + " " + doc)
		params := []jen.Code{}
		if param != nil {
			params = append(params, param)
		}
		args := []jen.Code{jen.Lit(r.Status)}
		if arg != nil {
			args = append(args, arg)
		}
		vals := []jen.Code{jen.Id("rtAnswer").Op(":").Id(answer).Call(args...)}
		if body != nil {
			vals = append(vals, jen.Id(bodyField(r)).Op(":").Add(body))
		}
		f.Func().Id(name).Params(params...).Id(resp).Block(jen.Return(jen.Id(resp).Values(vals...)))
	}
	desc := oneParagraph(r.Description)
	switch {
	case r.Format.IsJSON() && r.Body != nil:
		mk(r.GoName, fmt.Sprintf("answers %d with body written in the %s format. %s", r.Status, r.Format, desc),
			jen.Id("body").Add(answerBodyType(r)), "rtJSONAnswer", nil, jen.Id("body"))
	case r.Format == ir.FormatText || r.Format == ir.FormatBinary:
		mk(r.GoName, fmt.Sprintf("answers %d with body as it is (%s). %s", r.Status, r.Format, desc),
			jen.Id("body").String(), "rtTextAnswer", jen.Id("body"), nil)
	default:
		mk(r.GoName, fmt.Sprintf("answers %d with an empty body. %s", r.Status, desc), nil, "rtTextAnswer", jen.Lit(""), nil)
	}
	if r.TextGoName != "" {
		mk(r.TextGoName, fmt.Sprintf("answers %d with a line of text instead of the JSON body, as the real server does for some errors.", r.Status),
			jen.Id("body").String(), "rtTextAnswer", jen.Id("body"), nil)
	}
	if r.StreamGoName != "" {
		streamConstructor(f, op, r)
	}
	if r.RawGoName != "" {
		mk(r.RawGoName, fmt.Sprintf("answers %d with a body the handler encoded itself in the %s format, for bodies too large to build as Go values first.", r.Status, r.Format),
			jen.Id("body").Index().Byte(), "rtRawAnswer", jen.Id("body"), nil)
	}
}

// streamConstructor emits the constructor of an answer written as it is
// sent:
//
//	func LookupPprofSymbols200Stream(size int64, write func(w io.Writer) error) LookupPprofSymbolsResponse {
//		return LookupPprofSymbolsResponse{rtAnswer: rtStreamAnswer(200, size, write)}
//	}
func streamConstructor(f *jen.File, op *ir.Operation, r *ir.Response) {
	resp := op.ResponseGoName
	f.Comment(fmt.Sprintf("%s answers %d with a %s body of size bytes that write sends", r.StreamGoName, r.Status, r.Format))
	f.Comment("after the header, to the client itself, so that it is never held whole. The server calls write")
	f.Comment("exactly once; write should stop at the first error of w (the client went away). A body shorter")
	f.Comment("or longer than size breaks the connection, since its Content-Length promised otherwise.")
	f.Func().Id(r.StreamGoName).Params(
		jen.Id("size").Int64(),
		jen.Id("write").Func().Params(jen.Id("w").Qual("io", "Writer")).Error(),
	).Id(resp).Block(jen.Return(jen.Id(resp).Values(
		jen.Id("rtAnswer").Op(":").Id("rtStreamAnswer").Call(jen.Lit(r.Status), jen.Id("size"), jen.Id("write")))))
}

// answerWriter emits how the server writes an answer:
//
//	func (r *GetMetaAppResponse) write(w http.ResponseWriter) {
//		switch {
//		case r.form != rtFormJSON: r.rtAnswer.write(w)
//		case r.status == 200: p := rtGetBuf(); b := r.v200.appendJSON(*p); b = append(b, '\n'); rtWrite(w, 200, b); rtPutBuf(p, b)
//		}
//	}
func answerWriter(f *jen.File, op *ir.Operation) {
	cases := []jen.Code{
		jen.Case(jen.Id("r").Dot("form").Op("!=").Id("rtFormJSON")).Block(jen.Id("r").Dot("rtAnswer").Dot("write").Call(jen.Id("w"))),
	}
	for _, r := range op.Responses {
		if r.ServerOnly || !r.Format.IsJSON() || r.Body == nil {
			continue
		}
		cases = append(cases, jen.Case(jen.Id("r").Dot("status").Op("==").Lit(r.Status)).Block(bodyWrite(r)...))
	}
	f.Comment("write sends the answer.")
	f.Func().Params(jen.Id("r").Op("*").Id(op.ResponseGoName)).Id("write").Params(jen.Id("w").Qual("net/http", "ResponseWriter")).Block(jen.Switch().Block(cases...))
}

// bodyWrite encodes one JSON answer at depth 0 into a pooled buffer and
// sends it; a table body ends in table_printer's "\n".
func bodyWrite(r *ir.Response) []jen.Code {
	body := jen.Id("r").Dot(bodyField(r))
	plain := &ir.TypeRef{Kind: r.Body.Kind, Named: r.Body.Named, Elem: r.Body.Elem}
	e := &enc{f: r.Format}
	if r.Body.Nullable {
		e.nullOr(plain, body, 0)
	} else {
		e.value(plain, body, 0)
	}
	if r.Format == ir.FormatTable {
		e.lit("\n")
	}
	return append([]jen.Code{
		jen.Id("p").Op(":=").Id("rtGetBuf").Call(),
		jen.Id("b").Op(":=").Op("*").Id("p"),
	}, append(e.block(),
		jen.Id("rtWrite").Call(jen.Id("w"), jen.Lit(r.Status), jen.Id("b")),
		jen.Id("rtPutBuf").Call(jen.Id("p"), jen.Id("b")))...)
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " or "
		default:
			out += ", "
		}
		out += n
	}
	return out
}

// formatConst is the runtime's constant for a JSON format.
func formatConst(f ir.Format) string {
	switch f {
	case ir.FormatSorted:
		return "rtSorted"
	case ir.FormatPretty4:
		return "rtPretty4"
	case ir.FormatPretty2:
		return "rtPretty2"
	}
	return "rtTable"
}

// optionsDecl emits Options and, where the role needs them, the Guards and
// Leadership interfaces the hand-written side provides.
func optionsDecl(f *jen.File, guards []*ir.Guard, redirects bool) {
	fields := []jen.Code{
		jen.Comment("Features switches optional operations; features not in the map keep their default, nil keeps all defaults.").Line().
			Id("Features").Map(jen.Id("Feature")).Bool(),
		jen.Comment("MaxBodyBytes bounds request bodies (default 4 MiB); a larger body is a 400.").Line().
			Id("MaxBodyBytes").Int64(),
		jen.Comment("HandlerError is told of every error a handler returns (but ErrUnimplemented), and of a handler").Line().
			Comment("that returned no answer, before the server answers 500 with an empty body as the real one does;").Line().
			Comment("nil logs it with the standard logger, so that no failure goes unseen.").Line().
			Id("HandlerError").Func().Params(jen.Op("*").Qual("net/http", "Request"), jen.String(), jen.Error()),
	}
	if len(guards) > 0 {
		fields = append(fields, jen.Comment("Guards tells whether guarded services are enabled; nil enables all.").Line().Id("Guards").Id("Guards"))
		methods := make([]jen.Code, 0, len(guards))
		for _, g := range guards {
			methods = append(methods, jen.Comment(fmt.Sprintf("%s: when false, guarded operations answer %d %q. %s", g.GoName, g.Status, g.Body, oneParagraph(g.Description))).Line().
				Id(g.GoName).Params().Bool())
		}
		f.Comment("Guards are run-time switches the server checks before binding arguments, as the real server")
		f.Comment("checks whether a service exists before it reads the request.")
		f.Type().Id("Guards").Interface(methods...)
	}
	if redirects {
		fields = append(fields, jen.Comment("Leadership tells whether this server is the primary; nil means it always is.").Line().Id("Leadership").Id("Leadership"))
		f.Comment("Leadership is how a server learns whether it is the primary. A backup answers the redirecting")
		f.Comment("operations with 307 to the primary; the Location is built from PrimaryAddress, never from the")
		f.Comment("request's Host header. An empty PrimaryAddress gives \"invalid host_port\", as the real server prints.")
		f.Type().Id("Leadership").Interface(
			jen.Comment("IsPrimary reports whether this server answers itself.").Line().Id("IsPrimary").Params().Bool(),
			jen.Comment("PrimaryAddress is the primary's host:port, or \"\" when unknown.").Line().Id("PrimaryAddress").Params().String(),
		)
	}
	f.Comment("Options configures NewServer; the zero value serves the defaults.")
	f.Type().Id("Options").Struct(fields...)
}

// serverDecl emits the server type and NewServer:
//
//	type server struct{ h Handler; help []byte; featPprof bool; ... }
//	func NewServer(h Handler, opts *Options) http.Handler
func serverDecl(f *jen.File, api *ir.API, role *ir.Role, guards []*ir.Guard) {
	fields := []jen.Code{
		jen.Id("h").Id("Handler"),
		jen.Id("help").Index().Byte(),
		jen.Id("maxBody").Int64(),
		jen.Id("onErr").Func().Params(jen.Op("*").Qual("net/http", "Request"), jen.String(), jen.Error()),
	}
	init := []jen.Code{
		jen.If(jen.Id("opts").Op("==").Nil()).Block(jen.Id("opts").Op("=").Op("&").Id("Options").Values()),
		jen.Id("on").Op(":=").Id("resolveFeatures").Call(jen.Id("opts").Dot("Features")),
		jen.Id("s").Op(":=").Op("&").Id("server").Values(jen.Dict{
			jen.Id("h"):       jen.Id("h"),
			jen.Id("help"):    jen.Id("HelpIndex").Call(jen.Id("on")),
			jen.Id("maxBody"): jen.Id("opts").Dot("MaxBodyBytes"),
			jen.Id("onErr"):   jen.Id("opts").Dot("HandlerError"),
		}),
		jen.If(jen.Id("s").Dot("maxBody").Op("<=").Lit(0)).Block(jen.Id("s").Dot("maxBody").Op("=").Lit(4 << 20)),
	}
	for _, ft := range roleFeatures(api, role) {
		fields = append(fields, jen.Id("feat"+ft.GoName).Bool())
		init = append(init, jen.Id("s").Dot("feat"+ft.GoName).Op("=").Id("on").Index(jen.Id(ft.ConstName)))
	}
	if len(guards) > 0 {
		fields = append(fields, jen.Id("guards").Id("Guards"))
		init = append(init, jen.Id("s").Dot("guards").Op("=").Id("opts").Dot("Guards"))
	}
	if roleRedirects(role) {
		fields = append(fields, jen.Id("lead").Id("Leadership"))
		init = append(init, jen.Id("s").Dot("lead").Op("=").Id("opts").Dot("Leadership"))
	}
	init = append(init, jen.Return(jen.Id("s")))
	f.Comment("server is the generated half of a server.")
	f.Type().Id("server").Struct(fields...)
	f.Comment("NewServer returns an http.Handler that answers the way the real " + nonEmpty(role.Title, role.Name) + " does:")
	f.Comment("path normalisation, its query parsing, GET / from the help index, the exact 400 texts,")
	f.Comment("text/plain everywhere, connections dropped for methods other than GET and POST, and the 307")
	f.Comment("redirect of a backup. h answers what is left.")
	f.Func().Id("NewServer").Params(jen.Id("h").Id("Handler"), jen.Id("opts").Op("*").Id("Options")).Qual("net/http", "Handler").Block(init...)
}

// httpServerDecl emits the constructor of a listening server:
//
//	func NewHTTPServer(addr string, handler http.Handler) *http.Server { return rtNewHTTPServer(addr, handler) }
func httpServerDecl(f *jen.File) {
	f.Comment("NewHTTPServer returns an *http.Server for handler (usually NewServer's) listening on addr, with")
	f.Comment("the timeouts a server reachable by anyone needs: 10 s for the request header, 1 min for the whole")
	f.Comment("request, 2 min for request and answer (longer than the 60-second CPU profile), 1 min for an idle")
	f.Comment("keep-alive connection, and the real server's 80 KiB header limit. net/http's own answer to")
	f.Comment("\"OPTIONS *\" is off, so that connection is dropped like any other method but GET and POST.")
	f.Comment("Change the fields before serving to tune them.")
	f.Func().Id("NewHTTPServer").Params(jen.Id("addr").String(), jen.Id("handler").Qual("net/http", "Handler")).Op("*").Qual("net/http", "Server").Block(
		jen.Return(jen.Id("rtNewHTTPServer").Call(jen.Id("addr"), jen.Id("handler"))))
}

// dispatchDecl emits ServeHTTP, the one switch from path to operation:
//
//	func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
//		...
//		switch q.Path {
//		case "meta/app":
//			s.serveGetMetaApp(w, r, &q)
//		default:
//			rtNotFound(w, q.Path)
//		}
//	}
func dispatchDecl(f *jen.File, api *ir.API, role *ir.Role) {
	byKey := map[string][]*ir.Operation{}
	var keys []string
	for _, op := range role.Operations {
		if byKey[op.Key] == nil {
			keys = append(keys, op.Key)
		}
		byKey[op.Key] = append(byKey[op.Key], op)
	}
	cases := make([]jen.Code, 0, len(keys)+1)
	for _, k := range keys {
		cases = append(cases, jen.Case(jen.Lit(k)).Block(dispatchCase(byKey[k])...))
	}
	cases = append(cases, jen.Default().Block(jen.Id("rtNotFound").Call(jen.Id("w"), jen.Id("q").Dot("Path"))))
	f.Comment("ServeHTTP routes one request as the real server's registry does: an exact match of the normalized path.")
	f.Func().Params(jen.Id("s").Op("*").Id("server")).Id("ServeHTTP").Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request")).Block(
		jen.If(jen.Id("r").Dot("Method").Op("!=").Qual("net/http", "MethodGet").Op("&&").Id("r").Dot("Method").Op("!=").Qual("net/http", "MethodPost")).Block(
			jen.Id("rtDrop").Call(jen.Id("w")), jen.Return()),
		jen.Var().Id("q").Id("rtRequest"),
		jen.If(jen.Err().Op(":=").Id("q").Dot("parseTarget").Call(jen.Id("r")), jen.Err().Op("!=").Nil()).Block(jen.Id("rtWriteString").Call(jen.Id("w"), jen.Lit(400), jen.Err().Dot("Error").Call()), jen.Return()),
		jen.Switch(jen.Id("q").Dot("Path")).Block(cases...),
	)
}

// dispatchCase calls the operation(s) of one path, checking its feature and,
// for paths with one operation per method, the method.
func dispatchCase(ops []*ir.Operation) []jen.Code {
	call := func(op *ir.Operation) jen.Code {
		if op.Builtin == ir.BuiltinHelpIndex {
			return jen.Id("rtWrite").Call(jen.Id("w"), jen.Lit(200), jen.Id("s").Dot("help"))
		}
		return jen.Id("s").Dot("serve"+op.GoName).Call(jen.Id("w"), jen.Id("r"), jen.Op("&").Id("q"))
	}
	var body jen.Code
	if len(ops) == 1 {
		body = call(ops[0])
	} else {
		// One operation per method: POST goes to the POST one, anything else to the other,
		// as /pprof/symbol treats every non-POST as GET.
		var post, other *ir.Operation
		for _, op := range ops {
			if op.Method == "POST" {
				post = op
			} else {
				other = op
			}
		}
		if post == nil || other == nil {
			post, other = ops[0], ops[0]
		}
		body = jen.If(jen.Id("r").Dot("Method").Op("==").Qual("net/http", "MethodPost")).Block(call(post)).Else().Block(call(other))
	}
	if ft := ops[0].Feature; ft != nil {
		return []jen.Code{jen.If(jen.Op("!").Id("s").Dot("feat"+ft.GoName)).Block(
			jen.Id("rtNotFound").Call(jen.Id("w"), jen.Id("q").Dot("Path")), jen.Return()), body}
	}
	return []jen.Code{body}
}

// serveOpDecl emits the steps of one operation, in the real server's order:
// method, argument names (when checked first), redirect, guard, argument
// names, each parameter, the body, the handler.
func serveOpDecl(f *jen.File, op *ir.Operation) {
	var body []jen.Code
	body = append(body, methodStep(op)...)
	if op.Redirect == ir.RedirectAfterNames {
		body = append(body, namesStep(op)...)
	}
	body = append(body, redirectStep(op)...)
	body = append(body, guardStep(op)...)
	if op.Redirect != ir.RedirectAfterNames {
		body = append(body, namesStep(op)...)
	}
	body = append(body, jen.Var().Id("in").Id(op.RequestGoName))
	if op.RawArgs {
		// A copy: the request's own arguments live on the server's stack.
		body = append(body, jen.Id("in").Dot("Args").Op("=").Id("Args").Values(jen.Id("rtArgsOf").Call(jen.Id("q").Dot("list").Call())))
	}
	for _, p := range op.Params {
		body = append(body, bindParam(op, p)...)
	}
	if op.Body != nil {
		body = append(body, bindBody(op)...)
	}
	body = append(body, callStep(op)...)
	f.Comment(fmt.Sprintf("serve%s answers %s %s.", op.GoName, op.Method, op.Path))
	f.Func().Params(jen.Id("s").Op("*").Id("server")).Id("serve"+op.GoName).Params(
		jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("q").Op("*").Id("rtRequest"),
	).Block(body...)
}

// fail writes an error of the operation's error format and returns.
func fail(op *ir.Operation, status int, msg jen.Code) jen.Code {
	return jen.Block(failStmts(op, status, msg)...)
}

// failStmts are fail's statements, for a case clause.
func failStmts(op *ir.Operation, status int, msg jen.Code) []jen.Code {
	return []jen.Code{jen.Id("rtFail").Call(jen.Id("w"), jen.Lit(status), msg, jen.Lit(op.ErrorFormat == ir.ErrorJSON)), jen.Return()}
}

// methodStep rejects other methods of a GET-only operation.
func methodStep(op *ir.Operation) []jen.Code {
	if op.Methods != ir.GetOnly {
		return nil
	}
	return []jen.Code{jen.If(jen.Id("r").Dot("Method").Op("!=").Qual("net/http", "MethodGet")).Add(fail(op, 400, jen.Lit(op.MethodError)))}
}

// namesStep rejects arguments that are not parameters:
//
//	for _, a := range q.Args {
//		switch a.Key {
//		case "name", "detail":
//		default:
//			rtFail(w, 400, rtExpand("", a.Key, a.Value), false); return
//		}
//	}
func namesStep(op *ir.Operation) []jen.Code {
	if !op.RejectUnknown {
		return nil
	}
	var names []jen.Code
	for _, p := range op.Params {
		if p.Kind == ir.FreeFormParam {
			return nil
		}
		names = append(names, jen.Lit(p.Name))
	}
	bad := failStmts(op, 400, jen.Id("rtExpand").Call(jen.Lit(op.UnknownBody), jen.Id("a").Dot("Key"), jen.Id("a").Dot("Value")))
	if len(names) == 0 {
		return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Id("q").Dot("list").Call()).Block(bad...)}
	}
	return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Id("q").Dot("list").Call()).Block(
		jen.Switch(jen.Id("a").Dot("Key")).Block(jen.Case(names...), jen.Default().Block(bad...)))}
}

// redirectStep sends a backup's request on to the primary:
//
//	if s.lead != nil && !s.lead.IsPrimary() {
//		rtRedirect(w, rtLocation(rtPrimary(s.lead.PrimaryAddress()), q.Path, q.Args)); return
//	}
func redirectStep(op *ir.Operation) []jen.Code {
	if op.Redirect == ir.NoRedirect {
		return nil
	}
	return []jen.Code{jen.If(jen.Id("s").Dot("lead").Op("!=").Nil().Op("&&").Op("!").Id("s").Dot("lead").Dot("IsPrimary").Call()).Block(
		jen.Id("rtRedirect").Call(jen.Id("w"), jen.Id("rtLocation").Call(
			jen.Id("rtPrimary").Call(jen.Id("s").Dot("lead").Dot("PrimaryAddress").Call()), jen.Id("q").Dot("Path"), jen.Id("q").Dot("list").Call())),
		jen.Return())}
}

// guardStep answers for a disabled service.
func guardStep(op *ir.Operation) []jen.Code {
	g := op.Guard
	if g == nil {
		return nil
	}
	return []jen.Code{jen.If(jen.Id("s").Dot("guards").Op("!=").Nil().Op("&&").Op("!").Id("s").Dot("guards").Dot(g.GoName).Call()).Block(
		jen.Id("rtWriteString").Call(jen.Id("w"), jen.Lit(g.Status), jen.Lit(g.Body)), jen.Return())}
}

// callStep runs the handler and writes its answer:
//
//	resp, err := s.h.GetMetaApp(r.Context(), in)
//	if err != nil || resp.status == 0 {
//		rtHandlerFailed(w, r, q.Path, "GetMetaApp", err, errors.Is(err, ErrUnimplemented), s.onErr)
//		return
//	}
//	resp.write(w)
func callStep(op *ir.Operation) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("s").Dot("h").Dot(op.HandlerMethod).Call(jen.Id("r").Dot("Context").Call(), jen.Id("in")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("resp").Dot("status").Op("==").Lit(0)).Block(
			jen.Id("rtHandlerFailed").Call(jen.Id("w"), jen.Id("r"), jen.Id("q").Dot("Path"), jen.Lit(op.HandlerMethod), jen.Err(),
				jen.Qual("errors", "Is").Call(jen.Err(), jen.Id("ErrUnimplemented")), jen.Id("s").Dot("onErr")),
			jen.Return()),
		jen.Id("resp").Dot("write").Call(jen.Id("w")),
	}
}

// lit is a string literal for an optional text, "" when absent.
func lit(s *string) jen.Code {
	if s == nil {
		return jen.Lit("")
	}
	return jen.Lit(*s)
}
