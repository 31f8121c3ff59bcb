package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/pubkey"
)

// Key pairs of the public-key schemes, from pubkey/testdata/vectors.json:
// the RFC 8032 §7.1 TEST 1 Ed25519 key (standard-webhooks-v1a as whpk_/whsk_,
// discord in hex) and sendgrid-go's published P-256 test key.
var testKeyPairs = map[string]struct{ public, private string }{
	"standard-webhooks-v1a": {
		"whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		"whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==",
	},
	"discord": {
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	},
	"sendgrid": {
		"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==",
		"MHcCAQEEIEQmZgBEh9DcU9zMl34czK3xov4AYvm9P3r7rNB2dNXtoAoGCCqGSM49AwEHoUQDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==",
	},
}

// assertNoPrivateKey fails when a test private key appears in r's output.
func assertNoPrivateKey(t *testing.T, r result) {
	t.Helper()
	for name, kp := range testKeyPairs {
		if strings.Contains(r.stdout+r.stderr, kp.private) {
			t.Fatalf("output leaks the %s private key:\n%s%s", name, r.stdout, r.stderr)
		}
	}
}

// rawRequest is a captured POST to target with Host host.
func rawRequest(target, host, headerLines, body string) string {
	headers := strings.ReplaceAll(strings.TrimRight(headerLines, "\n"), "\n", "\r\n")
	if headers != "" {
		headers += "\r\n"
	}
	return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\n%sContent-Length: %d\r\n\r\n%s", target, host, headers, len(body), body)
}

