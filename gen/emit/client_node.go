package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// rtFunc is "func(c *rtClient) { body }", the shape of every ClientOption.
func rtFunc(body ...jen.Code) jen.Code {
	return jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("rtClient")).Block(body...))
}

// membersOf is the role's operation whose answer names the role's servers,
// or nil.
func membersOf(role *ir.Role) *ir.Operation {
	for _, op := range role.Operations {
		if op.MembersField != "" {
			return op
		}
	}
	return nil
}

// clientOptions emits the options of NewClient:
//
//	func WithTimeout(d time.Duration) ClientOption { return func(c *rtClient) { c.timeout = d } }
//	func WithAttemptTimeout(d time.Duration) ClientOption { return func(c *rtClient) { c.attempt = d } }
//	func WithMaxAnswer(n int64) ClientOption { return func(c *rtClient) { c.maxBody = n } }
//	func WithClusterMembers() ClientOption { return func(c *rtClient) { c.trustMembers = true } }
func clientOptions(f *jen.File, role *ir.Role) {
	f.Comment("ClientOption configures NewClient.")
	f.Type().Id("ClientOption").Func().Params(jen.Op("*").Id("rtClient"))
	f.Comment("WithHTTPClient sends requests with hc. Its CheckRedirect is not used (the client follows 307 itself,")
	f.Comment("only to servers it trusts); its Timeout, if any, applies besides the client's own bounds.")
	f.Func().Id("WithHTTPClient").Params(jen.Id("hc").Op("*").Qual("net/http", "Client")).Id("ClientOption").Block(
		rtFunc(jen.Id("c").Dot("setHTTPClient").Call(jen.Id("hc"))))
	f.Comment("WithTimeout bounds each call, redirects and fail-over included (default 30s); a context deadline")
	f.Comment("that comes first still wins. Zero or less leaves only the context's deadline.")
	f.Func().Id("WithTimeout").Params(jen.Id("d").Qual("time", "Duration")).Id("ClientOption").Block(
		rtFunc(jen.Id("c").Dot("timeout").Op("=").Id("d")))
	f.Comment("WithAttemptTimeout bounds how long one node may take to begin its answer before the call moves")
	f.Comment("to the next (the body is read within the call's timeout). By default each node gets the time left")
	f.Comment("in the call divided by the number of nodes not yet tried, and the last one the rest: a node that")
	f.Comment("does not answer costs a call of three addresses a third of its timeout, and is then avoided by")
	f.Comment("later calls for 1 s, doubling to 16 s while it keeps failing, until it answers. A write that may")
	f.Comment("have reached the node and is not safe to repeat waits for its answer until the call's timeout.")
	f.Func().Id("WithAttemptTimeout").Params(jen.Id("d").Qual("time", "Duration")).Id("ClientOption").Block(
		rtFunc(jen.Id("c").Dot("attempt").Op("=").Id("d")))
	f.Comment("WithMaxAnswer bounds the bytes of an answer the client reads (default 256 MiB: a /metrics?detail=true")
	f.Comment("of 10,000 entities × 20 metrics is 56 MiB, of 3,000 replicas × 132 metrics about 110 MiB); a larger")
	f.Comment("one is an error naming the limit. Zero or less reads any size.")
	f.Func().Id("WithMaxAnswer").Params(jen.Id("n").Int64()).Id("ClientOption").Block(
		rtFunc(jen.Id("c").Dot("maxBody").Op("=").Id("n")))
	if op := membersOf(role); op != nil {
		f.Comment("WithClusterMembers lets the client follow a redirect to a server that is not one of its addresses")
		f.Comment("when the cluster itself names it (" + op.Method + " " + op.Path + "'s " + op.MembersField + ", read from a configured")
		f.Comment("address). Without it such a redirect is an error and nothing is sent there.")
		f.Func().Id("WithClusterMembers").Params().Id("ClientOption").Block(
			rtFunc(jen.Id("c").Dot("trustMembers").Op("=").True()))
	}
}

