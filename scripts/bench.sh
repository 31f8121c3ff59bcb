#!/usr/bin/env bash
# Runs the package benchmarks and the side-by-side peer benchmarks, then writes BENCHMARKS.md.
set -euo pipefail
BENCHTIME=${BENCHTIME:-1s}
go test -run '^$' -bench . -benchmem -benchtime "$BENCHTIME" ./... | tee bench-root.out
if [ -f benchmarks/go.mod ]; then
	(cd benchmarks && go run ./cmd/report -benchtime "$BENCHTIME" -out ../BENCHMARKS.md)
fi
