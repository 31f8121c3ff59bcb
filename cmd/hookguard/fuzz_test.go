package main

import (
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

// FuzzSecretFlag: -secret-env/-secret-file values never panic, and an
// accepted value always yields a non-empty ID and source.
func FuzzSecretFlag(f *testing.F) {
	for _, s := range []string{"HG", "old=HG", "=HG", "old=", "a=b=c", "", "/run/secrets/x"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, v string, file bool) {
		var s secretFlags
		if err := (secretFlag{s: &s, file: file}).Set(v); err != nil {
			return
		}
		src := s.list[0]
		if src.id == "" || (src.env == "" && src.file == "") {
			t.Fatalf("Set(%q) accepted an empty ID or source: %+v", v, src)
		}
	})
}
