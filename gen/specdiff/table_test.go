package specdiff

import (
	"context"
	"os"
	"strings"
	"testing"
)

// edit is one hand-made change of testdata/base.yaml: each old text is
// replaced by its new text, and the report must hold exactly the wanted
// changes, each of its class and with its text in What.
type edit struct {
	name string
	repl []string // old, new, old, new…
	want []want
}

type want struct {
	class Class
	what  string
}

var edits = []edit{
	{"removed operation", []string{`  /debug/dump:
    get:
      operationId: getDump
      x-pegasus: {roles: [leader, follower], help: "Dump state.", feature: debug}
      responses:
        "200":
          description: Binary dump.
          x-pegasus-format: binary
          content:
            text/plain:
              schema: {type: string, format: binary}
`, ""}, []want{{ClientBreaking, "operation removed"}}},
	{"new operation", []string{"components:\n", `  /ping:
    get:
      operationId: ping
      x-pegasus: {roles: [leader], help: "Ping."}
      responses:
        "200":
          description: Pong.
          x-pegasus-format: text
          content:
            text/plain:
              schema: {type: string}
components:
`}, []want{{Addition, "operation added"}}},
	{"renamed operation", []string{"operationId: getDump", "operationId: dumpState"},
		[]want{{ClientBreaking, "operation removed"}, {Addition, "operation added"}}},
	{"removed parameter", []string{`        - name: exact
          in: query
          schema: {type: boolean}
          x-pegasus: {invalid: "exact must be true or false"}
`, ""}, []want{{ClientBreaking, "parameter exact removed"}}},
	{"new optional parameter", []string{`          x-pegasus: {invalid: "exact must be true or false"}
`, `          x-pegasus: {invalid: "exact must be true or false"}
        - name: top
          in: query
          schema: {type: boolean}
          x-pegasus: {invalid: "top must be true or false"}
`}, []want{{Addition, "optional parameter top added"}}},
	{"new required parameter", []string{`          x-pegasus: {invalid: "exact must be true or false"}
`, `          x-pegasus: {invalid: "exact must be true or false"}
        - name: node
          in: query
          required: true
          schema: {type: string}
          x-pegasus: {missing: "node is required"}
`}, []want{{ClientBreaking, "required parameter node added"}}},
	{"parameter minimum raised", []string{"minimum: 1, default: 10", "minimum: 2, default: 10"},
		[]want{{ClientBreaking, `parameter limit minimum: "1" → "2"`}}},
	{"parameter minimum lowered", []string{"minimum: 1, default: 10", "minimum: 0, default: 10"},
		[]want{{ServerBreaking, `parameter limit minimum: "1" → "0"`}}},
	{"parameter default", []string{"minimum: 1, default: 10", "minimum: 1, default: 20"},
		[]want{{ServerBreaking, `parameter limit default: "10" → "20"`}}},
	{"request enum narrowed", []string{"mode: {type: string, enum: [once, periodic]", "mode: {type: string, enum: [periodic]"},
		[]want{{ClientBreaking, `member mode: no longer allows ["once"]`}}},
	{"request enum widened", []string{"mode: {type: string, enum: [once, periodic]", "mode: {type: string, enum: [once, periodic, daily]"},
		[]want{{ServerBreaking, `member mode: now allows ["daily"]`}}},
	{"answer enum narrowed", []string{"state: {type: string, enum: [up, down]}", "state: {type: string, enum: [up]}"},
		[]want{{ClientBreaking, `values: no longer allows ["down"]`}}},
	{"answer enum widened", []string{"state: {type: string, enum: [up, down]}", "state: {type: string, enum: [up, down, starting]}"},
		[]want{{Addition, `values: now allows ["starting"]`}}},
	{"type changed", []string{"uptime_seconds: {type: string, x-pegasus-string-of: integer, format: int64}", "uptime_seconds: {type: string, x-pegasus-string-of: integer, format: int32}"},
		[]want{{ClientBreaking, `type: "int64" → "int32"`}}},
	{"decimals", []string{"x-pegasus-decimals: 2", "x-pegasus-decimals: 3", `load: "0.50"`, `load: "0.500"`, `"load":"0.50"`, `"load":"0.500"`},
		[]want{{ServerBreaking, `decimals: "2" → "3"`}, {WireOnly, "200 examples"}}},
	{"new required answer member", []string{"required: [node, uptime_seconds, load, healthy]", "required: [node, uptime_seconds, load, healthy, role]",
		"        state: {type: string, enum: [up, down]}\n", "        state: {type: string, enum: [up, down]}\n        role: {type: string}\n",
		`healthy: "true"}
`, `healthy: "true", role: leader}
`, `"healthy":"true"}`, `"healthy":"true","role":"leader"}`},
		[]want{{ServerBreaking, "required member role added"}, {WireOnly, "200 examples"}}},
	{"new optional answer member", []string{"        state: {type: string, enum: [up, down]}\n", "        state: {type: string, enum: [up, down]}\n        role: {type: string}\n"},
		[]want{{Addition, "optional member role added"}}},
	{"new optional request member", []string{`        level: {type: integer`, `        note: {type: string}
        level: {type: integer`}, []want{{Addition, "optional member note added"}}},
	{"answer member made optional", []string{"required: [bytes, done]", "required: [bytes]"},
		[]want{{ClientBreaking, "member done required: true → false"}}},
	{"removed answer member", []string{"        state: {type: string, enum: [up, down]}\n", ""},
		[]want{{ClientBreaking, "member state removed"}}},
	{"member order", []string{"        error: {type: string}\n        hint: {type: string}\n", "        hint: {type: string}\n        error: {type: string}\n"},
		[]want{{ServerBreaking, "member order: error, hint → hint, error"}}},
	{"changed error text", []string{`missing: "prefix is required"`, `missing: "prefix is missing"`},
		[]want{{ServerBreaking, `parameter prefix missing error: "prefix is required" → "prefix is missing"`}}},
	{"changed body error text", []string{`x-pegasus-invalid: "level should be >= -1"`, `x-pegasus-invalid: "level must be >= -1"`},
		[]want{{ServerBreaking, `member level invalid error`}}},
	{"changed unknown-argument text", []string{`unknown-param-error: "unknown argument {name}"`, `unknown-param-error: "unknown parameter {name}"`},
		[]want{{ServerBreaking, "unknown-argument error"}}},
	{"changed method error", []string{`method-error: "use GET"`, `method-error: "use GET only"`},
		[]want{{ServerBreaking, `method error: "use GET" → "use GET only"`}}},
	{"changed error format", []string{"        error-format: json-error\n", ""},
		[]want{{ServerBreaking, `error format: "json-error" → "text"`}}},
	{"guard dropped from an operation", []string{`help: "id=<n>. Snapshot info.", guard: snapshots}`, `help: "id=<n>. Snapshot info."}`},
		[]want{{ServerBreaking, `guard: "snapshots" → (none)`}}},
	{"operation behind a feature", []string{`x-pegasus: {roles: [leader, follower], help: "Node status."}`, `x-pegasus: {roles: [leader, follower], help: "Node status.", feature: debug}`},
		[]want{{ServerBreaking, `feature: (none) → "debug"`}}},
	{"feature removed", []string{`x-pegasus-features:
  - name: debug
    default: false
    description: Debug endpoints.
`, "", `help: "Dump state.", feature: debug}`, `help: "Dump state."}`},
		[]want{{ClientBreaking, "removed"}, {ServerBreaking, `feature: "debug" → (none)`}}},
	{"default port", []string{"default-port: 7100", "default-port: 7200"},
		[]want{{WireOnly, `default port: "7100" → "7200"`}}},
	{"role package", []string{"package: followerapi", "package: followers"},
		[]want{{ClientBreaking, `Go package: "followerapi" → "followers"`}, {ServerBreaking, `conformance package: "followerapiconform" → "followersconform"`}}},
	{"changed format", []string{`          description: Stats.
          x-pegasus-format: pretty4`, `          description: Stats.
          x-pegasus-format: pretty2`},
		[]want{{ServerBreaking, `200 format: "pretty4" → "pretty2"`}}},
	{"changed redirect", []string{"redirect: after-names", "redirect: first"},
		[]want{{ServerBreaking, `redirect: "after-names" → "first"`}}},
	{"changed help", []string{`help: "Node status."`, `help: "Status of the node."`},
		[]want{{ServerBreaking, `help: "Node status." → "Status of the node."`}}},
	{"changed guard", []string{"body: snapshots are disabled", "body: snapshots are off"},
		[]want{{ServerBreaking, `body: "snapshots are disabled" → "snapshots are off"`}}},
	{"feature default", []string{"default: false\n    description: Debug endpoints.", "default: true\n    description: Debug endpoints."},
		[]want{{ServerBreaking, `default: "false" → "true"`}}},
	{"operation leaves a role", []string{`x-pegasus: {roles: [leader, follower], help: "Node status."}`, `x-pegasus: {roles: [leader], help: "Node status."}`},
		[]want{{ClientBreaking, "no longer served by role follower"}}},
	{"status added", []string{`                    {"node":"n1","uptime_seconds":"12","load":"0.50","healthy":"true"}
`, `                    {"node":"n1","uptime_seconds":"12","load":"0.50","healthy":"true"}
        "500":
          description: Failed.
          x-pegasus-format: text
          content:
            text/plain:
              schema: {type: string}
`}, []want{{Addition, "status 500 added"}}},
	{"equivalent enum and pattern", []string{`schema: {type: string, enum: [/, "0"]}`, `schema: {type: string, pattern: '^[/0]$'}`}, nil},
	{"equivalent alternation", []string{`schema: {type: string, enum: [/, "0"]}`, `schema: {type: string, pattern: '^(0|/)$'}`}, nil},
	{"text narrowed by a pattern", []string{`schema: {type: string, enum: [/, "0"]}`, `schema: {type: string, pattern: '^/$'}`},
		[]want{{ServerBreaking, `500 text: no longer allows ["0"]`}}},
	{"text widened by a pattern", []string{`schema: {type: string, enum: [/, "0"]}`, `schema: {type: string, pattern: '^[/0-9]$'}`},
		[]want{{Addition, `500 text: now allows ["1", "2"`}}},
	{"text unbounded", []string{`schema: {type: string, enum: [/, "0"]}`, `schema: {type: string, pattern: '^[/0-9]+$'}`},
		[]want{{Addition, `500 text: now allows [other strings matching "^[/0-9]+$"]`}}},
	{"undecided patterns", []string{"pattern: '^ERR_'", "pattern: '^ERR_[A-Z]'"},
		[]want{{Undecided, `200 text: pattern "^ERR_" → pattern "^ERR_[A-Z]"`}}},
	{"same pattern spelled otherwise", []string{"pattern: '^ERR_'", "pattern: '^(?:ERR_)'"}, nil},
	{"description only", []string{"description: Status.\n", "description: The node's status.\n"},
		[]want{{Docs, "200 description"}}},
	{"new schema rule", []string{"      required: [node, uptime_seconds, load, healthy]\n", "      required: [node, uptime_seconds, load, healthy]\n      x-pegasus-rules:\n        - {rule: 'int(self.uptime_seconds) >= 0', message: uptime is not negative, cite: a test}\n"},
		[]want{{ServerBreaking, "int(self.uptime_seconds) >= 0"}}},
	{"new answer format", []string{"      properties:\n        node: {type: string}\n        uptime_seconds", "      properties:\n        node: {type: string, format: host-port}\n        uptime_seconds", `node: n1,`, `node: 'n1:1',`, `"node":"n1"`, `"node":"n1:1"`},
		[]want{{ServerBreaking, "format"}, {WireOnly, "200 examples"}}},
	{"marked a write", []string{`x-pegasus: {roles: [leader, follower], help: "<key>=<value>. Set an option."}`, `x-pegasus: {roles: [leader, follower], mutates: true, help: "<key>=<value>. Set an option."}`},
		[]want{{WireOnly, "mutates"}, {WireOnly, "safe to repeat"}}},
	{"marked an idempotent write", []string{`x-pegasus: {roles: [leader, follower], help: "<key>=<value>. Set an option."}`, `x-pegasus: {roles: [leader, follower], mutates: true, idempotent: true, help: "<key>=<value>. Set an option."}`},
		[]want{{WireOnly, "mutates"}}},
	{"error text pattern changed", []string{`pattern: '^ERR_'`, `pattern: '^FAIL_'`},
		[]want{{ServerBreaking, "no longer allows [\"every string matching"}, {Addition, "no string matches both"}}},
	{"example changed", []string{`load: "0.50", healthy: "true"}
`, `load: "0.75", healthy: "true"}
`, `"load":"0.50","healthy"`, `"load":"0.75","healthy"`},
		[]want{{WireOnly, "200 examples"}}},
}

