package ipallow

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// randomPrefixes returns n distinct random prefixes, half IPv4 (/8 to /32)
// and half IPv6 (/16 to /64, /128 now and then), from a fixed seed.
func randomPrefixes(n int, seed uint64) []netip.Prefix {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	seen := make(map[netip.Prefix]bool, n)
	out := make([]netip.Prefix, 0, n)
	for len(out) < n {
		var p netip.Prefix
		if r.IntN(2) == 0 {
			var b [4]byte
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			p = netip.PrefixFrom(netip.AddrFrom4(b), 8+r.IntN(25)).Masked()
		} else {
			var b [16]byte
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			b[0] = 0x20 | b[0]&0x1f // global unicast 2000::/3
			bits := 16 + r.IntN(49)
			if r.IntN(8) == 0 {
				bits = 128
			}
			p = netip.PrefixFrom(netip.AddrFrom16(b), bits).Masked()
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// queries returns 1024 addresses: half inside a random prefix of ps (host
// bits randomised), half random addresses of the same families (mostly
// outside).
func queries(ps []netip.Prefix, seed uint64) []netip.Addr {
	r := rand.New(rand.NewPCG(seed, 42))
	out := make([]netip.Addr, 1024)
	for i := range out {
		p := ps[r.IntN(len(ps))]
		a := p.Addr()
		if a.Is4() {
			b := a.As4()
			if i%2 == 1 {
				b = [4]byte{}
			}
			for j := range b {
				if (j+1)*8 > p.Bits() || i%2 == 1 {
					b[j] ^= byte(r.Uint32()) &^ maskByte(p.Bits()-j*8, i%2 == 1)
				}
			}
			out[i] = netip.AddrFrom4(b)
		} else {
			b := a.As16()
			for j := range b {
				if (j+1)*8 > p.Bits() || i%2 == 1 {
					b[j] ^= byte(r.Uint32()) &^ maskByte(p.Bits()-j*8, i%2 == 1)
				}
			}
			out[i] = netip.AddrFrom16(b)
		}
	}
	return out
}

// maskByte returns the network-bit mask of a byte that has bits network
// bits left in it (none when outside is set).
func maskByte(bits int, outside bool) byte {
	switch {
	case outside || bits <= 0:
		return 0
	case bits >= 8:
		return 0xff
	}
	return ^byte(0xff >> bits)
}

func linearContains(ps []netip.Prefix, ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func TestBenchmarkDataAgree(t *testing.T) {
	for _, n := range []int{10, 1000, 20000} {
		ps := randomPrefixes(n, uint64(n))
		l, err := New(ps...)
		require.NoError(t, err)
		require.Equal(t, n, l.Len())
		in := 0
		for i, ip := range queries(ps, 7) {
			got := l.Contains(ip)
			require.Equal(t, linearContains(ps, ip), got, ip)
			if i%2 == 0 {
				require.True(t, got, "query %d (%v) should be inside", i, ip)
			}
			if got {
				in++
			}
		}
		require.Less(t, in, 1024, "some queries must be outside")
	}
}

func BenchmarkContains(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		ps := randomPrefixes(n, uint64(n))
		l := MustNew(b, ps)
		ips := queries(ps, 7)
		b.Run(fmt.Sprintf("bart/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for i := 0; b.Loop(); i++ {
				if l.Contains(ips[i&1023]) {
					hits++
				}
			}
			_ = hits
		})
		b.Run(fmt.Sprintf("linear/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for i := 0; b.Loop(); i++ {
				if linearContains(ps, ips[i&1023]) {
					hits++
				}
			}
			_ = hits
		})
	}
}

func MustNew(tb testing.TB, ps []netip.Prefix) *List {
	l, err := New(ps...)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

func BenchmarkClientIP(b *testing.B) {
	trusted := MustParse("10.0.0.0/8, 2001:db8:ffff::/48")
	bench := func(name string, r Resolver, req *http.Request) {
		b.Run(name, func(b *testing.B) {
			want, err := r.ClientIP(req)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				got, _ := r.ClientIP(req)
				if got != want {
					b.Fatal(got)
				}
			}
		})
	}
	bench("xff-two-hops", Resolver{Trusted: trusted}, request("10.0.0.2:5000", "X-Forwarded-For", "203.0.113.5, 10.0.0.3"))
	bench("xff-untrusted-peer", Resolver{Trusted: trusted}, request("198.51.100.9:5000", "X-Forwarded-For", "203.0.113.5, 10.0.0.3"))
	bench("xff-v6-two-lines", Resolver{Trusted: trusted}, request("[2001:db8:ffff::1]:443", "X-Forwarded-For", "2001:db8::1", "2001:db8:ffff::2"))
	bench("forwarded-two-hops", Resolver{Trusted: trusted, Header: "Forwarded"}, request("10.0.0.2:5000", "Forwarded", `for=203.0.113.5;proto=https, for="[2001:db8:ffff::3]:80"`))
	bench("x-real-ip", Resolver{Trusted: trusted, Header: "X-Real-IP"}, request("10.0.0.2:5000", "X-Real-IP", "203.0.113.5"))
}

func BenchmarkParse(b *testing.B) {
	ps := randomPrefixes(10000, 1)
	text := MustNew(b, ps).String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}