// TestRegistry: every library preset is in the CLI under its Name, in
// lower case with '-' between words, once; the shared-token and handshake
// marks are right; hookguard -h lists every name.
func TestRegistry(t *testing.T) {
	var want []string
	for _, s := range hmac.Presets() {
		want = append(want, s.Name())
	}
	for _, s := range pubkey.Presets() {
		want = append(want, s.Name())
	}
	seen := map[string]bool{}
	help := runCLI(t, nil, "", "-h").stdout
	nameRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, s := range registry() {
		n := s.name()
		if !nameRE.MatchString(n) || seen[n] {
			t.Errorf("name %q is not lower-case-with-dashes or repeated", n)
		}
		seen[n] = true
		if !regexp.MustCompile(`[ ,]` + regexp.QuoteMeta(n) + `\*?(,|\n)`).MatchString(help) {
			t.Errorf("hookguard -h does not list %s", n)
		}
		if got, err := lookupScheme(strings.ToUpper(n)); err != nil || got.name() != n {
			t.Errorf("lookupScheme(%q) = %q, %v", strings.ToUpper(n), got.name(), err)
		}
		if s.public {
			continue
		}
		// A shared-token scheme writes the secret itself; sign must know.
		k, err := hmac.NewKeyring(hmac.Secret{Key: []byte(testPlain)})
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		if err := hmac.NewSigner(s.hmac, k).SignURL(h, "POST", "https://x.example/h", "evt_1", fixedNow, []byte("a=1"), fixedNow); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if isToken := h.Get(s.hmac.SignatureHeader()) == testPlain; isToken != s.hmac.SharedToken() {
			t.Errorf("%s: token mark %v, but the header carries the secret: %v", n, s.hmac.SharedToken(), isToken)
		}
	}
	for _, n := range want {
		if !seen[n] {
			t.Errorf("preset %s missing from the CLI", n)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d CLI schemes, %d presets", len(seen), len(want))
	}
	for name, hs := range map[string]handshakeKind{"slack": hsSlack, "zoom": hsZoom, "twitch": hsTwitch, "meta": hsMeta, "dropbox": hsDropbox, "github": hsNone} {
		if s, _ := lookupScheme(name); s.hs != hs || (hs != hsNone) != (s.responder(nil, "t") != nil) {
			t.Errorf("%s: handshake %v, want %v", name, s.hs, hs)
		}
	}
}

// TestSignVerifyRoundTrip: for every preset sign's headers verify through
// hookguard verify (URL-signed schemes over the URL rebuilt from Host and
// the request target), naming the key; a tampered body is exit 1 with
// bad_signature; no secret or private key is ever printed.
func TestSignVerifyRoundTrip(t *testing.T) {
	const host, target = "hooks.example.com", "/hook?tenant=7"
	for _, s := range registry() {
		if s.hmac.SharedToken() {
			continue // sign refuses to print a token; see TestSendToken
		}
		t.Run(s.name(), func(t *testing.T) {
			body := `{"type":"invoice.paid","n":1}`
			if s.name() == hmac.Twilio.Name() {
				body = "From=%2B15551234567&Body=hello"
			}
			vars := map[string]string{}
			signArgs := []string{"sign", "-scheme", s.name(), "-id", "evt_1", "-timestamp", "1799999990"}
			verifyArgs := []string{"verify", "-scheme", s.name()}
			if s.public {
				kp := testKeyPairs[s.name()]
				vars["PRIV"], vars["PUB"] = kp.private, kp.public
				signArgs = append(signArgs, "-private-key-env", "PRIV")
				verifyArgs = append(verifyArgs, "-public-key-env", "provider=PUB")
			} else {
				vars["SECRET"] = testPlain
				if _, err := s.hmac.ParseKey(testPlain); err != nil {
					vars["SECRET"] = testWhsec
				}
				signArgs = append(signArgs, "-secret-env", "SECRET")
				verifyArgs = append(verifyArgs, "-secret-env", "provider=SECRET")
			}
			if s.needsURL() {
				signArgs = append(signArgs, "-url", "https://"+host+target)
			}
			signed := runCLI(t, vars, body, signArgs...)
			if signed.code != exitOK {
				t.Fatalf("sign: code %d\n%s", signed.code, signed.stderr)
			}
			assertNoSecret(t, signed)
			assertNoPrivateKey(t, signed)
			req := rawRequest(target, host, signed.stdout, body)

			r := runCLI(t, vars, req, verifyArgs...)
			if r.code != exitOK || !strings.Contains(r.stdout, "verified:  yes") || !strings.Contains(r.stdout, "secret:    provider") {
				t.Fatalf("verify: code %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if s.needsURL() && !strings.Contains(r.stdout, "url:       https://"+host+target) {
				t.Errorf("verify does not name the URL:\n%s", r.stdout)
			}

			tampered := rawRequest(target, host, signed.stdout, strings.Replace(body, "1", "2", 1))
			r = runCLI(t, vars, tampered, verifyArgs...)
			if r.code != exitFail || !strings.Contains(r.stdout, "reason:    bad_signature") {
				t.Fatalf("tampered: code %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			assertNoSecret(t, r)
			assertNoPrivateKey(t, r)
		})
	}
}

// TestVerifyPublishedVectors verifies providers' own examples through
// hookguard verify: Twilio's (twilio-python test_compute_signature) with the
// URL from -url and rebuilt from Host, SendGrid's (sendgrid-go
// eventwebhook_test.go) and a constructed Discord one (see
// pubkey/testdata/vectors.json).
func TestVerifyPublishedVectors(t *testing.T) {
	const twilioBody = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"
	twilio := rawRequest("/myapp.php?foo=1&bar=2", "mycompany.com",
		"X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=\nContent-Type: application/x-www-form-urlencoded", twilioBody)
	sendgrid := rawRequest("/events", "hooks.example.com",
		"X-Twilio-Email-Event-Webhook-Signature: MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=\n"+
			"X-Twilio-Email-Event-Webhook-Timestamp: 1588788367",
		`{"category":"example_payload","event":"test_event","message_id":"message_id"}`)
	discord := rawRequest("/interactions", "hooks.example.com",
		"X-Signature-Ed25519: 4fd7792b990c924e27675828000884c69ff3d531b95b44a97e0584e613796da05d26cb29a496b2f5c8c27c094506d86a766b9b94827cf8b2872b81d54c293b0e\n"+
			"X-Signature-Timestamp: 1700000000",
		`{"type":1,"id":"787053080478613555","application_id":"1","token":"x","version":1}`)
	vars := map[string]string{
		"TWILIO": "12345", "SENDGRID": testKeyPairs["sendgrid"].public, "DISCORD": testKeyPairs["discord"].public,
		"OTHER_ED25519": "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	}
	tests := []struct {
		name    string
		request string
		args    []string
		code    int
		want    []string
	}{
		{"twilio, -url", twilio, []string{"-scheme", "twilio", "-secret-env", "TWILIO", "-allow-short-secret",
			"-url", "https://mycompany.com/myapp.php?foo=1&bar=2"}, exitOK, []string{"verified:  yes", "url:       https://mycompany.com/myapp.php?foo=1&bar=2"}},
		{"twilio, URL from Host", twilio, []string{"-scheme", "twilio", "-secret-env", "TWILIO", "-allow-short-secret"}, exitOK,
			[]string{"verified:  yes", "secret:    TWILIO"}},
		{"twilio, another URL", twilio, []string{"-scheme", "twilio", "-secret-env", "TWILIO", "-allow-short-secret",
			"-url", "https://mycompany.com/other.php?foo=1&bar=2"}, exitFail,
			[]string{"reason:    bad_signature", `over URL "https://mycompany.com/other.php?foo=1&bar=2"`}},
		{"twilio, short secret refused", twilio, []string{"-scheme", "twilio", "-secret-env", "TWILIO"}, exitUsage, nil},
		{"sendgrid", sendgrid, []string{"-scheme", "sendgrid", "-public-key-env", "SENDGRID"}, exitOK,
			[]string{"verified:  yes", "secret:    SENDGRID", "timestamp: 2020-05-06T18:06:07Z"}},
		{"sendgrid, tampered", strings.Replace(sendgrid, "test_event", "test_evenu", 1), []string{"-scheme", "sendgrid", "-public-key-env", "SENDGRID"},
			exitFail, []string{"reason:    bad_signature"}},
		{"discord", discord, []string{"-scheme", "discord", "-public-key-env", "DISCORD"}, exitOK,
			[]string{"verified:  yes", "timestamp: 2023-11-14T22:13:20Z"}},
		{"discord, another key", discord, []string{"-scheme", "discord", "-public-key-env", "OTHER_ED25519"}, exitFail,
			[]string{"reason:    bad_signature"}},
		{"discord, no signature header", strings.Replace(discord, "X-Signature-Ed25519", "X-Removed", 1),
			[]string{"-scheme", "discord", "-public-key-env", "DISCORD"}, exitFail, []string{"reason:    missing_header", "X-Signature-Ed25519"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, vars, tt.request, append([]string{"verify"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("code %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			if strings.Contains(r.stdout+r.stderr, "12345") && tt.code != exitOK {
				t.Errorf("output carries the Twilio token:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
}

// TestSchemeUsageErrors: every misuse of the scheme and key flags is exit
// 2 with a message that says what to do, and echoes no key.
func TestSchemeUsageErrors(t *testing.T) {
	vars := map[string]string{"HG": testWhsec, "PUB": testKeyPairs["standard-webhooks-v1a"].public,
		"PRIV": testKeyPairs["standard-webhooks-v1a"].private, "BADPUB": "whpk_AAAA", "TOKEN": "meta-verify-token"}
	req := rawRequest("/hook", "hooks.example.com", "", "{}")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"verify: public-key scheme without a key", []string{"verify", "-scheme", "discord"}, "no public key: give -public-key-env NAME or -public-key-file PATH"},
		{"sign: public-key scheme without a key", []string{"sign", "-scheme", "standard-webhooks-v1a"}, "no private key: give -private-key-env"},
		{"verify: HMAC scheme without a secret", []string{"verify", "-scheme", "github"}, "no secret"},
		{"verify: a secret for a public-key scheme", []string{"verify", "-scheme", "sendgrid", "-secret-env", "HG"}, "sendgrid uses public keys, not shared secrets"},
		{"verify: a public key for standard-webhooks", []string{"verify", "-public-key-env", "PUB"}, "for Ed25519 keys use -scheme standard-webhooks-v1a"},
		{"sign: a private key for an HMAC scheme", []string{"sign", "-scheme", "github", "-private-key-env", "PRIV"}, "github uses a shared secret"},
		{"verify: a bad public key", []string{"verify", "-scheme", "standard-webhooks-v1a", "-public-key-env", "BADPUB"}, "-public-key-env #1 BADPUB is not a valid standard-webhooks-v1a public key"},
		{"verify: the key instead of a name", []string{"verify", "-scheme", "standard-webhooks-v1a", "-public-key-env", testKeyPairs["standard-webhooks-v1a"].public}, "not an environment variable name (the value is not shown"},
		{"sign: the private key instead of a name", []string{"sign", "-scheme", "standard-webhooks-v1a", "-private-key-env", testKeyPairs["standard-webhooks-v1a"].private}, "not an environment variable name (the value is not shown"},
		{"sign: the private key instead of a path", []string{"sign", "-scheme", "discord", "-private-key-file", testKeyPairs["discord"].private}, "not a readable file (the value is not shown"},
		{"-scheme with -scheme-file", []string{"verify", "-scheme", "github", "-scheme-file", "acme.json", "-secret-env", "HG"}, "-scheme and -scheme-file are exclusive"},
		{"-scheme with -custom-*", []string{"sign", "-scheme", "github", "-custom-signature-header", "X-Sig", "-secret-env", "HG"}, "-scheme and -custom-signature-header are exclusive"},
		{"-scheme-file with -custom-*", []string{"verify", "-scheme-file", "acme.json", "-custom-hash", "sha1", "-secret-env", "HG"}, "-scheme-file and -custom-hash are exclusive"},
		{"verify -url for a scheme that signs no URL", []string{"verify", "-scheme", "github", "-secret-env", "HG", "-url", "https://x.example/h"}, "-url is for schemes that sign the URL (twilio, square, hubspot"},
		{"sign: URL scheme without -url", []string{"sign", "-scheme", "square", "-secret-env", "HG"}, "square signs the URL: give -url URL"},
		{"sign: -url not absolute", []string{"sign", "-scheme", "square", "-secret-env", "HG", "-url", "/hook"}, `-url "/hook" is not an absolute http(s) URL`},
		{"verify: URL scheme, no Host and no -url", []string{"verify", "-scheme", "square", "-secret-env", "HG", "-"}, "cannot rebuild the signed URL from the request"},
		{"serve: meta without -verify-token-env", []string{"serve", "-upstream", "http://127.0.0.1:1", "-scheme", "meta", "-secret-env", "HG"}, "-scheme meta needs -verify-token-env NAME"},
		{"serve: -verify-token-env without meta", []string{"serve", "-upstream", "http://127.0.0.1:1", "-scheme", "slack", "-secret-env", "HG", "-verify-token-env", "TOKEN"}, "-verify-token-env is for -scheme meta only"},
		{"serve: -verify-token-env unset", []string{"serve", "-upstream", "http://127.0.0.1:1", "-scheme", "meta", "-secret-env", "HG", "-verify-token-env", "NOPE"}, "-verify-token-env #1 NOPE is empty or unset"},
		{"serve: -public-url for a scheme that signs no URL", []string{"serve", "-upstream", "http://127.0.0.1:1", "-secret-env", "HG", "-public-url", "https://hooks.example.com"}, "-public-url is for schemes that sign the URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin := req
			if strings.Contains(tt.name, "no Host") {
				stdin = "POST /hook HTTP/1.0\r\nX-Square-Hmacsha256-Signature: AAAA\r\n\r\n{}"
			}
			r := runCLI(t, vars, stdin, tt.args...)
			if r.code != exitUsage {
				t.Fatalf("code %d, want %d\n%s%s", r.code, exitUsage, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
			assertNoSecret(t, r)
			assertNoPrivateKey(t, r)
			if strings.Contains(r.stdout+r.stderr, "meta-verify-token") || strings.Contains(r.stderr, testKeyPairs["standard-webhooks-v1a"].public) {
				t.Errorf("output echoes a token or key:\n%s", r.stderr)
			}
		})
	}
}
