package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// conformFile emits a role's conformance suite: the spec as tables for the
// bundled engine (gen/conformrt), and the suite's three entry points.
func conformFile(api *ir.API, role *ir.Role) *jen.File {
	f := newFile(role.ConformPackage)
	f.PackageComment(fmt.Sprintf("Package %s is the conformance suite of the %s HTTP admin API (%s), generated from the spec by pegasus-gen: "+
		"it checks running servers, or a handler in process, against everything the spec says of them.",
		role.ConformPackage, nonEmpty(role.Title, role.Name), nonEmpty(api.Title, "spec")))
	conformEntryPoints(f, role)
	t := newConformTables(role)
	// var cfSpec = &cfAPI{Role: "meta", Ops: []*cfOp{…}, Types: []*cfSchema{…}, …}
	f.Comment("cfSpec is the spec as the engine reads it.")
	f.Var().Id("cfSpec").Op("=").Op("&").Id("cfAPI").Values(omitZero(jen.Dict{
		jen.Id("Role"):      jen.Lit(role.Name),
		jen.Id("Title"):     jen.Lit(role.Title),
		jen.Id("Features"):  conformFeatures(api, role),
		jen.Id("Help"):      conformHelp(role),
		jen.Id("Guards"):    conformGuards(api),
		jen.Id("Types"):     t.types(),
		jen.Id("Ops"):       t.ops(),
		jen.Id("Primary"):   conformPrimary(api, role),
		jen.Id("Vars"):      conformVars(api),
		jen.Id("Scenarios"): conformScenarios(api, role),
	}))
	return f
}

// conformEntryPoints emits Role, Run, Check and TargetFromEnv:
//
//	func Run(t *testing.T, target Target) *Report { t.Helper(); return cfRunT(t, cfSpec, target) }
//	func Check(ctx context.Context, target Target) (*Report, error) { return cfCheck(ctx, cfSpec, target) }
//	func TargetFromEnv() (Target, bool) { return cfTargetFromEnv(Role) }
func conformEntryPoints(f *jen.File, role *ir.Role) {
	f.Comment("Role is the server role this suite checks.")
	f.Const().Id("Role").Op("=").Lit(role.Name)
	f.Comment("Run checks target under go test: one subtest per check, server and operation, each failing with the cases that")
	f.Comment("failed and a curl line for each. It returns the report, or nil when the servers could not be reached.")
	f.Func().Id("Run").Params(jen.Id("t").Op("*").Qual("testing", "T"), jen.Id("target").Id("Target")).Op("*").Id("Report").Block(
		jen.Id("t").Dot("Helper").Call(),
		jen.Return(jen.Id("cfRunT").Call(jen.Id("t"), jen.Id("cfSpec"), jen.Id("target"))),
	)
	f.Comment("Check runs every check against target and reports each case. The error is for a target that cannot be checked")
	f.Comment("at all (no server, or one that does not answer, wrapping ErrUnreachable); failed checks are in the report.")
	f.Func().Id("Check").Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("target").Id("Target")).Params(jen.Op("*").Id("Report"), jen.Error()).Block(
		jen.Return(jen.Id("cfCheck").Call(jen.Id("ctx"), jen.Id("cfSpec"), jen.Id("target"))),
	)
	f.Comment(fmt.Sprintf("TargetFromEnv is the target named by PEGASUS_CONFORM_%s (comma-separated host:port) and", upperASCII(role.Name)))
	f.Comment("PEGASUS_CONFORM_MUTATING=1, for running the suite under go test against a live cluster; false when unset.")
	f.Func().Id("TargetFromEnv").Params().Params(jen.Id("Target"), jen.Bool()).Block(
		jen.Return(jen.Id("cfTargetFromEnv").Call(jen.Id("Role"))),
	)
}

// upperASCII upper-cases a role name for an environment variable.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// omitZero drops the entries of d whose value is nil, so that tables list
// only what is set.
func omitZero(d jen.Dict) jen.Dict {
	for k, v := range d {
		if v == nil {
			delete(d, k)
		}
	}
	return d
}

// litIf is a literal of v, or nil for the zero value.
func litIf[T comparable](v T) jen.Code {
	var zero T
	if v == zero {
		return nil
	}
	return jen.Lit(v)
}

// strings is a []string literal, or nil when empty.
func stringsLit(list []string) jen.Code {
	if len(list) == 0 {
		return nil
	}
	vals := make([]jen.Code, len(list))
	for i, s := range list {
		vals[i] = jen.Lit(s)
	}
	return jen.Index().String().Values(vals...)
}

// optString is cfStr("…") for a text the spec may leave out.
func optString(s *string) jen.Code {
	if s == nil {
		return nil
	}
	return jen.Id("cfStr").Call(jen.Lit(*s))
}

// conformFeatures lists the role's features and their defaults.
func conformFeatures(api *ir.API, role *ir.Role) jen.Code {
	feats := roleFeatures(api, role)
	if len(feats) == 0 {
		return nil
	}
	vals := make([]jen.Code, len(feats))
	for i, ft := range feats {
		vals[i] = jen.Values(omitZero(jen.Dict{jen.Id("Name"): jen.Lit(ft.Name), jen.Id("Default"): litIf(ft.Default)}))
	}
	return jen.Index().Id("cfFeature").Values(vals...)
}

// conformHelp lists the lines of GET /.
func conformHelp(role *ir.Role) jen.Code {
	vals := make([]jen.Code, len(role.Help))
	for i, h := range role.Help {
		d := jen.Dict{jen.Id("Path"): jen.Lit(h.Path), jen.Id("Text"): jen.Lit(h.Help)}
		if h.Feature != nil {
			d[jen.Id("Feature")] = jen.Lit(h.Feature.Name)
		}
		vals[i] = jen.Values(d)
	}
	return jen.Index().Id("cfHelp").Values(vals...)
}

// conformGuards lists the guards with their answers.
func conformGuards(api *ir.API) jen.Code {
	if len(api.Guards) == 0 {
		return nil
	}
	vals := make([]jen.Code, len(api.Guards))
	for i, g := range api.Guards {
		vals[i] = jen.Values(jen.Dict{jen.Id("Name"): jen.Lit(g.Name), jen.Id("Status"): jen.Lit(g.Status), jen.Id("Body"): jen.Lit(g.Body)})
	}
	return jen.Index().Id("cfGuard").Values(vals...)
}

// conformPrimary says how the role's primary names itself, when the role
// has the spec's primary operation.
func conformPrimary(api *ir.API, role *ir.Role) jen.Code {
	if api.Conform == nil || api.Conform.Primary == nil || !hasOp(role, api.Conform.Primary.Operation) {
		return nil
	}
	p := api.Conform.Primary
	return jen.Op("&").Id("cfPrimary").Values(jen.Dict{jen.Id("Path"): jen.Lit(p.Operation.Path), jen.Id("Field"): jen.Lit(p.Field)})
}

func hasOp(role *ir.Role, op *ir.Operation) bool {
	for _, o := range role.Operations {
		if o == op {
			return true
		}
	}
	return false
}

// conformVars lists the scenario variables and their defaults.
func conformVars(api *ir.API) jen.Code {
	if api.Conform == nil || len(api.Conform.Vars) == 0 {
		return nil
	}
	vals := make([]jen.Code, len(api.Conform.Vars))
	for i, v := range api.Conform.Vars {
		vals[i] = jen.Values(jen.Dict{jen.Id("Name"): jen.Lit(v.Name), jen.Id("Value"): jen.Lit(v.Value)})
	}
	return jen.Index().Id("cfVar").Values(vals...)
}
