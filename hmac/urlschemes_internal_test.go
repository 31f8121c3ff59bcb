package hmac

import (
	"bytes"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestPortVariant(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.com/a?b=1", "https://example.com:443/a?b=1"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"http://example.com/a", "http://example.com:80/a"},
		{"http://example.com:80", "http://example.com"},
		{"https://example.com", "https://example.com:443"},
		{"https://[::1]/x", "https://[::1]:443/x"},
		{"https://[::1]:443/x", "https://[::1]/x"},
		{"https://example.com:8443/a", ""},
		{"http://example.com:443/a", ""},
		{"https://u@example.com/a", ""},
		{"ftp://example.com/a", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v := portVariant(tt.in)
			got := strings.Join(v.parts[:], "")
			if !v.ok {
				got = ""
			}
			if got != tt.want {
				t.Fatalf("portVariant(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzPortVariant: a variant differs from its URL only by the default
// port, and the variant's variant is the URL again.
func FuzzPortVariant(f *testing.F) {
	for _, s := range []string{"https://example.com/a?b=1", "http://h:80", "https://[::1]:443/x", "https://h:443?x", "http://a:b@c/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		v := portVariant(u)
		if !v.ok {
			return
		}
		alt := strings.Join(v.parts[:], "")
		d := len(alt) - len(u)
		if d != 4 && d != -4 && d != 3 && d != -3 {
			t.Fatalf("variant of %q is %q", u, alt)
		}
		w := portVariant(alt)
		if !w.ok || strings.Join(w.parts[:], "") != u {
			t.Fatalf("variant of variant of %q is not itself", u)
		}
	})
}

func TestHubSpotDecodeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.com/webhook", "https://example.com/webhook"},
		{"https://example.com/a%3Ab%2fc?x=%40%20%26", "https://example.com/a:b/c?x=@%20%26"},
		{"https://example.com/%2A%2C%3B%21%24%27%28%29%3F", "https://example.com/*,;!$'()?"},
		{"https://example.com/%", "https://example.com/%"},
		{"https://example.com/%3", "https://example.com/%3"},
		{"https://example.com/%zz", "https://example.com/%zz"},
	}
	for _, tt := range tests {
		if got := hubspotDecodeURL(tt.in); got != tt.want {
			t.Errorf("hubspotDecodeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// refForm is the reference for parseForm: url.ParseQuery, then every
// name‖value sorted by name and value.
func refForm(body string) ([]byte, bool) {
	q, err := url.ParseQuery(body)
	if err != nil {
		return nil, false
	}
	var pairs [][2]string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, [2]string{k, v})
		}
	}
	slices.SortFunc(pairs, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	var out []byte
	for _, p := range pairs {
		out = append(append(out, p[0]...), p[1]...)
	}
	return out, true
}

// FuzzParseForm checks Twilio's form-parameter parsing against the
// standard library's url.ParseQuery.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{
		"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234",
		"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234",
		"a=1&&b=2&c", "a=%zz", "a;b=1", "a=b+c%20d", "=x&y=", "%41=%42",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if strings.Count(body, "&") >= maxFormParams {
			return
		}
		var b formBuf
		err := b.parseForm("", []byte(body))
		want, ok := refForm(body)
		if ok != (err == nil) {
			t.Fatalf("parseForm(%q) error %v, url.ParseQuery ok=%v", body, err, ok)
		}
		if ok && !bytes.Equal(b.out, want) {
			t.Fatalf("parseForm(%q) = %q, reference %q", body, b.out, want)
		}
	})
}
