#!/usr/bin/env bash
# Runs every fuzz target of the modules named on the command line (default:
# the root module) for FUZZTIME (default 10s) each.
#
#   scripts/fuzz.sh . cmd/hookguard
#
# A real finding always makes `go test -fuzz` write a reproducer
# ("Failing input written to testdata/fuzz/...") or fail with the target's own
# message; either fails this script. Go 1.26's fuzz coordinator also has a
# shutdown race (golang/go#75804, fixed in Go 1.27) that can end a run with a
# bare "context deadline exceeded" at the -fuzztime boundary and nothing found:
# such a run is retried once, and if it happens again it is reported as a
# flake, not as a finding. Any other non-zero exit fails.
set -uo pipefail
FUZZTIME=${FUZZTIME:-10s}
status=0
count=0
flakes=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# is_deadline_flake LOG: the run failed only with the coordinator's deadline error.
is_deadline_flake() {
	grep -q 'context deadline exceeded' "$1" &&
		! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$1"
}

# fuzz_package PKG: every fuzz target of PKG, in the current module.
fuzz_package() {
	local pkg=$1 target attempt
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		count=$((count + 1))
		for attempt in 1 2; do
			echo "==> fuzz $pkg $target ($FUZZTIME)"
			if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
				tail -n 3 "$log"
				break
			fi
			cat "$log"
			if ! is_deadline_flake "$log"; then
				echo "fuzz: $target FAILED" >&2
				status=1
				break
			fi
			if [ "$attempt" = 2 ]; then
				echo "fuzz: $target hit the fuzz coordinator's deadline race twice (golang/go#75804); nothing was found" >&2
				flakes=$((flakes + 1))
			else
				echo "fuzz: $target: coordinator deadline race (golang/go#75804), no finding; retrying once" >&2
			fi
		done
	done
}

root=$(pwd)
[ $# -gt 0 ] || set -- .
for mod in "$@"; do
	cd "$root/$mod" || { status=1; continue; }
	for pkg in $(go list ./...); do
		fuzz_package "$pkg"
	done
done
cd "$root"
echo "fuzz: ran $count targets for $FUZZTIME each ($flakes deadline flakes)"
if [ "$count" -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
exit $status
