package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
)

// upstream records what serve forwards to it.
type upstream struct {
	mu       sync.Mutex
	got      []forwarded
	failNext int // answer 500 to this many requests
}

type forwarded struct {
	header http.Header
	body   string
	path   string
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	defer u.mu.Unlock()
	u.got = append(u.got, forwarded{r.Header.Clone(), string(body), r.URL.Path})
	if u.failNext > 0 {
		u.failNext--
		http.Error(w, "upstream broke", http.StatusInternalServerError)
		return
	}
	io.WriteString(w, `{"ok":true}`)
}

func (u *upstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.got)
}

func (u *upstream) last() forwarded {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.got[len(u.got)-1]
}

// serveHarness runs `hookguard serve` in-process until stopped.
type serveHarness struct {
	t        *testing.T
	addr     string
	cancel   context.CancelFunc
	done     chan result
	tick     chan time.Time
	reloaded chan error
	client   *http.Client
	scheme   string // "http" (default) or "https"
}

func startServe(t *testing.T, vars map[string]string, args ...string) *serveHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &serveHarness{
		t: t, cancel: cancel, done: make(chan result, 1),
		tick: make(chan time.Time), reloaded: make(chan error, 4),
		client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	}
	addrc := make(chan string, 1)
	var out, errb syncBuffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv:        func(k string) string { return vars[k] },
		now:           time.Now,
		listening:     func(a string) { addrc <- a },
		allowTick:     h.tick,
		allowReloaded: func(err error) { h.reloaded <- err },
	}
	go func() {
		code := run(ctx, e, append([]string{"serve", "-listen", "127.0.0.1:0"}, args...))
		h.done <- result{code, out.String(), errb.String()}
	}()
	select {
	case h.addr = <-addrc:
	case r := <-h.done:
		cancel()
		t.Fatalf("serve exited early: code %d\n%s", r.code, r.stderr)
	}
	return h
}

// stop cancels serve and returns its result.
func (h *serveHarness) stop() result {
	h.cancel()
	return <-h.done
}

// deliver signs body for event id with key and posts it from client IP from
// (via X-Forwarded-For; serve trusts 127.0.0.1). extra headers are added.
func (h *serveHarness) deliver(key []byte, id, from, body string, extra ...string) (int, string) {
	h.t.Helper()
	k, err := hmac.NewKeyring(hmac.Secret{Key: key})
	if err != nil {
		h.t.Fatal(err)
	}
	hdr := http.Header{}
	if err := hmac.NewSigner(hmac.StandardWebhooks, k).Sign(hdr, id, time.Now(), []byte(body)); err != nil {
		h.t.Fatal(err)
	}
	hdr.Set("X-Forwarded-For", from)
	for i := 0; i+1 < len(extra); i += 2 {
		hdr.Add(extra[i], extra[i+1])
	}
	return h.post(hdr, body)
}

