// Package templates holds the text templates of pegasus-gen's non-Go
// outputs (the help index and the API reference), embedded so that an
// installed binary needs no files beside it.
package templates

import (
	"embed"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Parse parses every template once, with the caller's functions, failing on
// a missing key rather than printing "<no value>" into a document.
func Parse(funcs template.FuncMap) (*template.Template, error) {
	return template.New("templates").Option("missingkey=error").Funcs(funcs).ParseFS(files, "*.tmpl")
}

// Starter holds the files of the module `pegasus-gen init` writes, as
// templates of the module path and package names (gen/starter fills them).
//
//go:embed starter/*.tmpl
var Starter embed.FS