// nodeDecls emits the per-node side of the client:
//
//	func (c *Client) Node(addr string) (*Client, error) { rt, err := c.rt.forNode(addr); …; return &Client{rt}, nil }
//	type NodeResult[T any] struct { Node string; Value T; Err error }
//	func FanOut[T any](ctx context.Context, c *Client, nodes []string, limit int, call func(context.Context, *Client) (T, error)) []NodeResult[T]
func nodeDecls(f *jen.File) {
	f.Comment("Node returns a client of the one server addr, with c's settings, that never sends anywhere else:")
	f.Comment("no fail-over, and a redirect is an error. Node-local operations (/metrics, /config, /updateConfig…)")
	f.Comment("are called on it, or on a client made with a single address.")
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("Node").Params(jen.Id("addr").String()).Params(jen.Op("*").Id("Client"), jen.Error()).Block(
		jen.List(jen.Id("rt"), jen.Err()).Op(":=").Id("c").Dot("rt").Dot("forNode").Call(jen.Id("addr")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Op("&").Id("Client").Values(jen.Id("rt")), jen.Nil()),
	)
	f.Comment("NodeResult is the outcome of a call on one node of a FanOut.")
	f.Type().Id("NodeResult").Types(jen.Id("T").Any()).Struct(
		jen.Comment("Node is the address the call was sent to, as given."),
		jen.Id("Node").String(),
		jen.Comment("Value is the call's result when Err is nil."),
		jen.Id("Value").Id("T"),
		jen.Comment("Err names the node."),
		jen.Id("Err").Error(),
	)
	fanOutDecl(f)
}

// fanOutDecl emits FanOut:
//
//	func FanOut[T any](ctx context.Context, c *Client, nodes []string, limit int, call func(context.Context, *Client) (T, error)) []NodeResult[T] {
//		out := make([]NodeResult[T], len(nodes))
//		rtFanOut(ctx, len(nodes), limit, func(ctx context.Context, i int) {
//			out[i].Node = nodes[i]
//			n, err := c.Node(nodes[i])
//			if err == nil { out[i].Value, err = call(ctx, n) }
//			if err != nil { out[i].Err = fmt.Errorf("%s: %w", nodes[i], err) }
//		})
//		return out
//	}
func fanOutDecl(f *jen.File) {
	res := jen.Id("NodeResult").Index(jen.Id("T"))
	at := func() *jen.Statement { return jen.Id("out").Index(jen.Id("i")) }
	node := jen.Id("nodes").Index(jen.Id("i"))
	f.Comment("FanOut calls call on every node (each through c.Node, with c's settings), at most limit at a")
	f.Comment("time (8 when limit is not positive), and returns one result per node in the order of nodes.")
	f.Comment("A node that fails, or is still running when ctx ends, has Err set; the others are unaffected.")
	f.Func().Id("FanOut").Types(jen.Id("T").Any()).Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("c").Op("*").Id("Client"), jen.Id("nodes").Index().String(), jen.Id("limit").Int(),
		jen.Id("call").Func().Params(jen.Qual("context", "Context"), jen.Op("*").Id("Client")).Params(jen.Id("T"), jen.Error()),
	).Index().Add(res).Block(
		jen.Id("out").Op(":=").Make(jen.Index().Add(res), jen.Len(jen.Id("nodes"))),
		jen.Id("rtFanOut").Call(jen.Id("ctx"), jen.Len(jen.Id("nodes")), jen.Id("limit"), jen.Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("i").Int()).Block(
			at().Dot("Node").Op("=").Add(node),
			jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("c").Dot("Node").Call(node),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.List(at().Dot("Value"), jen.Err()).Op("=").Id("call").Call(jen.Id("ctx"), jen.Id("n"))),
			jen.If(jen.Err().Op("!=").Nil()).Block(at().Dot("Err").Op("=").Qual("fmt", "Errorf").Call(jen.Lit("%s: %w"), node, jen.Err())),
		)),
		jen.Return(jen.Id("out")),
	)
}