// TestEdits diffs base.yaml against each hand-made change of it.
func TestEdits(t *testing.T) {
	base, err := os.ReadFile("testdata/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	old, err := Load(ctx, "base.yaml", base)
	if err != nil {
		t.Fatal(err)
	}
	if r := Diff("base.yaml", old, "base.yaml", old); len(r.Changes) != 0 {
		t.Fatalf("a spec differs from itself: %+v", r.Changes)
	}
	for _, e := range edits {
		t.Run(strings.ReplaceAll(e.name, " ", "_"), func(t *testing.T) {
			text := string(base)
			for i := 0; i+1 < len(e.repl); i += 2 {
				if n := strings.Count(text, e.repl[i]); n != 1 {
					t.Fatalf("%q occurs %d times in base.yaml, want once", e.repl[i], n)
				}
				text = strings.Replace(text, e.repl[i], e.repl[i+1], 1)
			}
			new, err := Load(ctx, "new.yaml", []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			r := Diff("base.yaml", old, "new.yaml", new)
			checkWants(t, r, e.want)
		})
	}
}

// checkWants requires exactly the wanted changes.
func checkWants(t *testing.T, r *Report, wants []want) {
	t.Helper()
	used := make([]bool, len(r.Changes))
	for _, w := range wants {
		found := false
		for i, c := range r.Changes {
			if !used[i] && c.Class == w.class && strings.Contains(c.What, w.what) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("no %s change with %q", w.class, w.what)
		}
	}
	for i, c := range r.Changes {
		if !used[i] {
			t.Errorf("unexpected change: %s %s: %s (%s)", c.Class, c.Subject, c.What, c.Reason)
		}
	}
}

// writeEdited writes base with old replaced by new to path.
func writeEdited(t *testing.T, base, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(data), old) != 1 {
		t.Fatalf("%q is not in %s once", old, base)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
