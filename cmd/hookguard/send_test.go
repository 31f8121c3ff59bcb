package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hookguard/hookguard/hmac"
)

// dedupReceiver verifies Standard Webhooks deliveries and processes each
// event ID once, like a Guard would.
type dedupReceiver struct {
	verifier  *hmac.Verifier
	mu        sync.Mutex
	processed map[string]int // event ID → times the handler ran
	received  int
	sigs      map[string]bool
}

func newDedupReceiver(t *testing.T, secret string) *dedupReceiver {
	return &dedupReceiver{
		verifier:  hmac.NewVerifier(hmac.StandardWebhooks, keyringFor(t, hmac.StandardWebhooks, secret)),
		processed: map[string]int{},
		sigs:      map[string]bool{},
	}
}

func (d *dedupReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	res, err := d.verifier.Verify(r.Header, body)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.received++
	d.sigs[r.Header.Get("Webhook-Signature")] = true
	if err != nil {
		http.Error(w, `{"error":"bad_signature"}`, http.StatusUnauthorized)
		return
	}
	if d.processed[res.ID] > 0 {
		io.WriteString(w, `{"status":"duplicate"}`)
		return
	}
	d.processed[res.ID]++
	io.WriteString(w, `{"status":"accepted"}`)
}

func TestSendReplay(t *testing.T) {
	recv := newDedupReceiver(t, testWhsec)
	srv := httptest.NewServer(recv)
	defer srv.Close()
	vars := map[string]string{"HG": testWhsec}

	r := runCLI(t, vars, "", "send", "-secret-env", "HG", "-id", "msg_dup", "-repeat", "3", "-replay", srv.URL+"/hook")
	if r.code != exitOK {
		t.Fatalf("code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	want := []string{
		`#1   msg_dup  200 OK  {"status":"accepted"}`,
		`#2   msg_dup  200 OK  {"status":"duplicate"}`,
		`#3   msg_dup  200 OK  {"status":"duplicate"}`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("output:\n%s\nwant:\n%s", r.stdout, strings.Join(want, "\n"))
	}
	if recv.received != 3 || len(recv.processed) != 1 || recv.processed["msg_dup"] != 1 {
		t.Fatalf("received %d, processed %v", recv.received, recv.processed)
	}
	if len(recv.sigs) != 1 {
		t.Fatalf("a replay must be byte-identical; saw %d distinct signatures", len(recv.sigs))
	}
	assertNoSecret(t, r)
}

func TestSendDistinct(t *testing.T) {
	recv := newDedupReceiver(t, testWhsec)
	srv := httptest.NewServer(recv)
	defer srv.Close()
	vars := map[string]string{"HG": testWhsec}

	r := runCLI(t, vars, `{"custom":true}`, "send", "-secret-env", "HG", "-body", "-", "-repeat", "4", srv.URL)
	if r.code != exitOK {
		t.Fatalf("code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stdout, `200 OK  {"status":"accepted"}`); n != 4 {
		t.Fatalf("want 4 accepted lines:\n%s", r.stdout)
	}
	if len(recv.processed) != 4 {
		t.Fatalf("want 4 distinct event IDs processed, got %v", recv.processed)
	}
}

func TestSendRefused(t *testing.T) {
	recv := newDedupReceiver(t, testWhsecNew) // the receiver knows another secret
	srv := httptest.NewServer(recv)
	defer srv.Close()
	r := runCLI(t, map[string]string{"HG": testWhsec}, "", "send", "-secret-env", "HG", "-id", "msg_x", srv.URL)
	if r.code != exitFail || !strings.Contains(r.stdout, `#1   msg_x  401 Unauthorized  {"error":"bad_signature"}`) {
		t.Fatalf("code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if len(recv.processed) != 0 {
		t.Fatalf("processed %v", recv.processed)
	}
}

func TestSendErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	vars := map[string]string{"HG": testWhsec}
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no URL", []string{"send", "-secret-env", "HG"}, exitUsage, "want exactly one URL"},
		{"not http", []string{"send", "-secret-env", "HG", "ftp://x"}, exitUsage, "not an http(s) URL"},
		{"repeat 0", []string{"send", "-secret-env", "HG", "-repeat", "0", url}, exitUsage, "-repeat must be at least 1"},
		{"no secret", []string{"send", url}, exitUsage, "no secret"},
		{"connection refused", []string{"send", "-secret-env", "HG", "-id", "msg_1", url}, exitFail, "#1   msg_1  error:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, vars, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Fatalf("code %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestSendGitLabToken sends the shared token of the GitLab scheme (which
// sign refuses to print) and checks the receiver sees it.
func TestSendGitLabToken(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("X-Gitlab-Token")
	}))
	defer srv.Close()
	r := runCLI(t, map[string]string{"GL": testPlain}, "", "send", "-scheme", "gitlab", "-secret-env", "GL", srv.URL)
	if r.code != exitOK || got != testPlain {
		t.Fatalf("code %d, token received %v\n%s%s", r.code, got == testPlain, r.stdout, r.stderr)
	}
	assertNoSecret(t, r)
}
