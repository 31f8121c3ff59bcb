package hmac

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strconv"
	"testing"
)

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1614265330", 1614265330, true},
		{"0", 0, true},
		{"999999999999", 999999999999, true},
		{"", 0, false},
		{"+1614265330", 0, false},
		{"-1", 0, false},
		{"01614265330", 0, false},
		{"00", 0, false},
		{" 1614265330", 0, false},
		{"1614265330 ", 0, false},
		{"1614265330.5", 0, false},
		{"1e9", 0, false},
		{"0x10", 0, false},
		{"1000000000000", 0, false}, // 13 digits
		{"99999999999999999999999", 0, false},
		{"１２３", 0, false}, // full-width digits
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.in), func(t *testing.T) {
			got, err := parseTimestamp(tt.in)
			if tt.ok {
				if err != nil || got != tt.want {
					t.Fatalf("parseTimestamp(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("parseTimestamp(%q) error = %v; want ErrMalformed", tt.in, err)
			}
		})
	}
}

// refDecode is the reference for decodeBase64: strict stdlib decoding plus
// a re-encode check that rejects every non-canonical spelling.
func refDecode(size int, v string) ([]byte, bool) {
	if len(v) != base64.StdEncoding.EncodedLen(size) {
		return nil, false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil || len(b) != size || base64.StdEncoding.EncodeToString(b) != v {
		return nil, false
	}
	return b, true
}

func TestDecodeBase64(t *testing.T) {
	valid := "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	tests := []struct {
		name string
		size int
		in   string
		ok   bool
	}{
		{"canonical", 32, valid, true},
		{"unused bits set", 32, valid[:42] + "F=", false},
		{"missing padding", 32, valid[:43] + "A", false},
		{"line break", 32, valid[:20] + "\n" + valid[21:], false},
		{"url alphabet", 32, "g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=", false},
		{"space", 32, valid[:10] + " " + valid[11:], false},
		{"sha1 20 bytes", 20, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5}, 20)), true},
		{"sha512 64 bytes", 64, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 64)), true},
		{"sha1 unused bits", 20, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5}, 20))[:26] + "B=", false},
		{"sha512 double pad bits", 64, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 64))[:85] + "B==", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, wantOK := refDecode(tt.size, tt.in)
			if wantOK != tt.ok {
				t.Fatalf("reference disagrees with the table: %v", wantOK)
			}
			if len(tt.in) != base64.StdEncoding.EncodedLen(tt.size) {
				return // the caller's length check refuses it
			}
			dst := make([]byte, tt.size)
			if got := decodeBase64(dst, tt.in); got != tt.ok {
				t.Fatalf("decodeBase64 = %v, want %v", got, tt.ok)
			}
			if tt.ok && !bytes.Equal(dst, want) {
				t.Fatalf("decoded %x, want %x", dst, want)
			}
		})
	}
}

// FuzzDecodeBase64 checks the hand-written strict decoder against the
// standard library's strict decoder plus re-encoding.
func FuzzDecodeBase64(f *testing.F) {
	f.Add(32, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	f.Add(32, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=")
	f.Add(20, "pUoVz4ePSmDnADBGuJYx/0OvxN0=")
	f.Add(64, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")
	f.Fuzz(func(t *testing.T, size int, v string) {
		switch size {
		case 20, 32, 64:
		default:
			size = 32
		}
		if len(v) != base64.StdEncoding.EncodedLen(size) {
			return
		}
		want, wantOK := refDecode(size, v)
		dst := make([]byte, size)
		got := decodeBase64(dst, v)
		if got != wantOK {
			t.Fatalf("decodeBase64(%q) = %v, reference %v", v, got, wantOK)
		}
		if got && !bytes.Equal(dst, want) {
			t.Fatalf("decodeBase64(%q) = %x, reference %x", v, dst, want)
		}
	})
}

// FuzzParseTimestamp: whatever is accepted is the canonical decimal
// spelling of the value returned.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"1614265330", "0", "+1", "01", "", "999999999999", "1000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseTimestamp(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if strconv.FormatInt(n, 10) != s {
			t.Fatalf("accepted %q as %d", s, n)
		}
	})
}

// FuzzCompileTemplate: compilation never panics, and an accepted template
// has exactly one {body} and renders back to its source.
func FuzzCompileTemplate(f *testing.F) {
	for _, s := range []string{"", "{body}", "{timestamp}.{body}", "v0:{timestamp}:{body}", "{id}.{timestamp}.{body}", "{", "}", "{{body}}", "{body}{body}", "{x}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tm, err := compileTemplate(src)
		if err != nil {
			return
		}
		var b bytes.Buffer
		bodies := 0
		for _, p := range tm.parts {
			switch p.kind {
			case partLit:
				b.Write(p.lit)
			case partBody:
				bodies++
				b.WriteString("{body}")
			case partTS:
				b.WriteString("{timestamp}")
			case partID:
				b.WriteString("{id}")
			}
		}
		if bodies != 1 {
			t.Fatalf("%q compiled with %d bodies", src, bodies)
		}
		if want := src; want != "" && b.String() != want {
			t.Fatalf("%q rendered back as %q", src, b.String())
		}
	})
}
