package irbuild

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/gen/ir"
)

// TestMissesAreEachRulesOwn compiles rules side by side, as compileQueued
// does, over one set of schemas: each misspells the member "y" of a
// different schema, and each diagnostic must name its own rule's schema
// and members, whatever the others looked up meanwhile.
func TestMissesAreEachRulesOwn(t *testing.T) {
	const n = 16
	named := map[string]*ir.Type{}
	for i := range n {
		name := fmt.Sprintf("S%d", i)
		named[name] = &ir.Type{Name: name, Kind: ir.Struct, Fields: []*ir.Field{{JSONName: fmt.Sprintf("m%d", i), Type: &ir.TypeRef{Kind: ir.String}}}}
	}
	p := newCELTypes(named)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for round := range 20 {
				for i := range n {
					i := (i + round) % n
					self := &ir.TypeRef{Kind: ir.Struct, Named: named[fmt.Sprintf("S%d", i)]}
					_, _, problems := compileCEL(p, `self.y == ""`, []celVar{{"self", celType(self)}})
					want := fmt.Sprintf(`unknown member "y" of schema S%d: its members are m%d`, i, i)
					if len(problems) != 1 || !strings.Contains(problems[0].msg, want) {
						t.Errorf("S%d: got %v, want %q", i, problems, want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
