package gen

import (
	"bytes"
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/pegasus-kv/pegasus-gen/gen/build"
	"github.com/pegasus-kv/pegasus-gen/gen/emit"
)

// Config is pegasus-gen.yaml: what a server repo wants generated.
//
//	spec: spec/pegasus.yaml      # default: the spec bundled in pegasus-gen
//	out: generated
//	roles:                       # default: every role, with the spec's package names
//	  meta: {package: metaapi}
//	features: {pprof: false}     # change a feature's default (e.g. a build without gperftools)
//	outputs: [server, client, help, docs]
type Config struct {
	Spec     string                `yaml:"spec"`
	Out      string                `yaml:"out"`
	Roles    map[string]RoleConfig `yaml:"roles"`
	Features map[string]bool       `yaml:"features"`
	Outputs  []string              `yaml:"outputs"`
}

// RoleConfig is per-role configuration.
type RoleConfig struct {
	Package string `yaml:"package"`
}

// ParseConfig reads a config file strictly: an unknown key is an error,
// since a misspelt option silently ignored is a generator doing the wrong
// thing without saying so.
func ParseConfig(file string, data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if _, err := c.outputs(); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return &c, nil
}

// outputs turns the list of output names into emit.Outputs.
func (c *Config) outputs() (emit.Outputs, error) {
	if len(c.Outputs) == 0 {
		return emit.AllOutputs, nil
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
		default:
			return o, fmt.Errorf("outputs: unknown output %q (use server, client, help, docs, conform)", name)
		}
	}
	return o, nil
}

// emitConfig is the emit stage's view of the config.
func (c *Config) emitConfig() (emit.Config, error) {
	out, err := c.outputs()
	if err != nil {
		return emit.Config{}, err
	}
	ec := emit.Config{Outputs: out, Packages: map[string]string{}, ConformPackages: map[string]string{}}
	for name, rc := range c.Roles {
		ec.Roles = append(ec.Roles, name)
		if rc.Package != "" {
			ec.Packages[name] = rc.Package
			ec.ConformPackages[name] = build.ConformPackage(rc.Package)
		}
	}
	sort.Strings(ec.Roles)
	return ec, nil
}
