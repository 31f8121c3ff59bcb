#!/usr/bin/env bash
# Runs every fuzz target in the root module for FUZZTIME (default 10s) each.
set -euo pipefail
FUZZTIME=${FUZZTIME:-10s}
status=0
count=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		count=$((count + 1))
		echo "==> fuzz $pkg $target ($FUZZTIME)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"; then
			status=1
		fi
	done
done
echo "fuzz: ran $count targets for $FUZZTIME each"
if [ "$count" -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
exit $status
