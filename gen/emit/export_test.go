package emit

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// CaptureRaw runs f with every Go file that generation formats (whole by
// renderGo, or in parts by renderParts: both through formatGo) recorded,
// by path, as jennifer rendered it, and returns them.
// Only one CaptureRaw may run at a time.
func CaptureRaw(f func()) map[string][]byte {
	var mu sync.Mutex
	raw := map[string][]byte{}
	saved := formatGo
	formatGo = func(p string, src []byte) ([]byte, error) {
		mu.Lock()
		raw[p] = append([]byte(nil), src...)
		mu.Unlock()
		return saved(p, src)
	}
	defer func() { formatGo = saved }()
	f()
	return raw
}

// Gofmt is gofmt, for the external tests.
var Gofmt = gofmt

// SlowGofmt is slowGofmt, for the external tests.
var SlowGofmt = slowGofmt

// PartedFiles renders each Go file of a role that is made in parts, a
// part at a time as generation does, and as one jen.File: by name, the
// two renderings. It fails if a file would fall back to one jen.File, which
// would make the comparison hold trivially.
func PartedFiles(api *ir.API, role *ir.Role) (map[string][2][]byte, error) {
	out := map[string][2][]byte{}
	for name, pf := range map[string]partedFile{
		"types_gen.go": typesFile(api, role), "api_gen.go": apiFile(api, role),
		"server_gen.go": serverFile(api, role), "client_gen.go": clientFile(api, role),
	} {
		if _, inParts := joinParts(pf, new(bytes.Buffer)); !inParts {
			return nil, fmt.Errorf("%s: rendered as one file, not in parts", name)
		}
		parts, err := renderParts(name, pf)
		if err != nil {
			return nil, err
		}
		whole, err := renderGo(name, pf.whole())
		if err != nil {
			return nil, err
		}
		out[name] = [2][]byte{parts, whole}
	}
	return out, nil
}

// PartsWith renders parts that use the given import paths (one a part) in
// parts and whole, and says whether the parts were joined (rather than
// the whole file rendered for want of it).
func PartsWith(paths ...string) (parts, whole []byte, joined bool, err error) {
	pf := partedFile{pkg: "x", header: "// header", doc: "Package x is x."}
	for i, p := range paths {
		pf.parts = append(pf.parts, func(f *jen.File) {
			f.Func().Id("F" + strconv.Itoa(i)).Params().Block(jen.Qual(p, "X").Call())
		})
	}
	_, joined = joinParts(pf, new(bytes.Buffer))
	if parts, err = renderParts("x.go", pf); err != nil {
		return nil, nil, false, err
	}
	whole, err = renderGo("x.go", pf.whole())
	return parts, whole, joined, err
}
