package ratelimit_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/ratelimit"
)

func TestIPKey(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		v4, v6 int
		want   string
	}{
		{"192.0.2.7", 0, 0, "192.0.2.7"},
		{"192.0.2.7", 32, 64, "192.0.2.7"},
		{"192.0.2.7", 24, 0, "192.0.2.0/24"},
		{"192.0.2.7", 1, 0, "128.0.0.0/1"},
		{"192.0.2.7", 99, 0, "192.0.2.7"}, // clamped
		{"192.0.2.7", -5, 0, "192.0.2.7"}, // default
		{"::ffff:192.0.2.7", 0, 0, "192.0.2.7"},
		{"::ffff:192.0.2.7", 24, 0, "192.0.2.0/24"},
		{"2001:db8:1:2:3:4:5:6", 0, 0, "2001:db8:1:2::/64"},
		{"2001:db8:1:2:3:4:5:6", 0, 48, "2001:db8:1::/48"},
		{"2001:db8:1:2:3:4:5:6", 0, 128, "2001:db8:1:2:3:4:5:6"},
		{"2001:db8:1:2:3:4:5:6", 0, 200, "2001:db8:1:2:3:4:5:6"},
		{"fe80::1%eth0", 0, 0, "fe80::/64"},
		{"fe80::1%eth0", 0, 128, "fe80::1"},
		{"::1", 0, 0, "::/64"},
		{"::", 0, 0, "::/64"},
		{"0.0.0.0", 0, 0, "0.0.0.0"},
	} {
		got := ratelimit.IPKey(netip.MustParseAddr(tc.addr), tc.v4, tc.v6)
		require.Equal(t, tc.want, got, "IPKey(%s, %d, %d)", tc.addr, tc.v4, tc.v6)
	}
	require.Equal(t, "", ratelimit.IPKey(netip.Addr{}, 0, 0))
	// One /64, one key.
	a := ratelimit.IPKey(netip.MustParseAddr("2001:db8::1"), 0, 0)
	b := ratelimit.IPKey(netip.MustParseAddr("2001:db8::ffff:ffff:ffff:ffff"), 0, 0)
	require.Equal(t, a, b)
}

func TestIPKeyAllocations(t *testing.T) {
	addr := netip.MustParseAddr("2001:db8:1:2:3:4:5:6")
	require.LessOrEqual(t, testing.AllocsPerRun(100, func() { ratelimit.IPKey(addr, 0, 0) }), 1.0)
}

func TestHeaderKey(t *testing.T) {
	h := http.Header{}
	require.Equal(t, "", ratelimit.HeaderKey(h, "X-Shop-Domain"))
	h.Set("X-Shop-Domain", "")
	require.Equal(t, "", ratelimit.HeaderKey(h, "X-Shop-Domain"))
	h.Set("X-Shop-Domain", "shop.example")
	h.Add("X-Shop-Domain", "second.example")
	require.Equal(t, "header:X-Shop-Domain:shop.example", ratelimit.HeaderKey(h, "x-shop-domain"))
	h.Set("X-Other", "shop.example")
	require.NotEqual(t, ratelimit.HeaderKey(h, "X-Other"), ratelimit.HeaderKey(h, "X-Shop-Domain"))
}

func TestFixedKey(t *testing.T) {
	require.Equal(t, "fixed:stripe", ratelimit.FixedKey("stripe"))
	require.NotEqual(t, ratelimit.FixedKey("stripe"), ratelimit.FixedKey("github"))
}

func TestHasher(t *testing.T) {
	h1 := ratelimit.NewHasher([]byte("0123456789abcdef-salt-one"))
	h1b := ratelimit.NewHasher([]byte("0123456789abcdef-salt-one"))
	h2 := ratelimit.NewHasher([]byte("0123456789abcdef-salt-two"))
	k := h1.Key("192.0.2.7")
	require.True(t, strings.HasPrefix(k, "h:"))
	require.Len(t, k, 34)
	require.Equal(t, k, h1b.Key("192.0.2.7"), "same salt, same key")
	require.NotEqual(t, k, h2.Key("192.0.2.7"), "different salt")
	require.NotEqual(t, k, h1.Key("192.0.2.8"))
	require.NotContains(t, k, "192")
	require.Equal(t, "", h1.Key(""))

	r1, r2 := ratelimit.NewHasher(nil), ratelimit.NewHasher(nil)
	require.NotEqual(t, r1.Key("x"), r2.Key("x"), "random salts differ")
	require.Equal(t, ratelimit.HashKey("x"), ratelimit.HashKey("x"), "per-process salt is stable")
	require.NotEqual(t, ratelimit.HashKey("x"), ratelimit.HashKey("y"))
}

func TestHasherConcurrent(t *testing.T) {
	h := ratelimit.NewHasher([]byte("0123456789abcdef"))
	want := h.Key("k")
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 1000 {
				if h.Key("k") != want {
					t.Error("hash changed under concurrency")
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}

func FuzzIPKey(f *testing.F) {
	f.Add([]byte{192, 0, 2, 7}, 0, 0)
	f.Add([]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6}, 0, 48)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7}, 24, 0)
	f.Fuzz(func(t *testing.T, raw []byte, v4, v6 int) {
		addr, ok := netip.AddrFromSlice(raw)
		if !ok {
			return
		}
		key := ratelimit.IPKey(addr, v4, v6)
		u := addr.Unmap()
		// The key is an address or a prefix that contains the address and is
		// masked, and every address of that prefix has the same key.
		var p netip.Prefix
		if strings.Contains(key, "/") {
			var err error
			p, err = netip.ParsePrefix(key)
			require.NoError(t, err, key)
			require.Equal(t, p.Masked(), p, key)
		} else {
			a, err := netip.ParseAddr(key)
			require.NoError(t, err, key)
			p = netip.PrefixFrom(a, a.BitLen())
		}
		require.True(t, p.Contains(u), "%s does not contain %s", key, u)
		last := p.Addr().As16()
		if p.Addr().Is4() {
			a4 := p.Addr().As4()
			for i := p.Bits(); i < 32; i++ {
				a4[i/8] |= 1 << (7 - i%8)
			}
			require.Equal(t, key, ratelimit.IPKey(netip.AddrFrom4(a4), v4, v6))
		} else {
			for i := p.Bits(); i < 128; i++ {
				last[i/8] |= 1 << (7 - i%8)
			}
			if l := netip.AddrFrom16(last); !l.Is4In6() { // mapped addresses are IPv4 keys
				require.Equal(t, key, ratelimit.IPKey(l, v4, v6))
			}
		}
	})
}
