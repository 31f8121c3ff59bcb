package main

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeInboxForwardAndAudit runs serve -inbox (SQLite) in-process: the
// sender hears "accepted" once the delivery is committed and "duplicate"
// for its replay; the forward carries the kept headers, the Hookguard-*
// ones (Attempt counting the retry after an upstream failure), the inbound
// path and query, and nothing forged or internal. Then hookguard inbox
// list, show and replay read and act on the same database.
func TestServeInboxForwardAndAudit(t *testing.T) {
	up := newEventUpstream()
	up.failFirst = func(id string) bool { return id == "msg_flaky" }
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()
	db := sqliteDSN(t)
	h := startServe(t, serveVars(), "-upstream", upSrv.URL+"/base", "-secret-env", "HG_NEW", "-inbox", db,
		"-inbox-headers", "Content-Type,X-Kept", "-inbox-backoff-max", "50ms")

	for _, id := range []string{"msg_flaky", "msg_plain"} {
		status, body := h.deliver(serveNewKey, id, "192.0.2.1", `{"secret":"`+id+`-body"}`,
			"Content-Type", "application/json", "X-Kept", "kept", "X-Dropped", "dropped", "Hookguard_Event_Id", "forged", "Hookguard-Stored-Uri", "/forged",
			"Hookguard-Attempt", "99")
		if status != 200 || body != `{"status":"accepted"}` {
			t.Fatalf("%s: %d %s", id, status, body)
		}
	}
	if status, body := h.deliver(serveNewKey, "msg_plain", "192.0.2.1", `{}`); status != 200 || body != `{"status":"duplicate"}` {
		t.Fatalf("duplicate: %d %s", status, body)
	}
	up.waitAll(t, []string{"msg_flaky", "msg_plain"}, 10*time.Second)
	if r := h.stop(); r.code != exitOK {
		t.Fatalf("serve exit %d\n%s", r.code, r.stderr)
	}

	up.mu.Lock()
	hdr, attempts := up.headers["msg_flaky"], up.attempts["msg_flaky"]
	plainAttempts := up.attempts["msg_plain"]
	up.mu.Unlock()
	if len(attempts) != 1 || attempts[0] != 2 || len(plainAttempts) != 1 || plainAttempts[0] != 1 {
		t.Errorf("Hookguard-Attempt: flaky %v, plain %v; want [2] and [1]", attempts, plainAttempts)
	}
	want := map[string]string{
		"X-Kept": "kept", "Content-Type": "application/json", headerEventID: "msg_flaky",
		headerScheme: "standard-webhooks", headerSecretID: "HG_NEW", headerClientIP: "127.0.0.1",
		"X-Forwarded-Host": h.addr, "X-Forwarded-Proto": "http",
	}
	for k, v := range want {
		if got := hdr.Get(k); got != v {
			t.Errorf("forwarded %s = %q, want %q", k, got, v)
		}
	}
	for k, vs := range hdr {
		if k == "X-Dropped" || strings.HasPrefix(k, "Hookguard-Stored") || strings.Contains(strings.Join(vs, ","), "forged") {
			t.Errorf("forwarded %s: %q", k, vs)
		}
	}

	list := runCLI(t, nil, "", "inbox", "list", "-inbox", db)
	if list.code != exitOK || !regexp.MustCompile(`(?m)^1 +completed +2/25 +msg_flaky +standard-webhooks .*upstream answered 500$`).MatchString(list.stdout) ||
		!regexp.MustCompile(`(?m)^2 +completed +1/25 +msg_plain `).MatchString(list.stdout) {
		t.Fatalf("list: %d\n%s%s", list.code, list.stdout, list.stderr)
	}
	show := runCLI(t, nil, "", "inbox", "show", "-inbox", db, "1")
	for _, w := range []string{"event:        msg_flaky", "attempts:     2 of 25", "  X-Kept: kept", "attempt 1 at ", ": upstream answered 500", "sha256 "} {
		if !strings.Contains(show.stdout, w) {
			t.Errorf("show lacks %q:\n%s", w, show.stdout)
		}
	}
	if show.code != exitOK || strings.Contains(show.stdout, "msg_flaky-body") {
		t.Fatalf("show prints the body unasked (code %d):\n%s", show.code, show.stdout)
	}
	if body := runCLI(t, nil, "", "inbox", "show", "-inbox", db, "-body", "1"); !strings.HasSuffix(body.stdout, "body follows:\n{\"secret\":\"msg_flaky-body\"}\n") {
		t.Fatalf("show -body:\n%s", body.stdout)
	}

	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"replay", "-inbox", db, "-by", "alice", "1"}, exitUsage, "-by and -why are required"},
		{[]string{"replay", "-inbox", db, "-why", "fixed", "1"}, exitUsage, "-by and -why are required"},
		{[]string{"replay", "-inbox", db, "-by", "alice", "-why", "fixed"}, exitUsage, "give one delivery ID"},
		{[]string{"replay", "-inbox", db, "-by", "alice", "-why", "fixed", "99"}, exitFail, "no such delivery"},
		{[]string{"show", "-inbox", db, "x1"}, exitUsage, "want a positive number"},
		{[]string{"list", "-inbox", db, "-state", "done"}, exitUsage, "want one of available"},
		{[]string{"list", "-inbox", "sqlite:" + t.TempDir() + "/missing.db"}, exitFail, "no such file"},
		{[]string{"list"}, exitFail, "-inbox DATABASE is required"},
		{[]string{"frob"}, exitUsage, `unknown command "frob"`},
		{[]string{"replay", "-inbox", db, "-by", "alice", "-why", "downstream fixed", "1"}, exitOK, "delivery 1 (event msg_flaky) is available again: replay requested by alice"},
	} {
		r := runCLI(t, nil, "", append([]string{"inbox"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.out) {
			t.Errorf("inbox %s: code %d, want %d with %q\n%s%s", strings.Join(c.args, " "), r.code, c.code, c.out, r.stdout, r.stderr)
		}
	}
	show = runCLI(t, nil, "", "inbox", "show", "-inbox", db, "1")
	if !regexp.MustCompile(`(?m)^replays:\n  \S+ by alice: downstream fixed$`).MatchString(show.stdout) || !strings.Contains(show.stdout, "state:        available") {
		t.Fatalf("show after replay:\n%s", show.stdout)
	}
}

// TestServeInboxFlags: bad -inbox, -ui and -redis combinations are usage
// errors that name the problem, before anything is opened.
func TestServeInboxFlags(t *testing.T) {
	vars := serveVars()
	vars["ADMIN"] = "an-admin-key-of-32-bytes-0123456"
	vars["SHORT"] = "short"
	base := []string{"serve", "-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-ui", "127.0.0.1:0"}, "-ui shows the -inbox"},
		{[]string{"-inbox", "sqlite:x.db", "-ui", "127.0.0.1:0"}, "-ui needs an admin key"},
		{[]string{"-inbox", "sqlite:x.db", "-ui", "127.0.0.1:0", "-admin-key-env", "SHORT"}, "shorter than 16 bytes"},
		{[]string{"-inbox", "sqlite:x.db", "-ui", "127.0.0.1:0", "-admin-key-env", "an-admin-key-of-32-bytes-0123456"}, "not an environment variable name"},
		{[]string{"-admin-key-env", "ADMIN"}, "-admin-key-env is for -ui"},
		{[]string{"-inbox", "mysql://db/x"}, "-inbox mysql:...: want sqlite:PATH or a postgres:// or postgresql:// URL"},
		{[]string{"-inbox", "sqlite:x.db", "-inbox-rescue-after", "10s"}, "-inbox-rescue-after 10s must exceed -upstream-timeout + 5s (35s)"},
		{[]string{"-inbox", "sqlite:x.db", "-inbox-headers", "Content-Type,Hookguard-Event-Id"}, "Hookguard-Event-Id is set by serve"},
		{[]string{"-inbox", "sqlite:x.db", "-inbox-headers", "Bad Header"}, `"Bad Header" is not a header name`},
		{[]string{"-inbox", "sqlite:x.db", "-inbox-workers", "0"}, "must be at least 1"},
		{[]string{"-redis", "http://127.0.0.1:6379"}, "-redis http://127.0.0.1:6379"},
	} {
		r := runCLI(t, vars, "", append(base, c.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: code %d, stderr %q; want %d with %q", c.args, r.code, r.stderr, exitUsage, c.want)
		}
		if strings.Contains(r.stderr, vars["ADMIN"]) {
			t.Errorf("%v: the admin key is echoed", c.args)
		}
	}
}
