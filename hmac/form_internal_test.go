package hmac

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomForm builds a form body from pieces chosen to hit the parser's
// edges: names sharing long prefixes or one the prefix of another,
// duplicate names with equal and different values, escapes and '+' in
// names and values (escaped and plain spellings of the same name), empty
// pairs, pairs without '=', long bodies, and now and then a bad escape.
func randomForm(r *rand.Rand) string {
	names := []string{"a", "b", "Body", "From", "FromCity", "FromCountry", "MessageSid", "MessagingServiceSid",
		"Messag", "Message", "Messages", "abcdefgh", "abcdefghi", "abcdefg", "%41", "A", "a+b", "a%20b", "a b",
		"%2B", "+", "", "ToCity", "To", "x%3Dy", "%C3%A9t%C3%A9", "\xff", "%FF"}
	values := []string{"", "1", "2", "10", "SAN+FRANCISCO", "%2B14155550100", "Hello+from+the+benchmark%21+",
		"%", "%4", "%zz", "%%41", "a=b", "abcdefgh+ijklmnop%2Bqrstuvwx", strings.Repeat("x", 17), "%41%42%43%44%45%46%47%48%49"}
	var b strings.Builder
	n := r.IntN(12)
	if r.IntN(10) == 0 {
		n = 33 + r.IntN(40) // a longer body
	}
	for i := range n {
		if i > 0 || r.IntN(4) == 0 {
			b.WriteByte('&')
		}
		if r.IntN(8) == 0 {
			continue // an empty pair
		}
		b.WriteString(names[r.IntN(len(names))])
		if r.IntN(6) != 0 {
			b.WriteByte('=')
			v := values[r.IntN(len(values))]
			if r.IntN(20) != 0 {
				v = strings.ReplaceAll(v, "%zz", "%7A")
				if v == "%" || v == "%4" || v == "%%41" {
					v = "%25"
				}
			}
			b.WriteString(v)
		}
	}
	if r.IntN(6) == 0 {
		b.WriteByte('&')
	}
	return b.String()
}

// TestParseFormModel checks parseForm against the reference (url.ParseQuery
// and a sort by name, then value) over random forms, with and without a
// prefix, reusing one formBuf as the verifier's pool does. The pool drops
// a buffer by cap(out) alone, so out must never be smaller than dec.
func TestParseFormModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b formBuf
	errs := 0
	for i := range 20000 {
		body := randomForm(r)
		prefix := []string{"", "https://example.com/x?y=1"}[i%2]
		err := b.parseForm(prefix, []byte(body))
		if cap(b.out) < cap(b.dec) {
			t.Fatalf("parseForm(%q): cap(out) %d < cap(dec) %d: the pool's bound misses dec", body, cap(b.out), cap(b.dec))
		}
		want, ok := refForm(body)
		if ok != (err == nil) {
			t.Fatalf("parseForm(%q) error %v, url.ParseQuery ok=%v", body, err, ok)
		}
		if !ok {
			errs++
			continue
		}
		if got := b.out; !bytes.HasPrefix(got, []byte(prefix)) || !bytes.Equal(got[len(prefix):], want) {
			t.Fatalf("parseForm(%q) = %q, reference %q", body, got, prefix+string(want))
		}
	}
	if errs == 0 || errs > 10000 {
		t.Fatalf("%d of 20000 random forms malformed: the generator misses a side", errs)
	}
}

func TestParseFormEdges(t *testing.T) {
	tests := []struct {
		name, body, want string
		malformed        bool
	}{
		{"duplicate names sort by value", "b=2&a=z&b=1&a=y", "ayazb1b2", false},
		{"equal duplicates kept", "a=1&a=1", "a1a1", false},
		{"escaped name sorts decoded", "%42=1&A=2&%41=3", "A2A3B1", false},
		{"'+' is a space in names", "a+b=1&a%20a=2&a=3", "a3a a2a b1", false},
		{"long shared prefix", "abcdefghZ=1&abcdefgh=2&abcdefghA=3", "abcdefgh2abcdefghA3abcdefghZ1", false},
		{"shared prefix, Twilio names", "MessagingServiceSid=MG&MessageSid=SM", "MessageSidSMMessagingServiceSidMG", false},
		{"prefix of another name", "ab=1&a=2&abc=3", "a2ab1abc3", false},
		{"no '=' and empty pairs", "&&c&b=&a=1&", "a1bc", false},
		{"'=' in a value", "a=b=c", "ab=c", false},
		{"escapes and + in a long value", "v=abcdef%2Bgh+ijklmn%41", "vabcdef+gh ijklmnA", false},
		{"bad escape at the end", "v=abcdef%2Bgh+ijklmn%2", "", true},
		{"bad escape mid-value", "v=abcdef%2Bgh+ij%zzklmnopq", "", true},
		{"bad escape in a name", "abcdefghij%g1=1", "", true},
		{"escape at the end", "v=abcdefgh%41", "vabcdefghA", false},
		{"bytes above 0x7f", "%FF=1&%C3%A9=2&z=3", "z3\xc3\xa92\xff1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b formBuf
			err := b.parseForm("", []byte(tt.body))
			if cap(b.out) < cap(b.dec) {
				t.Fatalf("cap(out) %d < cap(dec) %d: the pool's bound misses dec", cap(b.out), cap(b.dec))
			}
			want, ok := refForm(tt.body)
			if ok != (err == nil) || ok == tt.malformed {
				t.Fatalf("error %v, url.ParseQuery ok=%v, malformed in the table: %v", err, ok, tt.malformed)
			}
			if string(want) != tt.want {
				t.Fatalf("reference gives %q, the table says %q", want, tt.want)
			}
			if ok && !bytes.Equal(b.out, want) {
				t.Fatalf("parseForm = %q, want %q", b.out, want)
			}
		})
	}
}

// TestParseFormLimit checks the parameter cap: maxFormParams parameters
// are read, one more is refused; empty pairs do not count.
func TestParseFormLimit(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr error
	}{
		{"at the cap", strings.Repeat("a=1&", maxFormParams), nil},
		{"empty pairs not counted", strings.Repeat("a=1&&", maxFormParams), nil},
		{"one past the cap", strings.Repeat("a=1&", maxFormParams) + "b", errFormTooMany},
		{"one past the cap, no '='", strings.Repeat("a&", maxFormParams+1), errFormTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b formBuf
			err := b.parseForm("p", []byte(tt.body))
			if err != tt.wantErr {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err == nil && string(b.out) != "p"+strings.Repeat("a1", maxFormParams) {
				t.Fatalf("parseForm = %.40q..., want %d times a1", b.out, maxFormParams)
			}
		})
	}
}
