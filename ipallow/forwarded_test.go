package ipallow

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestResolverForwarded(t *testing.T) {
	r := Resolver{Trusted: trustedProxies, Header: "Forwarded"}
	runResolve(t, r, "Forwarded", []resolveCase{
		// RFC 7239 section 4 and 7 examples (with 10.0.0.2 as our trusted peer).
		{name: "rfc quoted v6 with port", remote: "10.0.0.2:1", lines: []string{`For="[2001:db8:cafe::17]:4711"`}, want: "2001:db8:cafe::17"},
		{name: "rfc params", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.60;proto=http;by=203.0.113.43`}, want: "192.0.2.60"},
		{name: "rfc two elements", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43, for=198.51.100.17`}, want: "198.51.100.17"},
		{name: "rfc two lines", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43`, `for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com`}, want: "198.51.100.17"},
		{name: "rfc quoted v4 port", remote: "10.0.0.2:1", lines: []string{`for="192.0.2.43:47011"`}, want: "192.0.2.43"},
		{name: "rfc unknown", remote: "10.0.0.2:1", lines: []string{`for=unknown`}, err: ErrUnknownHop},
		{name: "rfc obfuscated", remote: "10.0.0.2:1", lines: []string{`for="_gazonk"`}, err: ErrUnknownHop},
		{name: "rfc obfuscated pair", remote: "10.0.0.2:1", lines: []string{`for=_hidden, for=_SEVKISEK`}, err: ErrUnknownHop},
		{name: "rfc obfuscated port", remote: "10.0.0.2:1", lines: []string{`for="[2001:db8:cafe::17]:_4711"`}, want: "2001:db8:cafe::17"},
		{name: "rfc mixed case name", remote: "10.0.0.2:1", lines: []string{`FOR=192.0.2.43`}, want: "192.0.2.43"},

		{name: "skip trusted", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43, for=10.0.0.3;proto=https`}, want: "192.0.2.43"},
		{name: "skip trusted v6 quoted", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43, for="[2001:db8:ffff::3]"`}, want: "192.0.2.43"},
		{name: "client prepends spoof", remote: "10.0.0.2:1", lines: []string{`for=6.6.6.6, for=192.0.2.43, for=10.0.0.3`}, want: "192.0.2.43"},
		{name: "client prepends garbage", remote: "10.0.0.2:1", lines: []string{`for=nonsense;x=", for=192.0.2.43`}, err: ErrMalformed},
		{name: "garbage line isolated", remote: "10.0.0.2:1", lines: []string{`for="broken`, `for=192.0.2.43`}, want: "192.0.2.43"},
		{name: "client prepends unknown", remote: "10.0.0.2:1", lines: []string{`for=unknown, for=192.0.2.43`}, want: "192.0.2.43"},
		{name: "unknown reached", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43, for=unknown, for=10.0.0.3`}, err: ErrUnknownHop},
		{name: "all trusted leftmost", remote: "10.0.0.2:1", lines: []string{`for=10.0.0.7, for=10.0.0.3`}, want: "10.0.0.7"},
		{name: "quoted comma and semicolon", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43;host="a,b;c", for=10.0.0.3`}, want: "192.0.2.43"},
		{name: "escaped pair elsewhere", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43;ext="a\"b"`}, want: "192.0.2.43"},
		{name: "escaped for", remote: "10.0.0.2:1", lines: []string{`for="192.0.2\.43"`}, err: ErrMalformed},
		{name: "ows", remote: "10.0.0.2:1", lines: []string{" for=192.0.2.43 ; proto=https ,\tfor=10.0.0.3 "}, want: "192.0.2.43"},
		{name: "empty elements", remote: "10.0.0.2:1", lines: []string{`, ,for=192.0.2.43,,`}, want: "192.0.2.43"},
		{name: "only empty elements", remote: "10.0.0.2:1", lines: []string{` , `}, want: "10.0.0.2"},
		{name: "empty line", remote: "10.0.0.2:1", lines: []string{``}, want: "10.0.0.2"},
		{name: "element without for", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43, proto=https`}, err: ErrMalformed},
		{name: "element without for left", remote: "10.0.0.2:1", lines: []string{`proto=https, for=192.0.2.43`}, want: "192.0.2.43"},
		{name: "duplicate for", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43;for=192.0.2.44`}, err: ErrMalformed},
		{name: "unterminated quote", remote: "10.0.0.2:1", lines: []string{`for="192.0.2.43`}, err: ErrMalformed},
		{name: "pair without =", remote: "10.0.0.2:1", lines: []string{`for`}, err: ErrMalformed},
		{name: "junk after value", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43 x`}, err: ErrMalformed},
		{name: "junk after quoted", remote: "10.0.0.2:1", lines: []string{`for="192.0.2.43"x`}, err: ErrMalformed},
		{name: "empty for", remote: "10.0.0.2:1", lines: []string{`for=`}, err: ErrMalformed},
		{name: "empty quoted for", remote: "10.0.0.2:1", lines: []string{`for=""`}, err: ErrMalformed},
		{name: "unbracketed v6", remote: "10.0.0.2:1", lines: []string{`for="2001:db8::1"`}, err: ErrMalformed},
		{name: "unquoted bracketed v6 accepted", remote: "10.0.0.2:1", lines: []string{`for=[2001:db8::1]`}, want: "2001:db8::1"},
		{name: "bracketed v4", remote: "10.0.0.2:1", lines: []string{`for="[192.0.2.43]"`}, err: ErrMalformed},
		{name: "bad port", remote: "10.0.0.2:1", lines: []string{`for="192.0.2.43:http"`}, err: ErrMalformed},
		{name: "bad obf port", remote: "10.0.0.2:1", lines: []string{`for="192.0.2.43:_"`}, err: ErrMalformed},
		{name: "bad v6 port", remote: "10.0.0.2:1", lines: []string{`for="[2001:db8::1]:x"`}, err: ErrMalformed},
		{name: "v6 junk after bracket", remote: "10.0.0.2:1", lines: []string{`for="[2001:db8::1]x"`}, err: ErrMalformed},
		{name: "v6 no closing bracket", remote: "10.0.0.2:1", lines: []string{`for="[2001:db8::1"`}, err: ErrMalformed},
		{name: "mapped v6 node", remote: "10.0.0.2:1", lines: []string{`for="[::ffff:192.0.2.43]"`}, want: "192.0.2.43"},
		{name: "zoned v6 node stripped", remote: "10.0.0.2:1", lines: []string{`for="[fe80::1%eth0]"`}, want: "fe80::1"},
		{name: "mapped trusted skipped", remote: "10.0.0.2:1", lines: []string{`for=192.0.2.43, for="[::ffff:10.0.0.3]"`}, want: "192.0.2.43"},
		{name: "untrusted peer", remote: "198.51.100.9:1", lines: []string{`for=192.0.2.43`}, want: "198.51.100.9"},
		{name: "xff ignored", remote: "10.0.0.2:1", want: "10.0.0.2"},
	})
}

func TestParseNode(t *testing.T) {
	for _, s := range []string{"192.0.2.1", "192.0.2.1:0", "192.0.2.1:65535", "192.0.2.1:_a.b-c_", "[::1]", "[::1]:80"} {
		a, err := parseNode(s)
		require.NoError(t, err, s)
		require.True(t, a.IsValid())
	}
	for _, s := range []string{"", ":80", "192.0.2.1:", "192.0.2.1:65536", "192.0.2.1:+80", "[]", "[::1]:", "1.2.3", "::1", "[::1]:_", "[::1]:_!", "localhost"} {
		_, err := parseNode(s)
		require.ErrorIs(t, err, ErrMalformed, s)
	}
	for _, s := range []string{"unknown", "UNKNOWN", "_x", "_"} {
		_, err := parseNode(s)
		require.ErrorIs(t, err, ErrUnknownHop, s)
	}
	a, err := parseNode("[::ffff:1.2.3.4]")
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("1.2.3.4"), a)
}
