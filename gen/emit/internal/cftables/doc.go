// Package cftables is the conformance engine's table types (gen/conformrt's
// spec.go and export.go, copied by go generate ./gen/emit and checked by
// TestMirror), for the emitter to fill and write as JSON. Importing
// gen/conformrt itself would compile and link the whole engine, with
// testing, net/http/httptest and encoding/xml, into pegasus-gen, which
// needs only these types.
package cftables
