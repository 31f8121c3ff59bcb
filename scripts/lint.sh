#!/usr/bin/env bash
# gofmt, go vet and staticcheck over every module named on the command line.
set -euo pipefail
STATICCHECK=${STATICCHECK:-honnef.co/go/tools/cmd/staticcheck@v0.8.2}
status=0
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt: these files need formatting:" >&2
	echo "$unformatted" >&2
	status=1
fi
for m in "$@"; do
	[ -f "$m/go.mod" ] || continue
	echo "==> vet + staticcheck $m"
	(cd "$m" && go vet ./... && go run "$STATICCHECK" ./...) || status=1
done
exit $status