func (h *serveHarness) post(hdr http.Header, body string) (int, string) {
	h.t.Helper()
	scheme := h.scheme
	if scheme == "" {
		scheme = "http"
	}
	req, err := http.NewRequest(http.MethodPost, scheme+"://"+h.addr+"/hooks/billing", strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header = hdr
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	serveOldKey = []byte("serve-test-old-key-0123456789abc")
	serveNewKey = []byte("serve-test-new-key-0123456789abc")
)

func serveVars() map[string]string {
	return map[string]string{
		"HG_OLD": "whsec_" + base64.StdEncoding.EncodeToString(serveOldKey),
		"HG_NEW": "whsec_" + base64.StdEncoding.EncodeToString(serveNewKey),
	}
}

// TestServe runs the verifying proxy end to end against an httptest
// upstream: only verified first-time deliveries are forwarded, with the
// event and secret IDs added and forged copies of those headers stripped.
func TestServe(t *testing.T) {
	before := runtime.NumGoroutine()
	up := &upstream{}
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()

	allow := filepath.Join(t.TempDir(), "allow.txt")
	if err := os.WriteFile(allow, []byte("# provider range\n203.0.113.0/24\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := startServe(t, serveVars(),
		"-upstream", upSrv.URL, "-secret-env", "old=HG_OLD", "-secret-env", "new=HG_NEW",
		"-allow", allow, "-trusted-proxy", "127.0.0.1", "-rate", "0.001", "-burst", "3")

	const body = `{"type":"invoice.paid"}`
	// 1. A verified delivery is forwarded with the IDs added.
	status, resp := h.deliver(serveNewKey, "msg_1", "203.0.113.10", body,
		"Hookguard-Event-Id", "forged", "Hookguard-Secret-Id", "forged")
	if status != 200 || resp != `{"ok":true}` {
		t.Fatalf("valid: %d %s", status, resp)
	}
	if up.count() != 1 {
		t.Fatalf("upstream got %d requests", up.count())
	}
	f := up.last()
	if f.body != body || f.path != "/hooks/billing" {
		t.Errorf("forwarded body %q path %q", f.body, f.path)
	}
	for name, want := range map[string]string{
		headerEventID: "msg_1", headerSecretID: "new", headerScheme: "standard-webhooks", headerClientIP: "203.0.113.10",
	} {
		if got := f.header.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("upstream %s = %q, want exactly [%q]", name, got, want)
		}
	}

	// 2. The old key still verifies during the rotation; the upstream is told which.
	if status, _ := h.deliver(serveOldKey, "msg_2", "203.0.113.11", body); status != 200 || up.last().header.Get(headerSecretID) != "old" {
		t.Fatalf("old key: %d, secret %q", status, up.last().header.Get(headerSecretID))
	}

	// 3. A forged delivery is refused and not forwarded.
	if status, resp := h.deliver([]byte("forged-key-forged-key-forged-key"), "msg_3", "203.0.113.12", body); status != 401 || resp != `{"error":"bad_signature"}` {
		t.Fatalf("forged: %d %s", status, resp)
	}
	// 4. A replay is answered 200 duplicate and not forwarded again.
	if status, resp := h.deliver(serveNewKey, "msg_1", "203.0.113.12", body); status != 200 || resp != `{"status":"duplicate"}` {
		t.Fatalf("replay: %d %s", status, resp)
	}
	if up.count() != 2 {
		t.Fatalf("upstream got %d requests, want 2", up.count())
	}

	// 5. An upstream failure releases the event: the retry is forwarded.
	up.mu.Lock()
	up.failNext = 1
	up.mu.Unlock()
	if status, _ := h.deliver(serveNewKey, "msg_4", "203.0.113.13", body); status != 500 {
		t.Fatalf("upstream failure passed through as %d", status)
	}
	if status, _ := h.deliver(serveNewKey, "msg_4", "203.0.113.13", body); status != 200 || up.count() != 4 {
		t.Fatalf("retry after failure: %d, upstream got %d", status, up.count())
	}

	// 6. Rate limit per client IP: burst 3, then 429.
	for i := range 3 {
		if status, _ := h.deliver(serveNewKey, "msg_rate_"+string(rune('a'+i)), "203.0.113.20", body); status != 200 {
			t.Fatalf("burst delivery %d: %d", i, status)
		}
	}
	if status, resp := h.deliver(serveNewKey, "msg_rate_d", "203.0.113.20", body); status != 429 || resp != `{"error":"rate_limited"}` {
		t.Fatalf("over the burst: %d %s", status, resp)
	}

	// 7. Outside the allow list (through the trusted proxy): 403.
	if status, _ := h.deliver(serveNewKey, "msg_5", "198.51.100.7", body); status != 403 {
		t.Fatalf("outsider: %d", status)
	}

	// 8. Hot reload: narrow the list to 203.0.113.0/25; .200 is now refused.
	if err := os.WriteFile(allow, []byte("203.0.113.0/25, 2001:db8::/32\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.tick <- time.Now()
	if err := <-h.reloaded; err != nil {
		t.Fatalf("reload: %v", err)
	}
	if status, _ := h.deliver(serveNewKey, "msg_6", "203.0.113.200", body); status != 403 {
		t.Fatalf("after reload, .200: %d", status)
	}
	if status, _ := h.deliver(serveNewKey, "msg_7", "203.0.113.30", body); status != 200 {
		t.Fatalf("after reload, .30: %d", status)
	}
	// A broken file keeps the last good list.
	if err := os.WriteFile(allow, []byte("203.0.113.0/25\nnot-an-address\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.tick <- time.Now()
	if err := <-h.reloaded; err == nil {
		t.Fatal("a broken allow file reloaded without error")
	}
	if status, _ := h.deliver(serveNewKey, "msg_8", "203.0.113.31", body); status != 200 {
		t.Fatalf("after a broken reload, .31: %d", status)
	}

	r := h.stop()
	if r.code != exitOK {
		t.Fatalf("serve exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"listening", "reason=bad_signature", "allow list reloaded", "keeping the last good one", "stopped"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	for _, secret := range []string{string(serveOldKey), string(serveNewKey), serveVars()["HG_OLD"], serveVars()["HG_NEW"]} {
		if strings.Contains(r.stderr+r.stdout, secret) {
			t.Fatal("serve output leaks a secret")
		}
	}
	upSrv.Close()
	h.client.CloseIdleConnections()
	assertGoroutines(t, before)
}

func TestServeUpstreamDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	h := startServe(t, serveVars(), "-upstream", deadURL, "-secret-env", "HG_NEW", "-log-level", "error")
	status, resp := h.deliver(serveNewKey, "msg_1", "127.0.0.1", `{}`)
	if status != 502 || resp != `{"error":"upstream_unavailable"}` {
		t.Fatalf("upstream down: %d %s", status, resp)
	}
	// Released, not remembered: the same event is tried again.
	if status, _ := h.deliver(serveNewKey, "msg_1", "127.0.0.1", `{}`); status != 502 {
		t.Fatalf("retry: %d", status)
	}
	r := h.stop()
	if r.code != exitOK || !strings.Contains(r.stderr, "upstream failed") {
		t.Fatalf("code %d\n%s", r.code, r.stderr)
	}
}

func TestServeEventIDFromJSON(t *testing.T) {
	up := &upstream{}
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()
	h := startServe(t, serveVars(), "-upstream", upSrv.URL, "-secret-env", "HG_NEW", "-event-id-json", "id")
	if status, _ := h.deliver(serveNewKey, "msg_a", "127.0.0.1", `{"id":"evt_42"}`); status != 200 {
		t.Fatalf("status %d", status)
	}
	if got := up.last().header.Get(headerEventID); got != "evt_42" {
		t.Fatalf("event ID %q, want evt_42 from the body", got)
	}
	// Another delivery ID, same body event ID: a duplicate.
	if _, resp := h.deliver(serveNewKey, "msg_b", "127.0.0.1", `{"id":"evt_42"}`); resp != `{"status":"duplicate"}` {
		t.Fatalf("resp %s", resp)
	}
	h.stop()
}

func TestServeFlagErrors(t *testing.T) {
	vars := serveVars()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("10.0.0.0/8\nbogus\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no upstream", []string{"-secret-env", "HG_NEW"}, "-upstream is required"},
		{"bad upstream", []string{"-upstream", "localhost:3000", "-secret-env", "HG_NEW"}, "not an http(s) URL"},
		{"no secret", []string{"-upstream", "http://127.0.0.1:1"}, "no secret"},
		{"secret as a value", []string{"-upstream", "http://127.0.0.1:1", "-secret", "whsec_x"}, "flag provided but not defined: -secret"},
		{"bad allow file", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-allow", bad}, "bogus"},
		{"missing allow file", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-allow", filepath.Join(dir, "nope")}, "nope"},
		{"bad trusted proxy", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-trusted-proxy", "10.0.0.0/33"}, "-trusted-proxy"},
		{"negative rate", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-rate", "-1"}, "-rate"},
		{"bad header", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-client-ip-header", "X Client"}, "not a header field name"},
		{"trust everyone", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-trusted-proxy", "0.0.0.0/0"}, "every client could choose"},
		{"bad log level", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-log-level", "loud"}, "-log-level"},
		{"arguments", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "extra"}, "unexpected arguments"},
		{"upstream timeout not under the lease", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-lease", "30s", "-upstream-timeout", "30s"}, "must be shorter than -lease"},
		{"zero keep", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-keep", "0s"}, "positive durations"},
		{"keep under the window", []string{"-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW", "-keep", "2m"}, "shorter than the window"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A cancelled context: a case that wrongly starts returns at once.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r := runCLIContext(t, ctx, nil, vars, "", append([]string{"serve", "-listen", "127.0.0.1:0"}, tt.args...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("code %d, stderr %q, want %q", r.code, r.stderr, tt.want)
			}
			assertNoSecret(t, r)
		})
	}
}

// assertGoroutines waits until the goroutine count is back to at most
// before: serve, its watcher and the connections it opened have exited.
// Connection goroutines exit asynchronously after their sockets close, so
// this polls (on a ticker, bounded) for the condition.
func assertGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, buf[:n])
		}
		<-tick.C
	}
}
