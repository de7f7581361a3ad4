package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// apiFile emits what the server and the client share: role constants,
// features, the help entries, and one request type per operation.
func apiFile(api *ir.API, role *ir.Role) *jen.File {
	f := newFile(role.Package)
	f.PackageComment(fmt.Sprintf("Package %s is the %s HTTP admin API of Apache Pegasus (%s), generated from the spec by pegasus-gen.",
		role.Package, nonEmpty(role.Title, role.Name), nonEmpty(api.Title, "spec")))
	roleConsts(f, role)
	featureDecls(f, api, role)
	helpEntriesDecl(f, role)
	argsDecl(f)
	for _, op := range role.Operations {
		if op.Builtin == ir.NoBuiltin {
			requestDecl(f, op)
		}
	}
	return f
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// roleConsts emits the role's name and default port.
func roleConsts(f *jen.File, role *ir.Role) {
	f.Comment("Role is the name of this server role in the spec.")
	f.Const().Id("Role").Op("=").Lit(role.Name)
	if role.DefaultPort != 0 {
		f.Comment("DefaultPort is the port this role listens on unless configured otherwise; HTTP shares it with RPC.")
		f.Const().Id("DefaultPort").Op("=").Lit(role.DefaultPort)
	}
}

// roleFeatures is the features some operation of the role belongs to, in
// spec order.
func roleFeatures(api *ir.API, role *ir.Role) []*ir.Feature {
	used := map[*ir.Feature]bool{}
	for _, op := range role.Operations {
		used[op.Feature] = true
	}
	var out []*ir.Feature
	for _, ft := range api.Features {
		if used[ft] {
			out = append(out, ft)
		}
	}
	return out
}

// featureDecls emits the Feature type, one constant per feature and the
// default set:
//
//	type Feature string
//	const FeaturePprof Feature = "pprof"
//	func DefaultFeatures() map[Feature]bool { return map[Feature]bool{FeaturePprof: true} }
func featureDecls(f *jen.File, api *ir.API, role *ir.Role) {
	f.Comment("Feature names an optional set of operations that a server may or may not serve.")
	f.Type().Id("Feature").String()
	feats := roleFeatures(api, role)
	defaults := make(jen.Dict)
	for _, ft := range feats {
		f.Comment(docText(ft.ConstName, ft.Description, "switches an optional set of operations."))
		f.Const().Id(ft.ConstName).Id("Feature").Op("=").Lit(ft.Name)
		defaults[jen.Id(ft.ConstName)] = jen.Lit(ft.Default)
	}
	f.Comment("DefaultFeatures is what a server built with default options serves.")
	f.Func().Id("DefaultFeatures").Params().Map(jen.Id("Feature")).Bool().Block(
		jen.Return(jen.Map(jen.Id("Feature")).Bool().Values(defaults)),
	)
}

// helpEntriesDecl emits the help index rows in byte order of path, with the
// feature each belongs to, and HelpIndex, the body of GET /:
//
//	var helpEntries = []rtHelpEntry{{Path: "/", Help: "List all supported calls."}, ...}
func helpEntriesDecl(f *jen.File, role *ir.Role) {
	rows := make([]jen.Code, 0, len(role.Help))
	for _, h := range role.Help {
		d := jen.Dict{jen.Id("Path"): jen.Lit(h.Path), jen.Id("Help"): jen.Lit(h.Help)}
		if h.Feature != nil {
			d[jen.Id("Feature")] = jen.Lit(h.Feature.Name)
		}
		rows = append(rows, jen.Values(d))
	}
	f.Comment("helpEntries are the lines of GET /, in byte order of path as the real server's std::map keeps them.")
	f.Var().Id("helpEntries").Op("=").Index().Id("rtHelpEntry").Values(rows...)
	f.Comment("HelpIndex returns the exact body of GET / for a server serving features (nil: the defaults).")
	f.Func().Id("HelpIndex").Params(jen.Id("features").Map(jen.Id("Feature")).Bool()).Index().Byte().Block(
		jen.Id("on").Op(":=").Id("resolveFeatures").Call(jen.Id("features")),
		jen.Return(jen.Id("rtHelpIndex").Call(jen.Id("helpEntries"), jen.Func().Params(jen.Id("name").String()).Bool().Block(
			jen.Return(jen.Id("on").Index(jen.Id("Feature").Call(jen.Id("name")))),
		))),
	)
	f.Comment("resolveFeatures fills the features a caller did not mention with their defaults.")
	f.Func().Id("resolveFeatures").Params(jen.Id("in").Map(jen.Id("Feature")).Bool()).Map(jen.Id("Feature")).Bool().Block(
		jen.Id("out").Op(":=").Id("DefaultFeatures").Call(),
		jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("in")).Block(jen.Id("out").Index(jen.Id("k")).Op("=").Id("v")),
		jen.Return(jen.Id("out")),
	)
}

