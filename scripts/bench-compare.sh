#!/usr/bin/env bash
# Side-by-side figures of the code before the "simplify" change and now:
# test binaries of both are built once and run alternately, ROUNDS times,
# so both see the same machine; each figure is the median over the rounds.
# Prints a Markdown section (make bench appends it to BENCHMARKS.md).
#
#   BASE    the commit before the change (default db0c7f9)
#   ROUNDS  alternating rounds (default 5)
#   BTIME   -benchtime of each run (default 1s)
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-db0c7f9}
ROUNDS=${ROUNDS:-5}
BTIME=${BTIME:-1s}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive "$BASE" | tar -x -C "$work" --one-top-level=old
# package:benchmark regexp
cases=(
	"middleware:^BenchmarkGuardVsFloor$"
	"hmac:^BenchmarkRatio/StandardWebhooks/1KiB$"
	"replay:^BenchmarkMemoryClaimComplete$"
	"ratelimit:^BenchmarkTake$"
	"ratelimit:^BenchmarkTakeParallel$"
)
for c in "${cases[@]}"; do
	pkg=${c%%:*}
	[ -x "$work/old-$pkg.test" ] || (cd "$work/old" && go test -c -o "$work/old-$pkg.test" "./$pkg" >/dev/null)
	[ -x "$work/new-$pkg.test" ] || go test -c -o "$work/new-$pkg.test" "./$pkg" >/dev/null
done
for r in $(seq "$ROUNDS"); do
	for c in "${cases[@]}"; do
		pkg=${c%%:*} re=${c#*:}
		for v in old new; do
			(cd "$pkg" && "$work/$v-$pkg.test" -test.run '^$' -test.bench "$re" -test.benchmem -test.benchtime "$BTIME") |
				awk -v v="$v" '/^Benchmark/ { print v, $0 }' >>"$work/results"
		done
	done
done
python3 - "$work/results" "$BASE" "$ROUNDS" "$BTIME" <<'PY'
import sys, statistics, collections, datetime, os
path, base, rounds, btime = sys.argv[1:]
vals = collections.defaultdict(list)
metrics = []
for line in open(path):
    f = line.split()
    ver, name = f[0], f[1]
    for i in range(3, len(f) - 1, 2):
        try:
            vals[(name, f[i + 1], ver)].append(float(f[i]))
        except ValueError:
            continue
        if f[i + 1] not in metrics:
            metrics.append(f[i + 1])
names = sorted({k[0] for k in vals}, key=lambda n: n)
print("## Before and after the simplification\n")
print(f"`scripts/bench-compare.sh`, run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC: test binaries of `{base}` (before) and of this tree (after), "
      f"run alternately {rounds} times with `-benchtime {btime}`; each figure is the median. Load average at the end: {os.getloadavg()[0]:.2f}.\n")
print("| benchmark | metric | before | after | after / before |")
print("|---|---|--:|--:|--:|")
for n in names:
    for m in metrics:
        o, a = vals.get((n, m, "old")), vals.get((n, m, "new"))
        if not o or not a:
            continue
        mo, ma = statistics.median(o), statistics.median(a)
        ratio = f"{ma / mo:.2f} ×" if mo else "—"
        print(f"| {n} | {m} | {mo:,.3g} | {ma:,.3g} | {ratio} |")
PY
