package middleware

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/hookguard/hookguard/ratelimit"
)

// TestClientKeyIsIPKey checks that the Guard's default rate-limit key is
// ratelimit.IPKey(ip, 0, 64) whatever the peer's address text, so a shared
// limiter (Redis) sees the same bucket whichever path built the key, and
// that the directly connected IPv4 peer costs no allocation.
func TestClientKeyIsIPKey(t *testing.T) {
	cases := []struct{ ip, remoteAddr string }{
		{"192.0.2.10", "192.0.2.10:40000"},
		{"192.0.2.10", "192.0.2.10:1"},
		{"10.0.0.1", "10.0.0.1:65535"},
		{"192.0.2.10", "[::ffff:192.0.2.10]:443"}, // mapped: text differs from the key
		{"192.0.2.10", "203.0.113.5:443"},         // resolved through a proxy
		{"192.0.2.10", "192.0.2.100:443"},         // a longer address sharing the prefix
		{"192.0.2.10", "192.0.2.1:0443"},
		{"192.0.2.10", "192.0.2.10"},  // no port
		{"192.0.2.10", ":192.0.2.10"}, // empty host
		{"2001:db8::1", "[2001:db8::1]:443"},
		{"2001:db8:0:0:1::1", "[2001:db8::1:0:0:1]:443"},
		{"::1", "[::1]:80"},
		{"1.2.3.4", "01.2.3.4:80"}, // not canonical text
	}
	for _, c := range cases {
		t.Run(c.remoteAddr, func(t *testing.T) {
			ip := netip.MustParseAddr(c.ip).Unmap()
			want := ratelimit.IPKey(ip, 0, 64)
			if got := clientKey(ip, c.remoteAddr); got != want {
				t.Fatalf("clientKey(%v, %q) = %q, want %q", ip, c.remoteAddr, got, want)
			}
		})
	}
	for i := range 256 {
		ip := netip.AddrFrom4([4]byte{byte(i), byte(255 - i), byte(i * 7), byte(i * 13)})
		ra := fmt.Sprintf("%v:%d", ip, 1024+i)
		if got, want := clientKey(ip, ra), ratelimit.IPKey(ip, 0, 64); got != want {
			t.Fatalf("clientKey(%v, %q) = %q, want %q", ip, ra, got, want)
		}
	}
	if raceEnabled {
		return // the race detector changes allocation counts
	}
	ip := netip.MustParseAddr("198.51.100.7")
	if n := testing.AllocsPerRun(100, func() { _ = clientKey(ip, "198.51.100.7:5000") }); n != 0 {
		t.Errorf("clientKey of a direct IPv4 peer allocates %.0f times, want 0", n)
	}
}
