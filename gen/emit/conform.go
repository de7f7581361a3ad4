package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// conformFile emits a role's conformance suite: the entry points, and the
// tables the bundled engine (gen/conformrt) reads from conform_spec.json,
// embedded:
//
//	//go:embed conform_spec.json
//	var cfSpecJSON []byte
//	var cfSpec = cfLoad(cfSpecJSON, cfRuleFuncs)
func conformFile(api *ir.API, role *ir.Role) *jen.File {
	f := newFile(role.ConformPackage)
	f.PackageComment(fmt.Sprintf("Package %s is the conformance suite of the %s HTTP admin API (%s), generated from the spec by pegasus-gen: "+
		"it checks running servers, or a handler in process, against everything the spec says of them.",
		role.ConformPackage, nonEmpty(role.Title, role.Name), nonEmpty(api.Title, "spec")))
	f.Anon("embed")
	conformEntryPoints(f, role)
	f.Comment("cfSpecJSON is the spec as the engine reads it, written by pegasus-gen.")
	f.Comment("")
	f.Comment("//go:embed " + conformSpecFile)
	f.Var().Id("cfSpecJSON").Index().Byte()
	conformRuleFuncs(f, role)
	f.Comment("cfSpec is cfSpecJSON decoded, with the rules' checks.")
	f.Var().Id("cfSpec").Op("=").Id("cfLoad").Call(jen.Id("cfSpecJSON"), jen.Id("cfRuleFuncs"))
	return f
}

// conformSpecFile is the name of the tables next to the generated code.
const conformSpecFile = "conform_spec.json"

// conformEntryPoints emits Role, Run, Check and TargetFromEnv:
//
//	func Run(t *testing.T, target Target) *Report { t.Helper(); return cfRunT(t, cfSpec, target) }
//	func Check(ctx context.Context, target Target) (*Report, error) { return cfCheck(ctx, cfSpec, target) }
//	func TargetFromEnv() (Target, bool) { return cfTargetFromEnv("PEGASUS_CONFORM_META") }
//	func Operations() []string { return cfOperations(cfSpec) }
//	func HasOperation(name string) bool { return cfHasOperation(cfSpec, name) }
//	func Features() []string { return cfFeatureNames(cfSpec) }
//	func Vars() []string { return cfVarNames(cfSpec) }
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
	f.Comment(fmt.Sprintf("TargetFromEnv is the target named by %s (comma-separated host:port) and", role.ConformEnv))
	f.Comment("PEGASUS_CONFORM_MUTATING=1, for running the suite under go test against a live cluster; false when unset.")
	f.Func().Id("TargetFromEnv").Params().Params(jen.Id("Target"), jen.Bool()).Block(
		jen.Return(jen.Id("cfTargetFromEnv").Call(jen.Lit(role.ConformEnv))),
	)
	f.Comment("Operations names every operation the suite checks, as reports name them (\"GET /meta/app\"), in spec order:")
	f.Comment("the names Target.Operations takes, besides paths and Go names.")
	f.Func().Id("Operations").Params().Index().String().Block(
		jen.Return(jen.Id("cfOperations").Call(jen.Id("cfSpec"))),
	)
	f.Comment("Features names the optional features Target.Features takes for this role, and Vars the scenario")
	f.Comment("variables Target.Vars takes: a name outside them is a typo that would check the wrong thing.")
	f.Func().Id("Features").Params().Index().String().Block(jen.Return(jen.Id("cfFeatureNames").Call(jen.Id("cfSpec"))))
	f.Func().Id("Vars").Params().Index().String().Block(jen.Return(jen.Id("cfVarNames").Call(jen.Id("cfSpec"))))
	f.Comment("HasOperation reports whether name, as Target.Operations takes it, names an operation of this role.")
	f.Func().Id("HasOperation").Params(jen.Id("name").String()).Bool().Block(
		jen.Return(jen.Id("cfHasOperation").Call(jen.Id("cfSpec"), jen.Id("name"))),
	)
}
