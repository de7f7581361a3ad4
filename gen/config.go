package gen

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/pegasus-kv/pegasus-gen/gen/diag"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
	"github.com/pegasus-kv/pegasus-gen/gen/ir"
	"github.com/pegasus-kv/pegasus-gen/gen/irbuild"
	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

// Config is pegasus-gen.yaml: what a server repo wants generated.
//
//	spec: spec/pegasus.yaml      # default: the spec bundled in pegasus-gen
//	out: generated
//	roles:                       # default: every role, with the spec's package names
//	  meta: {package: metaapi}
//	features: {pprof: false}     # change a feature's default (e.g. a build without gperftools)
//	outputs: [server, client, help, docs]
//
// ParseConfig reads the file node by node, to place its problems; the
// tags are for writing one (yaml.Marshal).
type Config struct {
	Spec     string                `yaml:"spec,omitempty"`
	Out      string                `yaml:"out,omitempty"`
	Roles    map[string]RoleConfig `yaml:"roles,omitempty"`
	Features map[string]bool       `yaml:"features,omitempty"`
	Outputs  []string              `yaml:"outputs,omitempty"`

	// file and pos place problems in the config file: pos is keyed by
	// the path of a key, "roles/meta/package".
	file string
	pos  map[string]ir.Pos

	// problems are what ParseConfig found wrong that leaves the spec and
	// out keys readable: Run reports them with the checks against the
	// spec (checkConfig), so that all come in one run.
	problems diag.List
}

// RoleConfig is per-role configuration.
type RoleConfig struct {
	Package string `yaml:"package,omitempty"`
}

// configKeys are the keys of pegasus-gen.yaml.
var configKeys = []string{"features", "out", "outputs", "roles", "spec"}

// outputNames are the output kinds, in the order they are documented.
var outputNames = []string{"server", "client", "help", "docs", "conform"}

// ParseConfig reads a config file strictly: an unknown key is an error,
// since a misspelt option silently ignored is a generator doing the wrong
// thing without saying so. Every problem is a diagnostic placed in the
// file, as a spec's are.
//
// With problems, the error is returned with a config as far as it could
// be read when its spec and out keys are sound: Run reports its problems
// again together with those found against the spec, in one run. The
// config is nil when the file cannot be read that far.
func ParseConfig(file string, data []byte) (*Config, error) {
	c := &Config{file: file, pos: map[string]ir.Pos{}}
	root, err := load.ParseYAML(file, data)
	if err != nil {
		return nil, &StageError{"config", err}
	}
	var l diag.List
	sound := true
	if root != nil {
		duplicates(&l, c, root, 0)
		sound = c.read(&l, root)
	}
	if err := l.Err(); err != nil {
		if !sound {
			return nil, &StageError{"config", err}
		}
		c.problems = l
		return c, &StageError{"config", err}
	}
	return c, nil
}

// duplicates refuses a key written twice in a mapping of the file, at the
// second, naming the first's line: yaml reads the last silently.
func duplicates(l *diag.List, c *Config, n *yaml.Node, depth int) {
	if depth > 50 {
		return
	}
	if n.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode {
				if f, dup := first[k.Value]; dup {
					l.Add(c.at(k), "", "duplicate key %q: it is already at line %d; write each key once", k.Value, f.Line)
				} else {
					first[k.Value] = k
				}
			}
		}
	}
	for _, ch := range n.Content {
		duplicates(l, c, ch, depth+1)
	}
}

// read fills c from the file's top-level mapping. It reports whether
// what says where the spec and the output are was read.
func (c *Config) read(l *diag.List, root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode {
		l.Add(c.at(root), "", "expected a mapping of %s", strings.Join(configKeys, ", "))
		return false
	}
	sound := true
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if _, dup := c.pos[k.Value]; dup {
			continue // reported by duplicates; the first counts
		}
		c.pos[k.Value] = c.at(k)
		switch k.Value {
		case "spec", "out":
			n := len(*l)
			val := c.str(l, v, k.Value)
			sound = sound && len(*l) == n
			if k.Value == "spec" {
				c.Spec = val
			} else {
				c.Out = val
			}
		case "roles":
			c.readRoles(l, v)
		case "features":
			c.Features = map[string]bool{}
			for _, e := range c.entries(l, v, "features") {
				c.pos["features/"+e[0].Value] = c.at(e[0])
				if e[1].Kind != yaml.ScalarNode || e[1].Tag != "!!bool" {
					l.Add(c.at(e[1]), "", "features: %s: expected true or false, found %s", e[0].Value, describe(e[1]))
					continue
				}
				c.Features[e[0].Value] = e[1].Value == "true"
			}
		case "outputs":
			c.readOutputs(l, v)
		default:
			l.Add(c.at(k), "", "unknown key %q: the keys are %s", k.Value, strings.Join(configKeys, ", "))
		}
	}
	return sound
}

// readRoles reads roles: {name: {package: p}}.
func (c *Config) readRoles(l *diag.List, v *yaml.Node) {
	c.Roles = map[string]RoleConfig{}
	for _, e := range c.entries(l, v, "roles") {
		name := e[0].Value
		c.pos["roles/"+name] = c.at(e[0])
		var rc RoleConfig
		for _, f := range c.entries(l, e[1], "roles: "+name) {
			if f[0].Value != "package" {
				l.Add(c.at(f[0]), "", "roles: %s: unknown key %q: the only key is package", name, f[0].Value)
				continue
			}
			c.pos["roles/"+name+"/package"] = c.at(f[1])
			rc.Package = c.str(l, f[1], "roles: "+name+": package")
		}
		c.Roles[name] = rc
	}
}

