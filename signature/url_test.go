package signature_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/hookguard/hookguard/signature"
	"github.com/stretchr/testify/require"
)

func TestRequestURL(t *testing.T) {
	tests := []struct {
		name, base, scheme, host, target, want string
	}{
		{"configured base", "https://hooks.example.com", "http", "10.0.0.7:8080", "/twilio?x=1", "https://hooks.example.com/twilio?x=1"},
		{"base trailing slash", "https://hooks.example.com/", "", "", "/a", "https://hooks.example.com/a"},
		{"base with path prefix", "https://example.com/api", "", "", "/hooks", "https://example.com/api/hooks"},
		{"rebuilt https", "", "https", "example.com", "/hooks/sq", "https://example.com/hooks/sq"},
		{"rebuilt with port", "", "http", "example.com:8080", "/h?a=b", "http://example.com:8080/h?a=b"},
		{"ipv6", "", "https", "[2001:db8::1]:443", "/h", "https://[2001:db8::1]:443/h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := signature.RequestURL(tt.base, tt.scheme, tt.host, tt.target)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	bad := []struct{ name, base, scheme, host, target string }{
		{"no target", "", "https", "example.com", ""},
		{"absolute form", "", "https", "example.com", "http://evil.com/"},
		{"scheme-relative", "", "https", "example.com", "//evil.com/x"},
		{"fragment", "", "https", "example.com", "/a#b"},
		{"space", "", "https", "example.com", "/a b"},
		{"ftp", "", "ftp", "example.com", "/a"},
		{"host with path", "", "https", "example.com/evil", "/a"},
		{"host with user", "", "https", "user@example.com", "/a"},
		{"bad port", "", "https", "example.com:x", "/a"},
		{"empty host", "", "https", "", "/a"},
		{"base without scheme", "example.com", "", "", "/a"},
		{"base with query", "https://example.com/a?b=1", "", "", "/a"},
		{"huge target", "", "https", "example.com", "/" + strings.Repeat("a", signature.MaxURLLen)},
	}
	for _, tt := range bad {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := signature.RequestURL(tt.base, tt.scheme, tt.host, tt.target)
			require.ErrorIs(t, err, signature.ErrMalformed)
		})
	}
}

// FuzzRequestURL: what RequestURL builds is an absolute http(s) URL that
// net/url parses, whose host is the one given and whose request URI is the
// target given.
func FuzzRequestURL(f *testing.F) {
	f.Add("", "https", "example.com", "/hooks?x=1")
	f.Add("https://example.com/api", "", "", "/h")
	f.Add("", "http", "[::1]:80", "/")
	f.Add("", "https", "a:b@c", "/%zz")
	f.Fuzz(func(t *testing.T, base, scheme, host, target string) {
		u, err := signature.RequestURL(base, scheme, host, target)
		if err != nil {
			if !errors.Is(err, signature.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		p, err := url.Parse(u)
		if err != nil {
			if strings.Contains(err.Error(), "invalid URL escape") {
				return // percent escapes are passed through for the signer to judge
			}
			t.Fatalf("built %q which does not parse: %v", u, err)
		}
		if p.Scheme != "http" && p.Scheme != "https" || p.User != nil || p.Fragment != "" || p.Host == "" {
			t.Fatalf("built %q: scheme %q user %v fragment %q host %q", u, p.Scheme, p.User, p.Fragment, p.Host)
		}
		if base == "" && (p.Host != host || !strings.HasSuffix(u, target)) {
			t.Fatalf("built %q from host %q target %q", u, host, target)
		}
	})
}

func TestDecode(t *testing.T) {
	dst := make([]byte, 72)
	n, err := signature.DecodeBase64(dst, "AAEC", "x")
	require.NoError(t, err)
	require.Equal(t, []byte{0, 1, 2}, dst[:n])
	for _, bad := range []string{"AAF=", "AA\nEC", "AAEC=", "!!!!", strings.Repeat("A", 300)} {
		_, err := signature.DecodeBase64(dst, bad, "x")
		require.ErrorIs(t, err, signature.ErrMalformed, bad)
	}
	require.NoError(t, signature.DecodeHex(dst[:2], "0aFF", "x"))
	require.Equal(t, []byte{0x0a, 0xff}, dst[:2])
	require.ErrorIs(t, signature.DecodeHex(dst[:2], "0aF", "x"), signature.ErrMalformed)
	require.ErrorIs(t, signature.DecodeHex(dst[:2], "0aFG", "x"), signature.ErrMalformed)
}

func TestHeaderValue(t *testing.T) {
	h := map[string][]string{"A": {"1"}, "B": {"1", "2"}}
	_, err := signature.HeaderValue(httpHeader(h), "B")
	require.ErrorIs(t, err, signature.ErrMalformed)
	_, err = signature.HeaderValue(httpHeader(h), "C")
	require.ErrorIs(t, err, signature.ErrMissingHeader)
	v, err := signature.OptionalHeaderValue(httpHeader(h), "C")
	require.NoError(t, err)
	require.Empty(t, v)
	v, err = signature.HeaderValue(signature.HeaderFunc(func(string) string { return "x" }), "A")
	require.NoError(t, err)
	require.Equal(t, "x", v)
	require.ErrorIs(t, signature.ErrNoValidKey, signature.ErrMismatch)
}