// answerDecls emits Answer, RecordAnswer and Raw, the escape hatch:
//
//	type Answer struct { Node string; Status int; Header http.Header; Body []byte }
//	func RecordAnswer(ctx context.Context, a *Answer) context.Context {
//		return rtWithRecorder(ctx, func(r *rtResult) { *a = Answer{Node: r.Node, …} })
//	}
//	func (c *Client) Raw(ctx context.Context, method, path, query string, body []byte) (*Answer, error) {
//		q := rtQuery{b: []byte(query)}
//		spec := rtOp{Method: method, Path: strings.TrimPrefix(path, "/"), Write: method != "GET", Repeat: method == "GET"}
//		res, err := c.rt.Do(ctx, spec, &q, body)
//		if err != nil { return nil, fmt.Errorf("%s %s: %w", method, path, err) }
//		return &Answer{…}, nil
//	}
func answerDecls(f *jen.File) {
	fill := jen.Dict{
		jen.Id("Node"): jen.Id("rtHost").Call(jen.Id("r").Dot("Node")), jen.Id("Status"): jen.Id("r").Dot("Status"),
		jen.Id("Header"): jen.Id("r").Dot("Header"), jen.Id("Body"): jen.Id("r").Dot("Body"),
	}
	f.Comment("Answer is one answer as it came: who sent it and its raw bytes.")
	f.Type().Id("Answer").Struct(
		jen.Comment("Node is the host:port of the server that answered, after any redirect."),
		jen.Id("Node").String(),
		jen.Comment("Status is the HTTP status."),
		jen.Id("Status").Int(),
		jen.Comment("Header is the answer's header."),
		jen.Id("Header").Qual("net/http", "Header"),
		jen.Comment("Body is the whole body, read within the client's bound."),
		jen.Id("Body").Index().Byte(),
	)
	f.Comment("RecordAnswer returns a context whose calls store their answer in a: the node that answered and")
	f.Comment("the raw body the result was decoded from, for fields the spec does not describe.")
	f.Func().Id("RecordAnswer").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("a").Op("*").Id("Answer")).Qual("context", "Context").Block(
		jen.Return(jen.Id("rtWithRecorder").Call(jen.Id("ctx"), jen.Func().Params(jen.Id("r").Op("*").Id("rtResult")).Block(
			jen.Op("*").Id("a").Op("=").Id("Answer").Values(fill)))))
	f.Comment("Raw calls a path the spec may not describe (an older server's /perfCounter) with a query as it")
	f.Comment("goes on the wire, already escaped, under the same redirect, bound and timeout rules as every")
	f.Comment("call. It returns the answer whatever its status; on a client of several addresses it fails over")
	f.Comment("like a cluster-wide call, so call node-local paths on Node(addr). A GET counts as a read, safe to")
	f.Comment("send again; any other method as a write that is not.")
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id("Raw").Params(
		jen.Id("ctx").Qual("context", "Context"), jen.List(jen.Id("method"), jen.Id("path"), jen.Id("query")).String(), jen.Id("body").Index().Byte(),
	).Params(jen.Op("*").Id("Answer"), jen.Error()).Block(
		jen.Id("q").Op(":=").Id("rtQuery").Values(jen.Dict{jen.Id("b"): jen.Index().Byte().Call(jen.Id("query"))}),
		jen.Id("spec").Op(":=").Id("rtOp").Values(jen.Dict{
			jen.Id("Method"): jen.Id("method"), jen.Id("Path"): jen.Qual("strings", "TrimPrefix").Call(jen.Id("path"), jen.Lit("/")),
			jen.Id("Write"): jen.Id("method").Op("!=").Lit("GET"), jen.Id("Repeat"): jen.Id("method").Op("==").Lit("GET"),
		}),
		jen.List(jen.Id("r"), jen.Err()).Op(":=").Id("c").Dot("rt").Dot("Do").Call(jen.Id("ctx"), jen.Id("spec"), jen.Op("&").Id("q"), jen.Id("body")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s %s: %w"), jen.Id("method"), jen.Id("path"), jen.Err()))),
		jen.Return(jen.Op("&").Id("Answer").Values(fill), jen.Nil()),
	)
}
