package signature_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"testing"

	"github.com/hookguard/hookguard/signature"
)

// FuzzDecode checks DecodeBase64 against the standard library's strict
// decoder plus re-encoding (which rejects every non-canonical spelling,
// line breaks included), and DecodeHex against encoding/hex.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "AAEC", "AAF=", "AA==", "AB==", "AAE=", "AAEC====", "AA\nEC", "Zm9vYmFy", "0aFF", "0aFG"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dst := make([]byte, 256)
		n, err := signature.DecodeBase64(dst, s, "x")
		want, werr := base64.StdEncoding.Strict().DecodeString(s)
		wantOK := werr == nil && len(s) <= 256 && base64.StdEncoding.EncodeToString(want) == s
		if (err == nil) != wantOK {
			t.Fatalf("DecodeBase64(%q) error %v, reference ok %v", s, err, wantOK)
		}
		if err == nil && !bytes.Equal(dst[:n], want) {
			t.Fatalf("DecodeBase64(%q) = %x, reference %x", s, dst[:n], want)
		}

		hdst := make([]byte, len(s)/2)
		herr := signature.DecodeHex(hdst, s, "x")
		hwant, hwerr := hex.DecodeString(s)
		if hok := hwerr == nil && len(s) <= 256; (herr == nil) != hok {
			t.Fatalf("DecodeHex(%q) error %v, encoding/hex error %v", s, herr, hwerr)
		}
		if herr == nil && !bytes.Equal(hdst, hwant) {
			t.Fatalf("DecodeHex(%q) = %x, encoding/hex %x", s, hdst, hwant)
		}
	})
}