// argsDecl emits Args, the request's arguments as the server decoded them;
// the runtime's rtArgs holds them and gives the methods:
//
//	type Args struct{ rtArgs }
//	func NewArgs(pairs ...string) Args { return Args{rtArgsFromPairs(pairs...)} }
func argsDecl(f *jen.File) {
	f.Comment("Args are a request's query arguments as the server decoded them, before typing: some real")
	f.Comment("answers echo an argument exactly as sent (\"app_id=0x4 not found\"). Clients leave it empty.")
	f.Type().Id("Args").Struct(jen.Id("rtArgs"))
	f.Comment("NewArgs makes the arguments a client sends for a free-form parameter, from key, value pairs.")
	f.Func().Id("NewArgs").Params(jen.Id("pairs").Op("...").String()).Id("Args").Block(
		jen.Return(jen.Id("Args").Values(jen.Id("rtArgsFromPairs").Call(jen.Id("pairs").Op("...")))))
}

// requestDecl emits the typed arguments of one operation:
//
//	// GetMetaAppRequest carries the arguments of GET /meta/app.
//	type GetMetaAppRequest struct {
//		Name   string
//		Detail bool
//	}
func requestDecl(f *jen.File, op *ir.Operation) {
	fields := make([]jen.Code, 0, len(op.Params)+1)
	for _, p := range op.Params {
		fields = append(fields, jen.Comment(paramDoc(p)).Line().Id(p.GoName).Add(paramType(p)))
	}
	if op.Body != nil {
		doc := "Body is the request body."
		if op.Body.Description != "" {
			doc = "Body: " + oneParagraph(op.Body.Description)
		}
		fields = append(fields, jen.Comment(doc).Line().Id("Body").Add(goType(op.Body.Type)))
	}
	if op.RawArgs {
		fields = append(fields, jen.Comment("Args are the arguments as decoded, for answers that echo them; the server fills it.").Line().Id("Args").Id("Args"))
	}
	f.Comment(fmt.Sprintf("%s carries the arguments of %s %s.", op.RequestGoName, op.Method, op.Path))
	f.Type().Id(op.RequestGoName).Struct(fields...)
}

// paramDoc says how a parameter travels, which the Go type alone cannot.
func paramDoc(p *ir.Param) string {
	var how string
	switch p.Kind {
	case ir.FlagParam:
		how = "a presence flag: any value, or none, means true"
	case ir.ListParam:
		how = "a comma list; nil when absent, empty when given empty"
	case ir.PairsParam:
		how = "a comma list of name,value pairs, flattened; nil when absent"
	case ir.FreeFormParam:
		how = "every query argument, key to value"
	default:
		switch {
		case p.Required:
			how = "required"
		case p.Default != nil:
			how = "optional; nil asks for the default, " + *p.Default + ", which a server handler always receives"
		default:
			how = "optional; nil when absent"
		}
	}
	s := fmt.Sprintf("%s is the query parameter %q (%s).", p.GoName, p.Name, how)
	if d := oneParagraph(p.Description); d != "" {
		s += " " + d
	}
	return s
}
