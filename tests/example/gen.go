// Command pegasusadmin is an example server repo: it generates the Pegasus
// MetaServer API with pegasus-gen and fills the stubs by hand.
package main

//go:generate go run github.com/pegasus-kv/pegasus-gen/cmd/pegasus-gen -config pegasus-gen.yaml
