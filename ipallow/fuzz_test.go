package ipallow

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		issueSample, "", "#", "10.0.0.0/8", "10.1.2.3/8", "::ffff:10.0.0.0/104", "::ffff:0:0/96",
		"fe80::1%eth0", "2001:db8::/32, 192.0.2.1 # c\r\n\n", "\uFEFF1.2.3.4,,", "0.0.0.0/0\n::/0",
		"010.1.2.3", "1.2.3.4/33", "::ffff:1.2.3.4/95", "1::/0", "::ffff:1.2.3.4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		l, err := Parse(text)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Token == "" || l != nil {
				t.Fatalf("bad error %#v for %q", err, text)
			}
			return
		}
		for _, p := range l.Prefixes() {
			a := p.Addr()
			if !p.IsValid() || p.Masked() != p || a.Is4In6() || a.Zone() != "" {
				t.Fatalf("bad prefix %v from %q", p, text)
			}
			if !l.Contains(a) {
				t.Fatalf("list %q does not contain its own prefix %v", l, p)
			}
			if a.Is4() && !l.Contains(netip.AddrFrom16(a.As16())) {
				t.Fatalf("mapped form of %v not contained", a)
			}
		}
		back, err := Parse(l.String())
		if err != nil || !back.Equal(l) {
			t.Fatalf("round trip of %q: %v, %v", l.String(), back, err)
		}
		if l.String() != back.String() {
			t.Fatalf("String not stable: %q vs %q", l.String(), back.String())
		}
	})
}

// fuzzTrusted is the trusted proxy set of the forwarding-header fuzzers.
var fuzzTrusted = MustParse("10.0.0.0/8, 2001:db8:ffff::/48, 127.0.0.1")

// checkResolved asserts the invariants of a successful resolution.
func checkResolved(t *testing.T, got netip.Addr) {
	t.Helper()
	if !got.IsValid() || got.Zone() != "" || got.Is4In6() {
		t.Fatalf("bad result %v", got)
	}
}

// refList is a straightforward reference for the X-Forwarded-For walk:
// merge the lines, split, walk right to left.
func refList(lines []string, trusted *List, peer netip.Addr) (netip.Addr, bool) {
	if len(lines) == 0 {
		return peer, true
	}
	hops := strings.Split(strings.Join(lines, ","), ",")
	var last netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(strings.Trim(hops[i], " \t"))
		if !ok {
			return netip.Addr{}, false
		}
		if !trusted.Contains(a) {
			return a, true
		}
		last = a
	}
	return last, true
}

func FuzzXForwardedFor(f *testing.F) {
	for _, s := range []string{
		"203.0.113.5, 10.0.0.3", "6.6.6.6, 203.0.113.5\n10.0.0.3", "garbage", "", " ", ",,",
		"::ffff:10.0.0.3", "fe80::1%eth0, 10.0.0.1", "[2001:db8::1]:80", "203.0.113.5:4711",
		"10.0.0.1, 10.0.0.2\n127.0.0.1", "x\n203.0.113.5", "[::1", "1.2.3.4:99999",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, header string, trustedPeer bool) {
		remote := "198.51.100.9:443"
		if trustedPeer {
			remote = "10.0.0.2:443"
		}
		peer := netip.MustParseAddrPort(remote).Addr()
		lines := strings.Split(header, "\n")
		h := http.Header{"X-Forwarded-For": lines}
		r := Resolver{Trusted: fuzzTrusted, MaxHeaderBytes: -1}
		got, err := r.ClientIPFrom(remote, h)
		want, ok := refList(lines, fuzzTrusted, peer)
		if !trustedPeer {
			want, ok = peer, true
		}
		if (err == nil) != ok || (ok && got != want) {
			t.Fatalf("header %q: got %v, %v; reference %v, %v", header, got, err, want, ok)
		}
		if err == nil {
			checkResolved(t, got)
		}
	})
}

func FuzzForwarded(f *testing.F) {
	for _, s := range []string{
		`For="[2001:db8:cafe::17]:4711"`, `for=192.0.2.60;proto=http;by=203.0.113.43`,
		"for=192.0.2.43, for=198.51.100.17", "for=192.0.2.43\nfor=10.0.0.3", `for=unknown`,
		`for="_gazonk"`, `for=_hidden, for=_SEVKISEK`, `for="192.0.2.43:47011"`, `for="broken`,
		`for=192.0.2.43;host="a,b;c", for=10.0.0.3`, `for="a\"b"`, `, ,`, `for=[::1]`, `proto=https`,
		`for="[fe80::1%eth0]:_x"`, "for=10.0.0.1, for=10.0.0.2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		lines := strings.Split(header, "\n")
		h := http.Header{"Forwarded": lines}
		r := Resolver{Trusted: fuzzTrusted, Header: "forwarded", MaxHeaderBytes: -1}
		peer := netip.MustParseAddr("10.0.0.2")
		got, err := r.ClientIPFrom("10.0.0.2:1", h)
		if err != nil {
			if got.IsValid() || !(errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnknownHop)) {
				t.Fatalf("header %q: %v, %v", header, got, err)
			}
			return
		}
		checkResolved(t, got)
		// The answer is an untrusted hop, or a trusted one only when no
		// untrusted one was found (all trusted, or the peer itself).
		if fuzzTrusted.Contains(got) && got != peer {
			for _, l := range lines {
				for s := l; s != ""; {
					el, rest, ok := nextElement(s)
					s = rest
					if ok && el.hasFor {
						if a, err := parseNode(el.node); err == nil && !fuzzTrusted.Contains(a) {
							t.Fatalf("header %q: trusted %v returned, but %v is untrusted", header, got, a)
						}
					}
				}
			}
		}
	})
}

func FuzzParseHop(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "[::1]:80", "1.2.3.4:80", "::ffff:1.2.3.4", "fe80::1%x", "[1.2.3.4]", "", "unknown"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, ok := parseHop(s); ok && (!a.IsValid() || a.Zone() != "" || a.Is4In6()) {
			t.Fatalf("parseHop(%q) = %v", s, a)
		}
		if a, err := parseNode(s); err == nil && (!a.IsValid() || a.Zone() != "" || a.Is4In6()) {
			t.Fatalf("parseNode(%q) = %v", s, a)
		}
		a, err := parsePeer(s)
		if hop, ok := parseHop(s); ok != (err == nil) || a != hop {
			t.Fatalf("parsePeer(%q) = %v, %v; parseHop gives %v, %v", s, a, err, hop, ok)
		}
		if err != nil && (!errors.Is(err, ErrBadPeer) || len(err.Error()) > 400) { // 64 bytes kept, quoted
			t.Fatalf("parsePeer(%q): error %q", s, err)
		}
	})
}