// readOutputs reads outputs: [kind, ...].
func (c *Config) readOutputs(l *diag.List, v *yaml.Node) {
	if v.Kind != yaml.SequenceNode {
		l.Add(c.at(v), "", "outputs: expected a list of %s, found %s", strings.Join(outputNames, ", "), describe(v))
		return
	}
	if len(v.Content) == 0 {
		// Read as "all", an empty list would generate what it seems to rule out.
		l.Add(c.at(v), "", "outputs: the list is empty: name at least one output (%s), or drop the key for all", strings.Join(outputNames, ", "))
		return
	}
	for _, e := range v.Content {
		name := c.str(l, e, "outputs")
		known := false
		for _, n := range outputNames {
			known = known || n == name
		}
		if !known {
			l.Add(c.at(e), "", "outputs: unknown output %q: the outputs are %s", name, strings.Join(outputNames, ", "))
			continue
		}
		c.Outputs = append(c.Outputs, name)
	}
}

// entries are a mapping's key and value nodes; null is an empty mapping.
func (c *Config) entries(l *diag.List, v *yaml.Node, what string) [][2]*yaml.Node {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		l.Add(c.at(v), "", "%s: expected a mapping, found %s", what, describe(v))
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		if k := v.Content[i]; !seen[k.Value] { // a repeat is reported by duplicates; the first counts
			seen[k.Value] = true
			out = append(out, [2]*yaml.Node{k, v.Content[i+1]})
		}
	}
	return out
}

// str is a scalar's text; anything else is reported.
func (c *Config) str(l *diag.List, v *yaml.Node, what string) string {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		l.Add(c.at(v), "", "%s: expected a string, found %s", what, describe(v))
		return ""
	}
	return v.Value
}

// describe names the kind of a node for a reader.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

// at is a node's place in the config file.
func (c *Config) at(n *yaml.Node) ir.Pos { return ir.Pos{File: c.file, Line: n.Line, Col: n.Column} }

// Pos is the place of a key of the config file ("spec", "roles/meta"),
// or its start when the key is not there.
func (c *Config) Pos(key string) ir.Pos {
	if p, ok := c.pos[key]; ok {
		return p
	}
	return ir.Pos{File: c.file, Line: 1, Col: 1}
}

// Problem is an error about a key of the config file, placed at the key,
// for the command's own checks (a spec file that cannot be read).
func (c *Config) Problem(key, format string, args ...any) error {
	var l diag.List
	l.Add(c.Pos(key), "", format, args...)
	return &StageError{"config", l.Err()}
}

// outputs turns the list of output names into emit.Outputs.
func (c *Config) outputs() emit.Outputs {
	if len(c.Outputs) == 0 {
		return emit.AllOutputs
	}
	var o emit.Outputs
	for _, name := range c.Outputs {
		switch name {
		case "server":
			o.Server = true
		case "client":
			o.Client = true
		case "help":
			o.Help = true
		case "docs":
			o.Docs = true
		case "conform":
			o.Conform = true
		}
	}
	return o
}

// emitConfig is the emit stage's view of the config.
func (c *Config) emitConfig() emit.Config {
	ec := emit.Config{Outputs: c.outputs(), Packages: map[string]string{}, ConformPackages: map[string]string{}}
	for name, rc := range c.Roles {
		ec.Roles = append(ec.Roles, name)
		if rc.Package != "" {
			ec.Packages[name] = rc.Package
			ec.ConformPackages[name] = irbuild.ConformPackage(rc.Package)
		}
	}
	sort.Strings(ec.Roles)
	return ec
}

// checkConfig refuses a config that names roles or features the spec
// lacks, gives a package a name Go does not accept, or gives two roles one
// package (their files would overwrite each other); each problem is placed
// in the config file and names what the spec has.
func checkConfig(api *ir.API, c *Config) diag.List {
	var l diag.List
	known := map[string]string{}
	var roleNames, featNames []string
	for _, r := range api.Roles {
		known[r.Name] = r.Package
		roleNames = append(roleNames, r.Name)
	}
	for _, n := range slices.Sorted(maps.Keys(c.Roles)) {
		if _, ok := known[n]; !ok {
			l.Add(c.Pos("roles/"+n), "", "roles: the spec has no role %q: its roles are %s", n, strings.Join(roleNames, ", "))
			continue
		}
		if p := c.Roles[n].Package; p != "" {
			if why := irbuild.PackageProblem(p); why != "" {
				l.Add(c.Pos("roles/"+n+"/package"), "", "roles: %s: package %q %s", n, p, why)
			}
			known[n] = p
		}
	}
	byPkg := map[string]string{}
	for _, r := range api.Roles {
		if _, chosen := c.Roles[r.Name]; len(c.Roles) > 0 && !chosen {
			continue
		}
		if other, ok := byPkg[known[r.Name]]; ok {
			l.Add(c.Pos("roles/"+r.Name), "", "roles: %s and %s would both be package %q: give one another package", other, r.Name, known[r.Name])
		}
		byPkg[known[r.Name]] = r.Name
	}
	feats := map[string]*ir.Feature{}
	for _, f := range api.Features {
		feats[f.Name] = f
		featNames = append(featNames, f.Name)
	}
	for _, n := range slices.Sorted(maps.Keys(c.Features)) {
		if feats[n] == nil {
			names := "it has none"
			if len(featNames) > 0 {
				names = "its features are " + strings.Join(featNames, ", ")
			}
			l.Add(c.Pos("features/"+n), "", "features: the spec has no feature %q: %s", n, names)
		}
	}
	return l
}

// applyFeatures changes feature defaults as the config asks.
func applyFeatures(api *ir.API, set map[string]bool) {
	for _, f := range api.Features {
		if on, ok := set[f.Name]; ok {
			f.Default = on
		}
	}
}
