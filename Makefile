# pegasus-gen: the two commands of the README are `make demo` and `make test`.
GO ?= go

.PHONY: all generate check vet test test-race bench demo conform fuzz soak

# Check a live cluster: make conform META=host:port,host:port [ARGS=-mutating]
conform:
	$(GO) run ./cmd/pegasus-conform -meta $(META) $(ARGS)

all: generate test

# Regenerate generated/ from the bundled spec.
generate:
	$(GO) run ./cmd/pegasus-gen

# Fail when generated/ is stale.
check:
	$(GO) run ./cmd/pegasus-gen -check

vet:
	$(GO) vet ./...

# Everything CI runs: the staleness check, vet, every test, and the race
# detector over the servers, their shared state and the runtime.
test: check vet
	$(GO) test -count=1 ./...
	$(GO) test -race -count=1 ./internal/... ./gen/runtime/... ./gen/conformrt/... ./tests/...
	GO=$(GO) bash .ci/fuzz 2s

# The reliability soak, not part of make test: a race-built onebox on free
# loopback ports, SOAK_HOSTILE hostile requests over its five servers, then
# SOAK_CLIENTS mixed clients for SOAK_TIME; prints requests, 5xx, panics,
# races, lost updates, p50/p99 and peak RSS.
SOAK_HOSTILE ?= 1600
SOAK_CLIENTS ?= 64
SOAK_TIME ?= 20s
soak:
	mkdir -p .soak
	$(GO) build -race -o .soak/pegasus-onebox-race ./cmd/pegasus-onebox
	$(GO) run ./cmd/pegasus-soak -onebox .soak/pegasus-onebox-race -hostile $(SOAK_HOSTILE) -clients $(SOAK_CLIENTS) -duration $(SOAK_TIME)

# Every fuzz target for FUZZTIME each (go test -fuzz runs one at a time).
FUZZTIME ?= 10s
fuzz:
	GO=$(GO) bash .ci/fuzz $(FUZZTIME)

test-race:
	$(GO) test -race -count=1 ./...

# Speed and memory targets, as Go benchmarks.
# The generation benchmarks run three times: one sample of a 2-second run
# on a shared 2-core machine says little.
bench:
	$(GO) test -run '^$$' -bench 'Generate|Oapi' -benchmem -count 3 ./bench/
	$(GO) test -run '^$$' -bench . -skip 'Generate|Oapi' -benchmem -count 1 ./bench/... ./internal/metrics/... ./gen/runtime/...

# Generate from the bundled spec, serve both roles on loopback, call every
# operation through the generated clients, check the help index, then run
# the generated conformance suites against the onebox and print the summary.
demo: generate
	$(GO) run ./cmd/pegasus-demo
