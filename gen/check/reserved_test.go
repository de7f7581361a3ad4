package check

import (
	"strings"
	"testing"

	"github.com/pegasus-kv/pegasus-gen/spec"
)

// TestReservedNamesDocumented: every name the generated packages declare,
// and the Client's own methods, are listed in CONVENTIONS' "Adding an
// endpoint", where a maintainer choosing an operationId looks.
func TestReservedNamesDocumented(t *testing.T) {
	doc := string(spec.Conventions)
	i := strings.Index(doc, "## Adding an endpoint")
	if i < 0 {
		t.Fatal(`CONVENTIONS.md has no "## Adding an endpoint" section`)
	}
	section := doc[i:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	for _, n := range append(append([]string{}, reserved...), clientMethods...) {
		if !strings.Contains(section, "`"+n+"`") {
			t.Errorf("reserved name %s is not listed in CONVENTIONS' Adding an endpoint", n)
		}
	}
}
