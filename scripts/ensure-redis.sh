#!/usr/bin/env bash
# Makes sure a redis-server binary is available for the redisstore tests.
# As root on Debian it installs the package; otherwise it says exactly what to do.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1 || [ -n "${REDIS_SERVER:-}" ]; then
	exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
	echo "redis-server not found: installing the Debian package redis-server" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends redis-server >/dev/null
	# The package starts a system service on :6379; the tests use their own server.
	(service redis-server stop || systemctl stop redis-server) >/dev/null 2>&1 || true
	command -v redis-server >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
redis-server is required for the redisstore tests and was not found.
Install it, then run make test again:
    sudo apt-get install redis-server      (Debian/Ubuntu)
or point REDIS_SERVER at a redis-server binary:
    REDIS_SERVER=/path/to/redis-server make test
MSG
exit 1
