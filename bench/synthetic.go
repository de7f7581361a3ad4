package bench

import (
	"fmt"
	"strings"
)

// SyntheticSpec returns a valid pegasus-gen spec (spec/CONVENTIONS.md) with
// ops operations besides the help index, for measuring how generation
// scales. Every operation looks like a typical Pegasus read endpoint:
//
//   - GET /synth/g<group>/op<i>, operationId getSynthOp<i>, served by one or
//     both of the two roles, unknown arguments rejected;
//   - four query parameters of different kinds: a required string (with
//     missing and empty texts), an int32 with a minimum and a default, a
//     presence flag and a comma list;
//   - a 200 in table format whose body is a named object schema of its own
//     with six fields (a string, int64 and int32 carried as strings, a
//     2-decimal number, a boolean, a free text), with a response example;
//   - a plain-text 400, and two request examples.
func SyntheticSpec(ops int) []byte {
	var b strings.Builder
	b.Grow(4096 + ops*3400)
	b.WriteString(`openapi: 3.0.3
info:
  title: Synthetic admin API
  version: "1.0"
  description: A generated spec for the pegasus-gen scaling benchmark.
x-pegasus-roles:
  - {name: alpha, package: alpha, title: AlphaServer, default-port: 7000}
  - {name: beta, package: beta, title: BetaServer, default-port: 7100}
paths:
  /:
    get:
      summary: List all supported calls
      operationId: getHelp
      x-pegasus: {roles: [alpha, beta], help: List all supported calls., builtin: help-index}
      responses:
        '200':
          description: The help index.
          x-pegasus-format: table
          content:
            text/plain:
              schema: {$ref: '#/components/schemas/HelpListing'}
`)
	for i := range ops {
		roles := [...]string{"[alpha, beta]", "[alpha]", "[beta]"}[i%3]
		fmt.Fprintf(&b, `  /synth/g%[1]d/op%[2]d:
    get:
      summary: Query object %[2]d
      description: |-
        Operation %[2]d of the synthetic spec: one object by name, as a one-row table. Arguments other
        than name, limit, detail and fields are rejected.
      operationId: getSynthOp%[2]d
      x-pegasus:
        roles: %[3]s
        help: name=<name>[&limit=<n>][&detail][&fields=f1,f2]. Query object %[2]d.
        methods: any
        error-format: text
        redirect: none
        unknown-params: reject
        unknown-param-error: 'unknown argument {name}={value}'
      parameters:
        - name: name
          in: query
          description: Object name.
          required: true
          schema: {type: string, minLength: 1}
          example: temp
          x-pegasus: {kind: value, missing: name should not be empty, empty: name should not be empty}
        - name: limit
          in: query
          description: Maximum number of rows.
          required: false
          schema: {type: integer, format: int32, minimum: 0, default: 100}
          x-pegasus: {kind: value, invalid: 'invalid limit={value}'}
        - name: detail
          in: query
          description: Presence flag for the detailed form.
          required: false
          allowEmptyValue: true
          schema: {type: boolean}
          x-pegasus: {kind: flag}
        - name: fields
          in: query
          description: Fields to keep, e.g. name,count.
          required: false
          style: form
          explode: false
          schema: {type: array, items: {type: string}}
          x-pegasus: {kind: list}
      responses:
        '200':
          description: The object (table format, trailing newline).
          x-pegasus-format: table
          content:
            text/plain:
              schema: {$ref: '#/components/schemas/SynthObject%[2]d'}
              examples:
                temp:
                  summary: name=temp
                  value: {name: temp, id: '%[2]d', count: '8', ratio: '0.50', healthy: 'true', note: ''}
                  x-pegasus-body: |
                    {"name":"temp","id":"%[2]d","count":"8","ratio":"0.50","healthy":"true","note":""}
        '400':
          description: Missing name, bad limit or unknown argument.
          x-pegasus-format: text
          content:
            text/plain:
              schema: {type: string}
      x-pegasus-examples:
        - {query: name=temp, status: 200}
        - {query: name=temp&limit=x, status: 400}
`, i/50, i, roles)
	}
	b.WriteString(`components:
  schemas:
    HelpListing:
      type: object
      description: Path → help text.
      additionalProperties: {type: string}
`)
	for i := range ops {
		fmt.Fprintf(&b, `    SynthObject%[1]d:
      type: object
      description: Body of operation %[1]d. Keys in this order, every value a JSON string.
      required: [name, id, count, ratio, healthy, note]
      properties:
        name: {type: string, description: Object name.}
        id: {type: string, x-pegasus-string-of: integer, format: int64, description: Object id.}
        count: {type: string, x-pegasus-string-of: integer, format: int32, description: Row count.}
        ratio: {type: string, x-pegasus-string-of: number, x-pegasus-decimals: 2, description: Fill ratio.}
        healthy: {type: string, x-pegasus-string-of: boolean, description: Whether it is healthy.}
        note: {type: string, description: Free text.}
`, i)
	}
	return []byte(b.String())
}
