# hookguard — developer entry points.
#
#   make test    every module, -race -shuffle=on (starts a throwaway redis-server for redisstore),
#                then `go run ./cmd/hookguard demo` through the workspace, as a fresh clone runs it
#   make lint    gofmt, go vet and staticcheck over every module
#   make fuzz    every fuzz target for FUZZTIME each (default 10s)
#   make bench   the benchmark suite; writes BENCHMARKS.md
#
# Every module of the repository is listed here; each has its own go.mod.
# Each is built and tested on its own go.mod (GOWORK=off): the root go.work,
# which lists them all, is for developers (`go run ./cmd/hookguard demo` from
# the root) and must not hide a requirement missing from a module's go.mod.
MODULES      := . redisstore benchmarks inbox cmd/hookguard
# Framework adapters and metrics: one module each, so a user pulls only one.
OPS_MODULES  := adapters/chi adapters/gin adapters/echo adapters/fiber metrics/prometheus metrics/otel
MODULES      += $(OPS_MODULES)
FUZZMODULES  := . cmd/hookguard
export GOWORK := off
GO           ?= go
FUZZTIME     ?= 10s
STATICCHECK  := honnef.co/go/tools/cmd/staticcheck@v0.8.2
TESTFLAGS    ?=

.PHONY: test test-root test-modules test-workspace lint fuzz bench ensure-redis ensure-postgres test-alerts

test: test-root test-modules test-alerts test-workspace

# Two passes over the root module: the race detector, then a normal build in
# which the allocation-count and heap-bound assertions (meaningless under -race,
# so those tests skip themselves there) really run.
test-root:
	$(GO) test -race -shuffle=on -count=1 $(TESTFLAGS) ./...
	$(GO) test -shuffle=on -count=1 $(TESTFLAGS) ./...

# Modules other than the root. redisstore's tests start their own redis-server
# on a free loopback port; ensure-redis installs it (as root) or says what to install.
# inbox's and cmd/hookguard's tests start a throwaway Postgres the same way
# (ensure-postgres).
test-modules: ensure-redis ensure-postgres
	@set -e; for m in $(filter-out .,$(MODULES)); do \
		if [ -f $$m/go.mod ]; then \
			echo "==> go test $$m"; \
			(cd $$m && $(GO) test -race -shuffle=on -count=1 $(TESTFLAGS) ./...); \
		fi; \
	done

# The README's first command, in workspace mode from the root, as a fresh
# clone runs it.
test-workspace:
	GOWORK= $(GO) run ./cmd/hookguard demo >/dev/null

ensure-redis:
	@scripts/ensure-redis.sh

ensure-postgres:
	@scripts/ensure-postgres.sh

# The alert rules: promtool checks them and runs their unit tests.
# ensure-promtool.sh installs Debian's prometheus package (as root) or says what to install.
PROMTOOL     ?= promtool
test-alerts:
	@PROMTOOL=$(PROMTOOL) scripts/ensure-promtool.sh
	$(PROMTOOL) check rules ops/alerts.yml
	cd ops && $(PROMTOOL) test rules alerts_test.yml

lint:
	@scripts/lint.sh $(MODULES)

fuzz:
	@FUZZTIME=$(FUZZTIME) scripts/fuzz.sh $(FUZZMODULES)

bench:
	@scripts/bench.sh
