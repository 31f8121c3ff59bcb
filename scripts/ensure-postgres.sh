#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl) are available for
# the inbox tests, which start a throwaway server of their own (initdb into a
# temporary directory, run as the postgres user, a free loopback port,
# removed afterwards; see internal/pgtest).
# As root on Debian it installs the package; otherwise it says exactly what to do.
set -euo pipefail
have_pg() {
	if [ -n "${HOOKGUARD_PG_BIN:-}" ]; then
		[ -x "$HOOKGUARD_PG_BIN/pg_ctl" ] && [ -x "$HOOKGUARD_PG_BIN/initdb" ]
		return
	fi
	compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || command -v pg_ctl >/dev/null 2>&1
}
if have_pg; then
	exit 0
fi
if [ -n "${HOOKGUARD_PG_BIN:-}" ]; then
	echo "HOOKGUARD_PG_BIN=$HOOKGUARD_PG_BIN does not hold initdb and pg_ctl" >&2
	exit 1
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
	echo "PostgreSQL not found: installing the Debian package postgresql" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends postgresql >/dev/null
	# The package may start a cluster on :5432; the tests use their own server.
	(service postgresql stop || systemctl stop postgresql) >/dev/null 2>&1 || true
	have_pg && exit 0
fi
cat >&2 <<'MSG'
PostgreSQL server binaries (initdb, pg_ctl) are required for the inbox tests and
were not found. Install them, then run make test again:
    sudo apt-get install postgresql        (Debian/Ubuntu)
or point HOOKGUARD_PG_BIN at the directory holding initdb and pg_ctl:
    HOOKGUARD_PG_BIN=/usr/lib/postgresql/17/bin make test
MSG
exit 1
