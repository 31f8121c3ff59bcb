package main

import (
	"strings"
	"testing"

	"github.com/hookguard/hookguard/hmac"
)

// FuzzParseRawRequest: no input panics the captured-request parser or the
// verification after it, and nothing but a signed request verifies.
func FuzzParseRawRequest(f *testing.F) {
	f.Add([]byte("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"))
	f.Add([]byte("POST / HTTP/1.1\nWebhook-Id: msg_1\nWebhook-Timestamp: 1800000000\nWebhook-Signature: v1,AAAA\n\n{}"))
	f.Add([]byte("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"))
	f.Add([]byte("GET / HTTP/1.0\r\n\r\n"))
	f.Add([]byte("garbage"))
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k", Key: []byte("fuzz-key-0123456789abcdef")})
	if err != nil {
		f.Fatal(err)
	}
	v := hmac.NewVerifier(hmac.StandardWebhooks, keys)
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, body, err := parseRawRequest(raw)
		if err != nil {
			return
		}
		if _, err := v.VerifyAt(req.Header, body, fixedNow); err == nil {
			t.Fatalf("an unsigned fuzz input verified: %q", raw)
		}
	})
}

// FuzzSecretFlag: -secret-env/-secret-file values never panic or fail to
// parse (the flag package would echo the value), and a reference that may
// be the secret itself never appears in what keyring reports.
func FuzzSecretFlag(f *testing.F) {
	for _, s := range []string{"HG", "old=HG", "=HG", "old=", "a=b=c", "", "/run/secrets/x",
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "id=sk_live_abc"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	e := &env{getenv: func(string) string { return "" }}
	f.Fuzz(func(t *testing.T, v string, file bool) {
		var s secretFlags
		if err := (secretFlag{s: &s, file: file}).Set(v); err != nil {
			t.Fatalf("Set(%q) failed: %v", v, err)
		}
		_, err := s.keyring(e, hmac.GitHub)
		if err == nil {
			t.Fatalf("Set(%q): a keyring from an unset variable or missing file", v)
		}
		_, ref, labelled := strings.Cut(v, "=")
		if !labelled || !validID(v[:len(v)-len(ref)-1]) {
			ref = v
		}
		if len(ref) >= 8 && !showable(ref) && strings.Contains(err.Error(), ref) {
			t.Fatalf("Set(%q): the reference is echoed: %v", v, err)
		}
	})
}
