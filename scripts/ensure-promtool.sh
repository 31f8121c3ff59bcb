#!/usr/bin/env bash
# Makes sure promtool is available for `promtool check rules` / `promtool test
# rules` on ops/alerts.yml. As root on Debian it installs the package
# prometheus (which ships promtool); otherwise it says exactly what to do.
set -euo pipefail
# PROMTOOL names the binary to use (default: promtool on PATH).
if command -v "${PROMTOOL:-promtool}" >/dev/null 2>&1; then
	exit 0
fi
if [ "${PROMTOOL:-promtool}" = "promtool" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
	echo "promtool not found: installing the Debian package prometheus" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends prometheus >/dev/null
	# The package starts a Prometheus server on :9090; only promtool is wanted.
	(service prometheus stop || systemctl stop prometheus) >/dev/null 2>&1 || true
	command -v promtool >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
promtool is required to check and unit-test the alert rules (ops/alerts.yml)
and was not found. Install it, then run make test again:
    sudo apt-get install prometheus      (Debian/Ubuntu; ships /usr/bin/promtool)
or download a Prometheus release from https://prometheus.io/download/ and
point PROMTOOL at its promtool binary:
    PROMTOOL=/path/to/promtool make test
MSG
exit 1
