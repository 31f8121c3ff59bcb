package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo runs the demo in-process: exit 0, one row per scripted delivery
// with the expected and actual verdicts equal, every row marked yes.
func TestDemo(t *testing.T) {
	start := time.Now()
	r := runCLI(t, nil, "", "demo")
	elapsed := time.Since(start)
	if r.code != exitOK {
		t.Fatalf("demo exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if elapsed > 3*time.Second {
		t.Errorf("demo took %v, want well under 3 s", elapsed)
	}
	wantRows := []struct{ what, verdict string }{
		{"valid delivery", "200 accepted"},
		{"tampered body", "401 bad_signature"},
		{"signed with the wrong secret", "401 bad_signature"},
		{"no signature headers", "400 missing_header"},
		{"stale timestamp", "401 stale"},
		{"future timestamp", "401 future"},
		{"replay of the valid delivery", "200 duplicate"},
		{"same event again while its handler still runs", "409 in_flight"},
		{"the first delivery of it finishes", "200 accepted"},
		{"handler fails with 500", "500 handler_failed"},
		{"the sender retries it", "200 accepted"},
		{"rotation: signed with the old key", "200 accepted"},
		{"rotation: signed with the new key", "200 accepted"},
		{"after Revoke: signed with the old key", "401 bad_signature"},
		{"burst: delivery 21 from one IP, after 20 accepted", "429 rate_limited"},
		{"client 198.51.100.7 via the trusted proxy", "403 not_allowed"},
		{"outsider sends X-Forwarded-For", "403 not_allowed"},
		{"oversized body", "413 too_large"},
		{"Standard Webhooks v1a: Ed25519 (public key only)", "200 accepted"},
		{"Twilio: HMAC over the receiver's public URL", "200 accepted"},
		{"Twilio: HMAC over another URL", "401 bad_signature"},
		{"inbox: delivery while the upstream is down", "200 accepted"},
		{"the upstream comes back: forwarded by the worker", "200 forwarded"},
	}
	var rows []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if regexp.MustCompile(`^\d+ `).MatchString(l) {
			rows = append(rows, l)
		}
	}
	if len(rows) != len(wantRows) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(wantRows), r.stdout)
	}
	for i, w := range wantRows {
		row := rows[i]
		// EXPECTED and GOT columns both hold the verdict, then "yes".
		pat := regexp.QuoteMeta(w.verdict) + ` +` + regexp.QuoteMeta(w.verdict) + ` +yes\b`
		if !strings.Contains(row, w.what) || !regexp.MustCompile(pat).MatchString(row) {
			t.Errorf("row %d = %q\nwant %q with verdict %q twice and yes", i+1, row, w.what, w.verdict)
		}
	}
	for _, want := range []string{
		"secret key-2026-01", "secret key-2026-02", // Result.SecretID shows the rotation
		"Retry-After: 60s",
		"secret demo-ed25519", "secret twilio-auth-token", // the provider receivers name their keys
		"handler runs: 28 (27 events processed once each, 1 failed run retried)",
		"committed to SQLite",
		"Hookguard-Attempt 2, ",
		"all 23 verdicts as expected",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, " NO ") {
		t.Errorf("a row is marked NO:\n%s", r.stdout)
	}
}

func TestDemoLogAndArgs(t *testing.T) {
	r := runCLI(t, nil, "", "demo", "-log")
	if r.code != exitOK || !strings.Contains(r.stderr, "reason=bad_signature") {
		t.Fatalf("code %d, stderr:\n%s", r.code, r.stderr)
	}
	// The log never carries the demo's keys.
	if strings.Contains(r.stderr, "demo-old-secret") || strings.Contains(r.stderr, "demo-new-secret") {
		t.Fatal("log leaks a secret")
	}
	if r := runCLI(t, nil, "", "demo", "extra"); r.code != exitUsage {
		t.Fatalf("extra argument: code %d", r.code)
	}
}
