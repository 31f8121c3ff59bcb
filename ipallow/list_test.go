package ipallow

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const issueSample = `# Allow a single IP
203.0.113.42
# Allow a range
198.51.100.0/24
# Allow IPv6
2001:db8::/32
# Comma-separated, one per line, or both
203.0.113.42, 198.51.100.0/24
2001:db8::/32
`

func pfx(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestParseIssueSample(t *testing.T) {
	l, err := Parse(issueSample)
	require.NoError(t, err)
	// Six entries naming three distinct prefixes; duplicates collapse.
	require.Equal(t, pfx("198.51.100.0/24", "203.0.113.42/32", "2001:db8::/32"), l.Prefixes())
	require.Equal(t, 3, l.Len())
	require.Equal(t, "198.51.100.0/24\n203.0.113.42\n2001:db8::/32", l.String())
}

func TestParseForms(t *testing.T) {
	tests := []struct {
		name, text string
		want       []netip.Prefix
	}{
		{"empty", "", nil},
		{"comments only", "# nothing\n   # here\n\n", nil},
		{"single v4", "192.0.2.1", pfx("192.0.2.1/32")},
		{"single v6", "2001:db8::1", pfx("2001:db8::1/128")},
		{"cidr both", "10.0.0.0/8\n2001:db8::/48", pfx("10.0.0.0/8", "2001:db8::/48")},
		{"commas and spaces", " 10.0.0.1 ,10.0.0.2,  10.0.0.3 ", pfx("10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32")},
		{"trailing comma", "10.0.0.1,", pfx("10.0.0.1/32")},
		{"tabs and blanks", "\t10.0.0.1\t10.0.0.2\n\n\n", pfx("10.0.0.1/32", "10.0.0.2/32")},
		{"crlf", "10.0.0.1\r\n10.0.0.2\r\n", pfx("10.0.0.1/32", "10.0.0.2/32")},
		{"bom", "\uFEFF10.0.0.1", pfx("10.0.0.1/32")},
		{"trailing comment", "10.0.0.1 # office\n10.0.0.2# vpn, 10.9.9.9", pfx("10.0.0.1/32", "10.0.0.2/32")},
		{"mapped addr", "::ffff:10.1.2.3", pfx("10.1.2.3/32")},
		{"mapped prefix", "::ffff:10.0.0.0/104", pfx("10.0.0.0/8")},
		{"mapped all v4", "::ffff:0:0/96", pfx("0.0.0.0/0")},
		{"duplicates", "10.0.0.1, 10.0.0.1/32, ::ffff:10.0.0.1", pfx("10.0.0.1/32")},
		{"overlap kept", "10.0.0.0/8, 10.1.0.0/16", pfx("10.0.0.0/8", "10.1.0.0/16")},
		{"sorted v4 first", "2001:db8::1, 10.0.0.1", pfx("10.0.0.1/32", "2001:db8::1/128")},
		{"default routes", "0.0.0.0/0, ::/0", pfx("0.0.0.0/0", "::/0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse(tt.text)
			require.NoError(t, err)
			require.Equal(t, tt.want, l.Prefixes())
			back, err := Parse(l.String())
			require.NoError(t, err)
			require.True(t, l.Equal(back), "round trip of %q", l.String())
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		token      string
		reason     string
	}{
		{"host bits", "10.0.0.1\n\n10.1.2.3/8", 3, "10.1.2.3/8", "host bits set; write the network address 10.0.0.0/8 or the single address 10.1.2.3/32"},
		{"host bits v6", "2001:db8::1/32", 1, "2001:db8::1/32", "host bits set"},
		{"garbage", "10.0.0.1, example.com", 1, "example.com", "not an IP address"},
		{"zone", "# c\nfe80::1%eth0", 2, "fe80::1%eth0", "zones"},
		{"zone prefix", "fe80::%eth0/64", 1, "fe80::%eth0/64", "zones"},
		{"leading zero", "010.1.2.3", 1, "010.1.2.3", "not an IP address"},
		{"port", "10.0.0.1:80", 1, "10.0.0.1:80", "not an IP address"},
		{"bits too long", "10.0.0.0/33", 1, "10.0.0.0/33", "not an IP address"},
		{"empty bits", "10.0.0.0/", 1, "10.0.0.0/", "not an IP address"},
		{"dash range", "10.0.0.1-10.0.0.9", 1, "10.0.0.1-10.0.0.9", "not an IP address"},
		{"after comment line", "# a\n# b\n1.2.3.4,,1.2.3", 3, "1.2.3", "not an IP address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse(tt.text)
			require.Nil(t, l)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%v", err)
			require.Equal(t, tt.line, pe.Line)
			require.Equal(t, tt.token, pe.Token)
			require.Contains(t, pe.Reason, tt.reason)
			require.Contains(t, err.Error(), tt.token)
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	require.Panics(t, func() { MustParse("nope") })
	require.NotPanics(t, func() { MustParse("10.0.0.0/8") })
}

func TestNew(t *testing.T) {
	l, err := New(netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("::ffff:192.0.2.0/120"), netip.MustParsePrefix("192.0.2.0/24"))
	require.NoError(t, err)
	require.Equal(t, pfx("192.0.2.0/24", "2001:db8::/32"), l.Prefixes())

	_, err = New(netip.MustParsePrefix("10.1.2.3/8"))
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, 0, pe.Line)
	require.NotContains(t, err.Error(), "line")

	_, err = New(netip.Prefix{})
	require.Error(t, err)

	empty, err := New()
	require.NoError(t, err)
	require.Equal(t, 0, empty.Len())
}

func TestContains(t *testing.T) {
	l := MustParse("10.0.0.0/8, 192.0.2.1, 2001:db8::/32, fe80::/10")
	tests := []struct {
		ip   string
		want bool
	}{
		{"10.1.2.3", true},
		{"11.0.0.0", false},
		{"192.0.2.1", true},
		{"192.0.2.2", false},
		{"::ffff:10.1.2.3", true}, // mapped: same host as 10.1.2.3
		{"::ffff:11.1.2.3", false},
		{"::ffff:192.0.2.1", true},
		{"2001:db8::5", true},
		{"2001:db8::5%eth0", true}, // zone ignored
		{"fe80::1%en0", true},
		{"fe80::1", true},
		{"2001:db9::1", false},
		{"2001:db9::1%eth0", false},
		{"::a00:1", false}, // IPv4-compatible (deprecated) is an IPv6 address, not 10.0.0.1
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.ip)
			require.Equal(t, tt.want, l.Contains(ip))
			if tt.want {
				require.NoError(t, l.Check(ip))
			} else {
				require.ErrorIs(t, l.Check(ip), ErrNotAllowed)
			}
		})
	}
	require.False(t, l.Contains(netip.Addr{}))
}

func TestV6EntriesDoNotMatchV4(t *testing.T) {
	// ::/0 is every IPv6 address but no IPv4 one, not even in mapped form:
	// an IPv6 entry never widens into IPv4 space.
	l := MustParse("::/0")
	require.True(t, l.Contains(netip.MustParseAddr("2001:db8::1")))
	require.False(t, l.Contains(netip.MustParseAddr("10.0.0.1")))
	require.False(t, l.Contains(netip.MustParseAddr("::ffff:10.0.0.1")))
	// A mapped entry matches both spellings.
	l = MustParse("::ffff:10.0.0.0/104")
	require.True(t, l.Contains(netip.MustParseAddr("10.9.9.9")))
	require.True(t, l.Contains(netip.MustParseAddr("::ffff:10.9.9.9")))
}

func TestNilAndEmptyList(t *testing.T) {
	var nilList *List
	empty := MustParse("# nothing\n")
	for _, l := range []*List{nilList, empty, {}} {
		require.False(t, l.Contains(netip.MustParseAddr("10.0.0.1")))
		require.False(t, l.Contains(netip.MustParseAddr("::1")))
		require.ErrorIs(t, l.Check(netip.MustParseAddr("10.0.0.1")), ErrNotAllowed)
		require.Equal(t, 0, l.Len())
		require.Empty(t, l.Prefixes())
		require.Equal(t, "", l.String())
		require.True(t, l.Equal(nilList))
		require.True(t, nilList.Equal(l))
	}
	require.Nil(t, nilList.Prefixes())
}

func TestEqual(t *testing.T) {
	a := MustParse("10.0.0.0/8, 2001:db8::/32")
	b := MustParse("2001:db8::/32\n10.0.0.0/8\n10.0.0.0/8")
	c := MustParse("10.0.0.0/8")
	require.True(t, a.Equal(b))
	require.False(t, a.Equal(c))
}

func TestPrefixesIsACopy(t *testing.T) {
	l := MustParse("10.0.0.0/8")
	p := l.Prefixes()
	p[0] = netip.MustParsePrefix("0.0.0.0/0")
	require.Equal(t, pfx("10.0.0.0/8"), l.Prefixes())
}

func TestTextMarshaling(t *testing.T) {
	l := MustParse("10.0.0.0/8, 192.0.2.7, 2001:db8::/32")
	b, err := l.MarshalText()
	require.NoError(t, err)
	var back List
	require.NoError(t, back.UnmarshalText(b))
	require.True(t, l.Equal(&back))
	require.True(t, back.Contains(netip.MustParseAddr("10.2.3.4")))
	require.Error(t, back.UnmarshalText([]byte("bad")))
	require.True(t, l.Equal(&back), "a failed UnmarshalText leaves the List alone")
}

func TestParseLargeList(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		b.WriteString(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}).String())
		b.WriteString("/24\n")
	}
	l, err := Parse(b.String())
	require.NoError(t, err)
	require.Equal(t, 5000, l.Len())
	require.True(t, l.Contains(netip.MustParseAddr("10.19.135.77")))
	require.False(t, l.Contains(netip.MustParseAddr("10.20.0.1")))
}
