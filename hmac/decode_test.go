package hmac

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestDecodeHex(t *testing.T) {
	mac := bytes.Repeat([]byte{0x0f, 0xa5, 0x5a, 0xf0}, 8)
	lower := hex.EncodeToString(mac)
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"lower case", lower, true},
		{"upper case", strings.ToUpper(lower), true},
		{"mixed case", strings.ToUpper(lower[:10]) + lower[10:], true},
		{"non-digit", lower[:63] + "g", false},
		{"space", " " + lower[1:], false},
		{"high byte", lower[:62] + "\xc3\xa9", false},
		{"one digit short", lower[:63], false},
		{"one digit long", lower + "0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := make([]byte, len(mac))
			if got := decodeMAC(dst, tt.in, Hex) == nil; got != tt.ok {
				t.Fatalf("decodeMAC = %v, want %v", got, tt.ok)
			}
			if tt.ok && !bytes.Equal(dst, mac) {
				t.Fatalf("decoded %x, want %x", dst, mac)
			}
		})
	}
}

// FuzzDecodeHex checks decodeMAC's hex against encoding/hex.
func FuzzDecodeHex(f *testing.F) {
	f.Add("0fa55af0")
	f.Add("0FA55AF0")
	f.Add("0fa55afg")
	f.Add("0fa55af")
	f.Fuzz(func(t *testing.T, v string) {
		if len(v)/2 > 64 {
			return // longer than any MAC (SHA-512)
		}
		dst := make([]byte, len(v)/2)
		got := decodeMAC(dst, v, Hex) == nil
		want, err := hex.DecodeString(v)
		if got != (err == nil) {
			t.Fatalf("decodeMAC(%q) = %v, encoding/hex error %v", v, got, err)
		}
		if got && !bytes.Equal(dst, want) {
			t.Fatalf("decodeMAC(%q) = %x, encoding/hex %x", v, dst, want)
		}
	})
}
