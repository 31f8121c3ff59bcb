package ipallow

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// trustedProxies is the proxy tier of the tests: a load balancer subnet, a
// loopback sidecar and an IPv6 ingress.
var trustedProxies = MustParse("10.0.0.0/8, 127.0.0.1, 2001:db8:ffff::/48")

func request(remote string, header string, lines ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/hook", nil)
	r.RemoteAddr = remote
	for _, l := range lines {
		r.Header.Add(header, l)
	}
	return r
}

type resolveCase struct {
	name   string
	remote string
	lines  []string
	want   string // "" means an error is expected
	err    error
}

func runResolve(t *testing.T, r Resolver, header string, tests []resolveCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.ClientIP(request(tt.remote, header, tt.lines...))
			if tt.want == "" {
				require.Error(t, err)
				if tt.err != nil {
					require.ErrorIs(t, err, tt.err)
				}
				require.False(t, got.IsValid())
				return
			}
			require.NoError(t, err)
			require.Equal(t, netip.MustParseAddr(tt.want), got)
			require.Empty(t, got.Zone())
			require.False(t, got.Is4In6())
		})
	}
}

func TestResolverXForwardedFor(t *testing.T) {
	r := Resolver{Trusted: trustedProxies}
	runResolve(t, r, "X-Forwarded-For", []resolveCase{
		{name: "untrusted peer ignores spoofed header", remote: "198.51.100.9:5000", lines: []string{"1.2.3.4"}, want: "198.51.100.9"},
		{name: "untrusted peer ignores garbage header", remote: "198.51.100.9:5000", lines: []string{"garbage"}, want: "198.51.100.9"},
		{name: "untrusted peer with trusted-looking header", remote: "198.51.100.9:5000", lines: []string{"10.0.0.1"}, want: "198.51.100.9"},
		{name: "trusted peer no header", remote: "10.0.0.2:5000", want: "10.0.0.2"},
		{name: "one hop", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5"}, want: "203.0.113.5"},
		{name: "two hops", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5, 10.0.0.3"}, want: "203.0.113.5"},
		{name: "client prepends spoof", remote: "10.0.0.2:5000", lines: []string{"6.6.6.6, 203.0.113.5, 10.0.0.3"}, want: "203.0.113.5"},
		{name: "client prepends garbage", remote: "10.0.0.2:5000", lines: []string{"not-an-ip, 203.0.113.5"}, want: "203.0.113.5"},
		{name: "client prepends trusted", remote: "10.0.0.2:5000", lines: []string{"10.9.9.9, 203.0.113.5"}, want: "203.0.113.5"},
		{name: "lines merged in order", remote: "10.0.0.2:5000", lines: []string{"6.6.6.6", "203.0.113.5", "10.0.0.3, 10.0.0.4"}, want: "203.0.113.5"},
		{name: "line per hop", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5", "10.0.0.3"}, want: "203.0.113.5"},
		{name: "all trusted gives leftmost", remote: "10.0.0.2:5000", lines: []string{"10.0.0.7, 127.0.0.1", "10.0.0.3"}, want: "10.0.0.7"},
		{name: "garbage reached", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5, nonsense, 10.0.0.3"}, err: ErrMalformed},
		{name: "garbage rightmost", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5, unknown"}, err: ErrMalformed},
		{name: "empty element reached", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5,,10.0.0.3"}, err: ErrMalformed},
		{name: "empty line", remote: "10.0.0.2:5000", lines: []string{""}, err: ErrMalformed},
		{name: "blank line", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5", " "}, err: ErrMalformed},
		{name: "garbage behind all trusted", remote: "10.0.0.2:5000", lines: []string{"x, 10.0.0.3"}, err: ErrMalformed},
		{name: "no fallback to leftmost", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5, 300.1.1.1"}, err: ErrMalformed},
		{name: "spaces and tabs", remote: "10.0.0.2:5000", lines: []string{" \t203.0.113.5 \t,\t10.0.0.3 "}, want: "203.0.113.5"},
		{name: "v6 hop", remote: "10.0.0.2:5000", lines: []string{"2001:db8::1"}, want: "2001:db8::1"},
		{name: "v6 peer", remote: "[2001:db8:ffff::1]:443", lines: []string{"203.0.113.5"}, want: "203.0.113.5"},
		{name: "v6 peer untrusted", remote: "[2001:db8::1]:443", lines: []string{"203.0.113.5"}, want: "2001:db8::1"},
		{name: "mapped hop unmapped", remote: "10.0.0.2:5000", lines: []string{"::ffff:203.0.113.5"}, want: "203.0.113.5"},
		{name: "mapped trusted hop skipped", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5, ::ffff:10.0.0.3"}, want: "203.0.113.5"},
		{name: "mapped peer trusted", remote: "[::ffff:10.0.0.2]:5000", lines: []string{"203.0.113.5"}, want: "203.0.113.5"},
		{name: "mapped peer untrusted", remote: "[::ffff:198.51.100.9]:5000", lines: []string{"203.0.113.5"}, want: "198.51.100.9"},
		{name: "zoned hop stripped", remote: "10.0.0.2:5000", lines: []string{"fe80::1%eth0"}, want: "fe80::1"},
		{name: "zoned trusted hop skipped", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5, 2001:db8:ffff::9%eth0"}, want: "203.0.113.5"},
		{name: "zoned peer", remote: "[2001:db8:ffff::1%eth0]:443", lines: []string{"203.0.113.5"}, want: "203.0.113.5"},
		{name: "hop with port", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5:4711, 10.0.0.3:80"}, want: "203.0.113.5"},
		{name: "bracketed v6 hop", remote: "10.0.0.2:5000", lines: []string{"[2001:db8::1]:4711"}, want: "2001:db8::1"},
		{name: "bracketed v6 no port", remote: "10.0.0.2:5000", lines: []string{"[2001:db8::1]"}, want: "2001:db8::1"},
		{name: "bracketed v4 refused", remote: "10.0.0.2:5000", lines: []string{"[203.0.113.5]"}, err: ErrMalformed},
		{name: "bad port", remote: "10.0.0.2:5000", lines: []string{"203.0.113.5:99999"}, err: ErrMalformed},
		{name: "bad bracket", remote: "10.0.0.2:5000", lines: []string{"[2001:db8::1"}, err: ErrMalformed},
		{name: "bracket junk", remote: "10.0.0.2:5000", lines: []string{"[2001:db8::1]x"}, err: ErrMalformed},
		{name: "bare peer address", remote: "10.0.0.2", lines: []string{"203.0.113.5"}, want: "203.0.113.5"},
		{name: "bad peer", remote: "@", err: ErrBadPeer},
		{name: "empty peer", remote: "", err: ErrBadPeer},
		{name: "hostname peer", remote: "localhost:80", err: ErrBadPeer},
	})
}

func TestResolverNoTrusted(t *testing.T) {
	for _, r := range []Resolver{{}, {Trusted: MustParse("")}, {Header: "Forwarded"}} {
		got, err := r.ClientIP(request("10.0.0.2:1", "X-Forwarded-For", "203.0.113.5"))
		require.NoError(t, err)
		require.Equal(t, netip.MustParseAddr("10.0.0.2"), got)
	}
}

func TestResolverXRealIP(t *testing.T) {
	for _, name := range []string{"X-Real-IP", "x-real-ip", "X-Real-Ip"} {
		r := Resolver{Trusted: trustedProxies, Header: name}
		runResolve(t, r, "X-Real-IP", []resolveCase{
			{name: "set", remote: "10.0.0.2:1", lines: []string{" 203.0.113.5 "}, want: "203.0.113.5"},
			{name: "untrusted peer", remote: "198.51.100.9:1", lines: []string{"203.0.113.5"}, want: "198.51.100.9"},
			{name: "absent", remote: "10.0.0.2:1", want: "10.0.0.2"},
			{name: "trusted value", remote: "10.0.0.2:1", lines: []string{"10.0.0.9"}, want: "10.0.0.9"},
			{name: "two lines", remote: "10.0.0.2:1", lines: []string{"203.0.113.5", "203.0.113.6"}, err: ErrMalformed},
			{name: "list", remote: "10.0.0.2:1", lines: []string{"203.0.113.5, 203.0.113.6"}, err: ErrMalformed},
			{name: "garbage", remote: "10.0.0.2:1", lines: []string{"x"}, err: ErrMalformed},
			{name: "mapped", remote: "10.0.0.2:1", lines: []string{"::ffff:203.0.113.5"}, want: "203.0.113.5"},
		})
	}
}

func TestResolverCustomHeader(t *testing.T) {
	r := Resolver{Trusted: trustedProxies, Header: "cf-connecting-ip"}
	runResolve(t, r, "CF-Connecting-IP", []resolveCase{
		{name: "set", remote: "10.0.0.2:1", lines: []string{"203.0.113.5"}, want: "203.0.113.5"},
		{name: "xff ignored", remote: "10.0.0.2:1", want: "10.0.0.2"},
	})
	require.NoError(t, r.Validate())
	require.NoError(t, Resolver{}.Validate())
	require.Error(t, Resolver{Header: "X Forwarded For"}.Validate())
	require.Error(t, Resolver{Header: "X-Forwarded-For:"}.Validate())
	require.Error(t, Resolver{Trusted: MustParse("10.0.0.0/8, ::/0")}.Validate())
	require.Error(t, Resolver{Trusted: MustParse("0.0.0.0/0")}.Validate())
	require.NoError(t, Resolver{Trusted: trustedProxies, Header: "Forwarded"}.Validate())
}

func TestResolverHeaderCaseInsensitive(t *testing.T) {
	for _, name := range []string{"x-forwarded-for", "X-FORWARDED-FOR", "X-Forwarded-For", ""} {
		r := Resolver{Trusted: trustedProxies, Header: name}
		got, err := r.ClientIP(request("10.0.0.2:1", "X-Forwarded-For", "203.0.113.5"))
		require.NoError(t, err)
		require.Equal(t, netip.MustParseAddr("203.0.113.5"), got, name)
	}
}

func TestResolverManyHeaderLines(t *testing.T) {
	r := Resolver{Trusted: trustedProxies}
	lines := make([]string, 0, 300)
	for range 299 {
		lines = append(lines, "10.0.0.9")
	}
	// The client hop is the first line, 299 trusted lines after it.
	lines = append([]string{"6.6.6.6, 203.0.113.5"}, lines...)
	got, err := r.ClientIP(request("10.0.0.2:1", "X-Forwarded-For", lines...))
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("203.0.113.5"), got)

	// An untrusted client adding many lines changes nothing.
	got, err = r.ClientIP(request("198.51.100.9:1", "X-Forwarded-For", lines...))
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("198.51.100.9"), got)
}

func TestResolverOversizedHeader(t *testing.T) {
	big := strings.Repeat("10.0.0.9, ", 1000) + "203.0.113.5"
	req := request("10.0.0.2:1", "X-Forwarded-For", big)

	_, err := Resolver{Trusted: trustedProxies}.ClientIP(req)
	require.ErrorIs(t, err, ErrHeaderTooLarge)

	// The cap counts every line.
	lines := make([]string, 0, 2000)
	for range 2000 {
		lines = append(lines, "10.0.0.9")
	}
	_, err = Resolver{Trusted: trustedProxies}.ClientIP(request("10.0.0.2:1", "X-Forwarded-For", lines...))
	require.ErrorIs(t, err, ErrHeaderTooLarge)

	_, err = Resolver{Trusted: trustedProxies, Header: "Forwarded"}.ClientIP(request("10.0.0.2:1", "Forwarded", "for="+big))
	require.ErrorIs(t, err, ErrHeaderTooLarge)

	got, err := Resolver{Trusted: trustedProxies, MaxHeaderBytes: -1}.ClientIP(req)
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("203.0.113.5"), got)

	_, err = Resolver{Trusted: trustedProxies, MaxHeaderBytes: 10}.ClientIP(request("10.0.0.2:1", "X-Forwarded-For", "203.0.113.5"))
	require.ErrorIs(t, err, ErrHeaderTooLarge)

	// From an untrusted peer the header is not even looked at.
	got, err = Resolver{Trusted: trustedProxies}.ClientIP(request("198.51.100.9:1", "X-Forwarded-For", big))
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("198.51.100.9"), got)
}

func TestResolverErrorsClipAttackerText(t *testing.T) {
	junk := strings.Repeat("A", 5000)
	_, err := Resolver{Trusted: trustedProxies, MaxHeaderBytes: -1}.ClientIP(request("10.0.0.2:1", "X-Forwarded-For", junk))
	require.ErrorIs(t, err, ErrMalformed)
	require.Less(t, len(err.Error()), 200)
}

type mimeLike map[string][]string

func (m mimeLike) Values(key string) []string { return m[http.CanonicalHeaderKey(key)] }

func TestClientIPFrom(t *testing.T) {
	r := Resolver{Trusted: trustedProxies}
	h := mimeLike{"X-Forwarded-For": {"203.0.113.5, 10.0.0.3"}}
	got, err := r.ClientIPFrom("10.0.0.2:1", h)
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("203.0.113.5"), got)

	got, err = r.ClientIPFrom("10.0.0.2:1", nil)
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("10.0.0.2"), got)

	got, err = r.ClientIPFrom("[::ffff:10.0.0.2]:1", h)
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("203.0.113.5"), got)

	got, err = r.ClientIPFrom("[fe80::1%eth0]:1", h)
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("fe80::1"), got)

	var nilHeader http.Header
	got, err = r.ClientIPFrom("10.0.0.2:1", nilHeader)
	require.NoError(t, err)
	require.Equal(t, netip.MustParseAddr("10.0.0.2"), got)
}

func TestClientIPZeroAllocs(t *testing.T) {
	r := Resolver{Trusted: trustedProxies}
	req := request("10.0.0.2:5000", "X-Forwarded-For", "203.0.113.5, 10.0.0.3")
	fwd := Resolver{Trusted: trustedProxies, Header: "Forwarded"}
	freq := request("10.0.0.2:5000", "Forwarded", `for=203.0.113.5;proto=https, for="[2001:db8:ffff::3]:80"`)
	real := Resolver{Trusted: trustedProxies, Header: "X-Real-IP"}
	rreq := request("10.0.0.2:5000", "X-Real-IP", "203.0.113.5")
	v6 := request("[2001:db8:ffff::1]:443", "X-Forwarded-For", "2001:db8::1", "2001:db8:ffff::2")
	direct := request("198.51.100.9:5000", "X-Forwarded-For", "1.2.3.4")
	var sink netip.Addr
	allocs := testing.AllocsPerRun(1000, func() {
		a, err := r.ClientIP(req)
		if err != nil {
			panic(err)
		}
		b, _ := fwd.ClientIP(freq)
		c, _ := real.ClientIP(rreq)
		d, _ := r.ClientIP(v6)
		e, _ := r.ClientIP(direct)
		if a != b || a != c || !d.IsValid() || !e.IsValid() {
			panic("mismatch")
		}
		sink = a
	})
	_ = sink
	require.Zero(t, allocs)
}

// TestPeerAddress: the direct peer's address forms, each unmapped and
// unzoned, and the ones refused as ErrBadPeer.
func TestPeerAddress(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"192.0.2.1:40000", "192.0.2.1"},
		{"192.0.2.1", "192.0.2.1"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"[2001:db8::1]", "2001:db8::1"},
		{"2001:db8::1", "2001:db8::1"},
		{"[::ffff:192.0.2.1]:80", "192.0.2.1"},
		{"[fe80::1%eth0]:80", "fe80::1"},
	} {
		got, err := Resolver{}.ClientIPFrom(c.in, nil)
		require.NoError(t, err, c.in)
		require.Equal(t, netip.MustParseAddr(c.want), got, c.in)
	}
	for _, bad := range []string{"", "@", "localhost:80", "192.0.2.1:99999", "[192.0.2.1]:80", "[2001:db8::1", strings.Repeat("9", 200)} {
		_, err := Resolver{}.ClientIPFrom(bad, nil)
		require.ErrorIs(t, err, ErrBadPeer, bad)
		require.LessOrEqual(t, len(err.Error()), 120, "the error clips the input")
	}
}
