package main

import (
	"bufio"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
)

// parseHeaderLines reads "Name: value" lines as printed by sign.
func parseHeaderLines(t *testing.T, s string) http.Header {
	t.Helper()
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(s + "\r\n")))
	h, err := r.ReadMIMEHeader()
	if err != nil {
		t.Fatalf("sign output is not header lines: %v\n%s", err, s)
	}
	return http.Header(h)
}

func keyringFor(t *testing.T, s hmac.Scheme, secrets ...string) *hmac.Keyring {
	t.Helper()
	var list []hmac.Secret
	for i, sec := range secrets {
		key, err := s.ParseKey(sec)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, hmac.Secret{ID: []string{"old", "new"}[i], Key: key})
	}
	k, err := hmac.NewKeyring(list...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSignEveryPreset proves the printed headers verify with the library
// for every HMAC preset (URL-signed ones over -url), carry the given ID and
// timestamp, and leak no secret.
func TestSignEveryPreset(t *testing.T) {
	const signedURL = "https://hooks.example.com/hook?x=1"
	for _, cs := range registry() {
		s := cs.hmac
		if cs.public || cs.hmac.SharedToken() {
			continue // public keys: TestSignVerifyRoundTrip; shared tokens: sign refuses to print them (TestSignErrors)
		}
		body := `{"type":"invoice.paid","n":1}`
		if s.Name() == hmac.Twilio.Name() {
			body = "type=invoice.paid&n=1" // Twilio signs form parameters
		}
		t.Run(s.Name(), func(t *testing.T) {
			secret := testPlain
			if _, err := s.ParseKey(secret); err != nil {
				secret = testWhsec // whsec_ base64 schemes
			}
			args := []string{"sign", "-scheme", s.Name(), "-secret-env", "HG_SECRET", "-id", "evt_123", "-timestamp", "1800000000"}
			if s.NeedsURL() {
				args = append(args, "-url", signedURL)
			}
			r := runCLI(t, map[string]string{"HG_SECRET": secret}, body, args...)
			if r.code != exitOK {
				t.Fatalf("code %d, stderr %q", r.code, r.stderr)
			}
			assertNoSecret(t, r)
			h := parseHeaderLines(t, r.stdout)
			if got := h.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			m := signature.Message{Method: "POST", URL: signedURL, Header: h, Body: []byte(body)}
			res, err := hmac.NewVerifier(s, keyringFor(t, s, secret)).Authenticate(&m, fixedNow)
			if err != nil {
				t.Fatalf("printed headers do not verify: %v\n%s", err, r.stdout)
			}
			if res.SecretID != "old" {
				t.Errorf("SecretID = %q", res.SecretID)
			}
			if s.IDHeader() != "" && res.ID != "evt_123" {
				t.Errorf("ID = %q, want evt_123", res.ID)
			}
			if s.SignsTimestamp() && !res.Timestamp.Equal(fixedNow) {
				t.Errorf("Timestamp = %v, want %v", res.Timestamp, fixedNow)
			}
			m.Body = []byte(body + "&z=1")
			if _, err := hmac.NewVerifier(s, keyringFor(t, s, secret)).Authenticate(&m, fixedNow); err == nil {
				t.Error("headers verify a different body")
			}
		})
	}
}

func TestSignCurl(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "body.json")
	if err := os.WriteFile(file, []byte(`{"a":"it's"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	secretFile := filepath.Join(dir, "hg.secret")
	if err := os.WriteFile(secretFile, []byte(testWhsec+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"HG_SECRET": testWhsec}

	// Body from a file: referenced with @file.
	r := runCLI(t, vars, "", "sign", "--secret-file", secretFile, "-id", "msg_1", "-curl", "http://127.0.0.1:8080/hook", file)
	if r.code != exitOK {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
	assertNoSecret(t, r)
	for _, want := range []string{
		"curl -sS -X POST 'http://127.0.0.1:8080/hook'",
		"-H 'Webhook-Id: msg_1'",
		"-H 'Webhook-Signature: v1,",
		"-H 'Webhook-Timestamp: 1800000000'",
		"--data-binary '@" + file + "'",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("curl command lacks %q:\n%s", want, r.stdout)
		}
	}

	// Body from stdin: inlined and quoted for the shell.
	r = runCLI(t, vars, `{"a":"it's"}`, "sign", "-secret-env", "HG_SECRET", "-curl", "http://127.0.0.1:8080/hook")
	if r.code != exitOK || !strings.Contains(r.stdout, `--data-binary '{"a":"it'\''s"}'`) {
		t.Fatalf("code %d, stdout:\n%s", r.code, r.stdout)
	}
}

func TestSignErrors(t *testing.T) {
	vars := map[string]string{"HG_SECRET": testWhsec, "SHORT": "whsec_c2hvcnQ=", "EMPTY": ""}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no secret", []string{"sign"}, "no secret"},
		{"unset variable", []string{"sign", "-secret-env", "NOPE"}, "-secret-env #1 NOPE is empty or unset"},
		{"empty variable", []string{"sign", "-secret-env", "EMPTY"}, "EMPTY is empty or unset"},
		{"short key", []string{"sign", "-secret-env", "SHORT"}, "at least 16"},
		{"missing file", []string{"sign", "-secret-file", "/nonexistent/hg.secret"}, "/nonexistent/hg.secret"},
		{"unknown scheme", []string{"sign", "-scheme", "acme", "-secret-env", "HG_SECRET"}, `unknown scheme "acme"`},
		{"not base64 for standard webhooks", []string{"sign", "-secret-env", "PLAIN"}, "not a valid standard-webhooks secret"},
		{"bad ID", []string{"sign", "-secret-env", "HG_SECRET", "-id", "has space"}, "event ID"},
		{"two files", []string{"sign", "-secret-env", "HG_SECRET", "a", "b"}, "at most one body file"},
		{"bad secret label", []string{"sign", "-secret-env", "=X"}, "not an environment variable name"},
		{"the secret instead of a name", []string{"sign", "-secret-env", testWhsec}, "not an environment variable name (the value is not shown"},
		{"a bare secret instead of a name", []string{"sign", "-secret-env", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "not an environment variable name (the value is not shown"},
		{"a labelled secret instead of a name", []string{"sign", "-secret-env", "new=" + testWhsec}, "-secret-env #1 (new): not an environment variable name"},
		{"the secret instead of a path", []string{"sign", "-secret-file", testWhsec}, "not a readable file (the value is not shown"},
		{"shared token", []string{"sign", "-scheme", "gitlab", "-secret-env", "PLAIN"}, "sign never prints secrets"},
	}
	vars["PLAIN"] = testPlain
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, vars, "{}", tt.args...)
			if r.code == exitOK || r.stdout != "" {
				t.Fatalf("code %d, stdout %q", r.code, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.want)
			}
			assertNoSecret(t, r)
		})
	}
}
