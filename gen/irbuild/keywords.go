package irbuild

import (
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// NamedFormats are the string formats of the dialect, which the
// conformance suites check on answers (spec/CONVENTIONS.md, "Named
// formats"); "binary" is the opaque body of the binary format.
var NamedFormats = []string{"host-port", "host-port-list", "pegasus-time", "pegasus-time-ms"}

// keywords reads the keywords an answer's member is checked against:
// pattern (a Go regular expression), maxLength, maximum and a named
// format.
func (b *builder) keywords(f *ir.Field, v *openapi3.Schema, ptr, subj string) {
	if v.Pattern != "" {
		if _, err := regexp.Compile(v.Pattern); err != nil {
			b.diags.Add(b.spec.Pos(ptr+"/pattern"), subj, "property %q: pattern %q is not a Go (RE2) regular expression: %v", f.JSONName, v.Pattern, err)
		} else {
			f.Pattern = v.Pattern
		}
	}
	if v.MaxLength != nil {
		n := int(*v.MaxLength)
		f.MaxLength = &n
	}
	if v.Max != nil {
		m := int64(*v.Max)
		f.Max = &m
	}
	// A number sent as a string (x-pegasus-string-of) keeps its number's
	// format (int64, double).
	if v.Type.Is("string") && v.Format != "" && v.Format != "binary" && v.Extensions["x-pegasus-string-of"] == nil {
		known := false
		for _, n := range NamedFormats {
			known = known || n == v.Format
		}
		if !known {
			b.diags.Add(b.spec.Pos(ptr+"/format"), subj, "property %q: format %q is not one of the named formats %s (see spec/CONVENTIONS.md)", f.JSONName, v.Format, strings.Join(NamedFormats, ", "))
		} else {
			f.Format = v.Format
		}
	}
}
