#!/usr/bin/env bash
# Makes docs/inbox-ui.png: River's web UI as "hookguard serve -inbox -ui"
# serves it, over real deliveries, photographed by headless Chromium.
#
# It builds hookguard, runs serve -inbox on a SQLite file in a temporary
# directory with the UI on loopback, sends deliveries while the upstream is
# down (they are retried, then dead-lettered), brings up an upstream (a
# python3 one-liner answering 200), sends more (forwarded), replays one dead
# letter with "hookguard inbox replay", and screenshots the completed jobs.
# Chromium reaches the UI through a small python3 proxy that adds the admin
# key as a Basic Authorization header: a page loaded from a URL with
# credentials in it (http://admin:KEY@...) cannot use fetch(), which the UI
# needs; a person's browser asks for the key and sends it by itself.
#
#   scripts/screenshot-ui.sh [OUT.png]     default docs/inbox-ui.png
#
# Needs chromium (Debian: apt-get install chromium) and python3. Not part of
# make test: it is how the committed picture was made.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/inbox-ui.png}
for cmd in chromium python3; do
	command -v "$cmd" >/dev/null || { echo "screenshot-ui: $cmd is required" >&2; exit 1; }
done
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
(cd cmd/hookguard && GOWORK=off go build -o "$tmp/hookguard" .)
hg="$tmp/hookguard"
listen=$(free_port)
ui=$(free_port)
up=$(free_port)
export HG_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export ADMIN_KEY
ADMIN_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
db="sqlite:$tmp/inbox.db"

"$hg" serve -listen "127.0.0.1:$listen" -upstream "http://127.0.0.1:$up/hooks" -secret-env HG_SECRET \
	-inbox "$db" -inbox-max-attempts 3 -inbox-backoff-max 500ms -upstream-timeout 2s \
	-ui "127.0.0.1:$ui" -admin-key-env ADMIN_KEY 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 100); do grep -q 'inbox UI listening' "$tmp/serve.log" && break; sleep 0.1; done
grep -q 'inbox UI listening' "$tmp/serve.log" || { cat "$tmp/serve.log" >&2; exit 1; }

# The upstream is down: these are retried, then dead-lettered.
"$hg" send -secret-env HG_SECRET -repeat 3 "http://127.0.0.1:$listen/stripe" >/dev/null
sleep 4

python3 - "$up" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
pids+=($!)
sleep 0.5
"$hg" send -secret-env HG_SECRET -repeat 12 "http://127.0.0.1:$listen/stripe" >/dev/null
"$hg" inbox replay -inbox "$db" -by alice -why "upstream back (INC-42)" 1
sleep 2

auth=$(printf 'admin:%s' "$ADMIN_KEY" | base64 -w0)
proxy=$(free_port)
python3 - "$proxy" "$ui" "$auth" <<'PY' &
import http.server, sys, urllib.request
port, ui, auth = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class P(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        req = urllib.request.Request(f"http://127.0.0.1:{ui}{self.path}", headers={"Authorization": "Basic " + auth})
        try:
            resp = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            resp = e
        body = resp.read()
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), P).serve_forever()
PY
pids+=($!)
sleep 0.5
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --user-data-dir="$tmp/chromium" \
	--window-size=1280,800 --virtual-time-budget=8000 --hide-scrollbars \
	--screenshot="$tmp/shot.png" "http://127.0.0.1:$proxy/jobs?state=completed" 2>"$tmp/chromium.log" ||
	{ cat "$tmp/chromium.log" >&2; exit 1; }
mv "$tmp/shot.png" "$out"
echo "screenshot-ui: wrote $out"
