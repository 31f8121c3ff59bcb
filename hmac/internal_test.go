package hmac

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		f    TimestampFormat
		want time.Time
		ok   bool
	}{
		{"1614265330", UnixSeconds, time.Unix(1614265330, 0), true},
		{"0", UnixSeconds, time.Unix(0, 0), true},
		{"999999999999", UnixSeconds, time.Unix(999999999999, 0), true},
		{"", UnixSeconds, time.Time{}, false},
		{"+1614265330", UnixSeconds, time.Time{}, false},
		{"-1", UnixSeconds, time.Time{}, false},
		{"01614265330", UnixSeconds, time.Time{}, false},
		{"00", UnixSeconds, time.Time{}, false},
		{" 1614265330", UnixSeconds, time.Time{}, false},
		{"1614265330 ", UnixSeconds, time.Time{}, false},
		{"1614265330.5", UnixSeconds, time.Time{}, false},
		{"1e9", UnixSeconds, time.Time{}, false},
		{"0x10", UnixSeconds, time.Time{}, false},
		{"1000000000000", UnixSeconds, time.Time{}, false}, // 13 digits
		{"99999999999999999999999", UnixSeconds, time.Time{}, false},
		{"１２３", UnixSeconds, time.Time{}, false}, // full-width digits
		{"12345678", UnixSeconds, time.Unix(12345678, 0), true},
		{"1234567", UnixSeconds, time.Unix(1234567, 0), true},
		{"98765432109", UnixSeconds, time.Unix(98765432109, 0), true},
		// A non-digit in each of the first eight positions, at the edges
		// of the digit range, and bytes with a digit's low nibble.
		{"/614265330", UnixSeconds, time.Time{}, false},
		{"1:14265330", UnixSeconds, time.Time{}, false},
		{"16\x3f4265330", UnixSeconds, time.Time{}, false},
		{"161\xb965330", UnixSeconds, time.Time{}, false},
		{"1614\x005330", UnixSeconds, time.Time{}, false},
		{"16142 5330", UnixSeconds, time.Time{}, false},
		{"161426\xff330", UnixSeconds, time.Time{}, false},
		{"1614265A30", UnixSeconds, time.Time{}, false},
		{"16142653:0", UnixSeconds, time.Time{}, false},
		{"1614265330123", UnixMilliseconds, time.UnixMilli(1614265330123), true},
		{"999999999999999", UnixMilliseconds, time.UnixMilli(999999999999999), true},
		{"1000000000000000", UnixMilliseconds, time.Time{}, false}, // 16 digits
		{"+1614265330123", UnixMilliseconds, time.Time{}, false},
		{"01614265330123", UnixMilliseconds, time.Time{}, false},
		{"1614265330.123", UnixMilliseconds, time.Time{}, false},
		{"2023-07-19T10:11:12.123456789Z", RFC3339, time.Date(2023, 7, 19, 10, 11, 12, 123456789, time.UTC), true},
		{"2023-07-19T10:11:12Z", RFC3339, time.Date(2023, 7, 19, 10, 11, 12, 0, time.UTC), true},
		{"2023-07-19T12:11:12+02:00", RFC3339, time.Date(2023, 7, 19, 10, 11, 12, 0, time.UTC), true},
		{"2023-07-19t10:11:12z", RFC3339, time.Time{}, false},
		{"2023-07-19 10:11:12Z", RFC3339, time.Time{}, false},
		{"2023-07-19T10:11:12", RFC3339, time.Time{}, false},
		{"1689761472", RFC3339, time.Time{}, false},
		{"2023-07-19T10:11:12.1234567891234567Z", RFC3339, time.Time{}, false}, // over 35 bytes
	}
	for _, tt := range tests {
		t.Run(tt.f.String()+"/"+strconv.Quote(tt.in), func(t *testing.T) {
			got, err := parseTimestamp(tt.in, tt.f)
			if tt.ok {
				if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
					t.Fatalf("parseTimestamp(%q) = %v, %v; want %v UTC", tt.in, got, err, tt.want)
				}
				out, err := appendTimestamp(nil, got, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if back, err := parseTimestamp(string(out), tt.f); err != nil || !back.Equal(got) {
					t.Fatalf("appendTimestamp wrote %q, which reads back as %v, %v", out, back, err)
				}
				return
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("parseTimestamp(%q) error = %v; want ErrMalformed", tt.in, err)
			}
		})
	}
}

// refDecode is the reference for decodeMAC's base64: strict stdlib decoding plus
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
			if got := decodeMAC(dst, tt.in, Base64) == nil; got != tt.ok {
				t.Fatalf("decodeMAC = %v, want %v", got, tt.ok)
			}
			if tt.ok && !bytes.Equal(dst, want) {
				t.Fatalf("decoded %x, want %x", dst, want)
			}
		})
	}
}

// FuzzDecodeBase64 checks decodeMAC's base64 against the standard
// library's strict decoder plus re-encoding.
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
		got := decodeMAC(dst, v, Base64) == nil
		if got != wantOK {
			t.Fatalf("decodeMAC(%q) = %v, reference %v", v, got, wantOK)
		}
		if got && !bytes.Equal(dst, want) {
			t.Fatalf("decodeMAC(%q) = %x, reference %x", v, dst, want)
		}
	})
}

// FuzzParseTimestamp: whatever is accepted as unix seconds or
// milliseconds is the canonical decimal spelling of the value returned;
// whatever is accepted as RFC 3339 is what time.Parse reads.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"1614265330", "0", "+1", "01", "", "999999999999", "1000000000000", "2023-07-19T10:11:12.123456789Z", "2023-07-19T12:11:12+02:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, format := range []TimestampFormat{UnixSeconds, UnixMilliseconds, RFC3339} {
			got, err := parseTimestamp(s, format)
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("error %v does not wrap ErrMalformed", err)
				}
				continue
			}
			var canonical string
			switch format {
			case UnixSeconds:
				canonical = strconv.FormatInt(got.Unix(), 10)
			case UnixMilliseconds:
				canonical = strconv.FormatInt(got.UnixMilli(), 10)
			case RFC3339:
				want, err := time.Parse(time.RFC3339Nano, s)
				if err != nil || !want.Equal(got) {
					t.Fatalf("accepted %q as %v; time.Parse says %v, %v", s, got, want, err)
				}
				continue
			}
			if canonical != s {
				t.Fatalf("accepted %q as %v (%s)", s, got, format)
			}
		}
	})
}

// FuzzCompileTemplate: compilation never panics, and an accepted template
// has exactly one {body} and renders back to its source.
func FuzzCompileTemplate(f *testing.F) {
	for _, s := range []string{"", "{body}", "{timestamp}.{body}", "v0:{timestamp}:{body}", "{id}.{timestamp}.{body}", "{method}{url}{body}{timestamp}", "{url}{url}{body}", "{", "}", "{{body}}", "{body}{body}", "{x}"} {
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
				b.WriteString(p.lit)
			case partBody:
				bodies++
				b.WriteString("{body}")
			case partTS:
				b.WriteString("{timestamp}")
			case partID:
				b.WriteString("{id}")
			case partMethod:
				b.WriteString("{method}")
			case partURL:
				b.WriteString("{url}")
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
