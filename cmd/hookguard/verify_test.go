package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// signedRequest returns a raw HTTP request signed by the sign command with
// the secrets in vars named by secretArgs (sign flags).
func signedRequest(t *testing.T, vars map[string]string, body string, signArgs ...string) string {
	t.Helper()
	args := append([]string{"sign", "-id", "msg_42", "-timestamp", "1799999990"}, signArgs...)
	r := runCLI(t, vars, body, args...)
	if r.code != exitOK {
		t.Fatalf("sign: code %d, stderr %q", r.code, r.stderr)
	}
	headers := strings.ReplaceAll(strings.TrimRight(r.stdout, "\n"), "\n", "\r\n")
	return fmt.Sprintf("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n%s\r\nContent-Length: %d\r\n\r\n%s", headers, len(body), body)
}

func TestVerify(t *testing.T) {
	vars := map[string]string{"HG_OLD": testWhsec, "HG_NEW": testWhsecNew, "HG_OTHER": "whsec_b3RoZXItc2VjcmV0LW5vdC11c2Vk"}
	body := `{"type":"user.created"}`
	signedOld := signedRequest(t, vars, body, "-secret-env", "HG_OLD")
	signedNew := signedRequest(t, vars, body, "-secret-env", "HG_NEW")
	signedAhead := signedRequest(t, vars, body, "-secret-env", "HG_OLD", "-timestamp", "1800000600") // 10 min ahead

	tests := []struct {
		name    string
		request string
		args    []string
		code    int
		want    []string
		mustNot []string
	}{
		{
			name: "valid, one secret", request: signedOld,
			args: []string{"-secret-env", "HG_OLD"}, code: exitOK,
			want: []string{"verified:  yes", "secret:    HG_OLD", "event id:  msg_42", "timestamp: 2027-01-15T07:59:50Z (10s ago)", "POST /webhook (23-byte body)"},
		},
		{
			name: "rotation: old key matches", request: signedOld,
			args: []string{"-secret-env", "old=HG_OLD", "-secret-env", "new=HG_NEW"}, code: exitOK,
			want: []string{"verified:  yes", "secret:    old"},
		},
		{
			name: "rotation: new key matches", request: signedNew,
			args: []string{"-secret-env", "old=HG_OLD", "-secret-env", "new=HG_NEW"}, code: exitOK,
			want: []string{"verified:  yes", "secret:    new"},
		},
		{
			name: "tampered body", request: strings.Replace(signedOld, "user.created", "user.deleted", 1),
			args: []string{"-secret-env", "HG_OLD"}, code: exitFail,
			want: []string{"verified:  no", "reason:    bad_signature"}, mustNot: []string{"secret:"},
		},
		{
			name: "wrong secret", request: signedOld,
			args: []string{"-secret-env", "HG_OTHER"}, code: exitFail,
			want: []string{"verified:  no", "reason:    bad_signature"},
		},
		{
			name: "missing signature header", request: strings.Replace(signedOld, "Webhook-Signature:", "X-Removed:", 1),
			args: []string{"-secret-env", "HG_OLD"}, code: exitFail,
			want: []string{"reason:    missing_header", "Webhook-Signature"},
		},
		{
			name: "inside the window", request: signedOld,
			args: []string{"-secret-env", "HG_OLD", "-window", "1m"}, code: exitOK,
			want: []string{"verified:  yes", "window:    inside ±1m0s"},
		},
		{
			name: "stale for the window", request: signedOld,
			args: []string{"-secret-env", "HG_OLD", "-window", "5s"}, code: exitFail,
			want: []string{"verified:  yes", "window:    outside ±5s", "reason:    stale", "by 5s"},
		},
		{
			name: "future for the window", request: signedAhead,
			args: []string{"-secret-env", "HG_OLD", "-window", "5m"}, code: exitFail,
			want: []string{"timestamp: 2027-01-15T08:10:00Z (10m0s in the future)", "window:    outside ±5m0s", "reason:    future"},
		},
		{
			name: "malformed signature", request: strings.Replace(signedOld, "Webhook-Timestamp: 1799999990", "Webhook-Timestamp: +1799999990", 1),
			args: []string{"-secret-env", "HG_OLD"}, code: exitFail,
			want: []string{"reason:    malformed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, vars, tt.request, append([]string{"verify"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("code %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.mustNot {
				if strings.Contains(r.stdout, w) {
					t.Errorf("output has %q:\n%s", w, r.stdout)
				}
			}
			assertNoSecret(t, r)
		})
	}
}

// TestVerifyNeverPrintsExpectedMAC signs a tampered body with the real
// secret and checks that this expected signature appears nowhere in the
// verify output for the original delivery.
func TestVerifyNeverPrintsExpectedMAC(t *testing.T) {
	vars := map[string]string{"HG": testWhsec}
	sent := signedRequest(t, vars, `{"amount":1}`, "-secret-env", "HG")
	tampered := strings.Replace(sent, `{"amount":1}`, `{"amount":9}`, 1)
	expected := runCLI(t, vars, `{"amount":9}`, "sign", "-id", "msg_42", "-timestamp", "1799999990", "-secret-env", "HG")
	sig := parseHeaderLines(t, expected.stdout).Get("Webhook-Signature")
	mac := strings.TrimPrefix(sig, "v1,")
	if mac == "" {
		t.Fatal("no signature")
	}
	r := runCLI(t, vars, tampered, "verify", "-secret-env", "HG")
	if r.code != exitFail {
		t.Fatalf("code %d", r.code)
	}
	if strings.Contains(r.stdout+r.stderr, mac) {
		t.Fatalf("verify printed the expected MAC:\n%s", r.stdout)
	}
}

func TestVerifyInputs(t *testing.T) {
	vars := map[string]string{"HG": testWhsec}
	req := signedRequest(t, vars, "hello", "-secret-env", "HG")

	// From a file, with bare \n line endings and no Content-Length: the rest
	// of the input is the body.
	loose := strings.ReplaceAll(req, "\r\n", "\n")
	loose = strings.Replace(loose, "Content-Length: 5\n", "", 1)
	file := filepath.Join(t.TempDir(), "captured.http")
	if err := os.WriteFile(file, []byte(loose), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, vars, "", "verify", "-secret-env", "HG", file); r.code != exitOK {
		t.Fatalf("file: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Chunked body.
	chunked := strings.Replace(req, "Content-Length: 5\r\n\r\nhello", "Transfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n", 1)
	if r := runCLI(t, vars, chunked, "verify", "-secret-env", "HG", "-"); r.code != exitOK {
		t.Fatalf("chunked: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Not HTTP.
	r := runCLI(t, vars, "garbage", "verify", "-secret-env", "HG")
	if r.code != exitFail || !strings.Contains(r.stderr, "not a raw HTTP request") {
		t.Fatalf("garbage: code %d, stderr %q", r.code, r.stderr)
	}
	// Missing file.
	r = runCLI(t, vars, "", "verify", "-secret-env", "HG", "/nonexistent/req")
	if r.code != exitFail || !strings.Contains(r.stderr, "/nonexistent/req") {
		t.Fatalf("missing file: code %d, stderr %q", r.code, r.stderr)
	}
}
