package pubkey_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
)

// FuzzSignatureHeader: for every preset, any signature header either
// verifies (then it contains the vector's signature, in hex of any case)
// or fails with exactly one sentinel; nothing panics.
func FuzzSignatureHeader(f *testing.F) {
	vs := loadVectors(f)
	for i, v := range vs {
		s, _ := pubkey.PresetByName(v.Scheme)
		f.Add(uint8(i), v.Header().Get(s.Info().SignatureHeader))
	}
	f.Add(uint8(0), "v1a, v1a,AAAA v1,x")
	f.Add(uint8(2), "MEUCIQ==")
	f.Fuzz(func(t *testing.T, which uint8, sig string) {
		v := vs[int(which)%len(vs)]
		s, k := v.setup(t)
		h := v.Header()
		want := h.Get(s.Info().SignatureHeader)
		h.Set(s.Info().SignatureHeader, sig)
		_, err := pubkey.NewVerifier(s, k).Verify(h, []byte(v.Body))
		if err == nil {
			// Hex signatures (Discord) are read in either case: the
			// same bytes, so the same signature. Base64 is case-sensitive.
			hexCase := s.Name() == pubkey.Discord.Name() && strings.EqualFold(sig, want)
			if sig != want && !containsEntry(sig, want) && !hexCase {
				t.Fatalf("%s: verified %q", v.Name, sig)
			}
			return
		}
		n := 0
		for _, e := range []error{signature.ErrMissingHeader, signature.ErrMalformed, signature.ErrMismatch} {
			if errors.Is(err, e) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("error %v wraps %d sentinels", err, n)
		}
	})
}

// containsEntry: a Standard Webhooks header verifies when one of its
// entries is the vector's.
func containsEntry(header, entry string) bool {
	for rest := header; rest != ""; {
		var e string
		e, rest, _ = cut(rest)
		if e == entry {
			return true
		}
	}
	return false
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// FuzzParsePublicKey: key parsing never panics and whatever it accepts
// formats back to the same text (one accepted spelling per key).
func FuzzParsePublicKey(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.PublicKey)
	}
	f.Add("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")
	f.Add("whpk_")
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range pubkey.Presets() {
			pub, err := s.ParsePublicKey(text)
			if err != nil {
				continue
			}
			back, err := s.FormatPublicKey(pub)
			if err != nil {
				t.Fatalf("%s: parsed %q but cannot format it: %v", s.Name(), text, err)
			}
			if back != text && back != "whpk_"+text {
				if len(text) != 64 || back != lower(text) { // Discord hex may be upper case
					t.Fatalf("%s: %q formats back as %q", s.Name(), text, back)
				}
			}
		}
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Header is vector.header for fuzz targets.
func (v vector) Header() http.Header { return v.header() }
