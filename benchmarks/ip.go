package benchmarks

import (
	"math/rand/v2"
	"net/netip"
	"strings"

	"github.com/hookguard/hookguard/ipallow"
	"go4.org/netipx"
)

// PrefixCounts are the allow-list sizes benchmarked.
var PrefixCounts = []int{10, 1_000, 100_000}

// Prefixes returns n deterministic random prefixes, half IPv4 (/8–/32) and
// half IPv6 (/16–/64, some /128), host bits cleared.
func Prefixes(n int) []netip.Prefix {
	r := rand.New(rand.NewPCG(uint64(n), 0x1f))
	out := make([]netip.Prefix, 0, n)
	for len(out) < n {
		var p netip.Prefix
		if r.IntN(2) == 0 {
			var a [4]byte
			putRand(r, a[:])
			p = netip.PrefixFrom(netip.AddrFrom4(a), 8+r.IntN(25))
		} else {
			var a [16]byte
			putRand(r, a[:])
			bits := 16 + r.IntN(49)
			if r.IntN(8) == 0 {
				bits = 128
			}
			p = netip.PrefixFrom(netip.AddrFrom16(a), bits)
		}
		out = append(out, p.Masked())
	}
	return out
}

// Queries returns n deterministic addresses to look up in prefixes: half
// inside a random prefix (hits), half random (mostly misses), v4 and v6 mixed.
func Queries(prefixes []netip.Prefix, n int) []netip.Addr {
	r := rand.New(rand.NewPCG(uint64(len(prefixes)), 0x2f))
	out := make([]netip.Addr, n)
	for i := range out {
		if i%2 == 0 {
			p := prefixes[r.IntN(len(prefixes))]
			out[i] = randomIn(r, p)
			continue
		}
		if r.IntN(2) == 0 {
			var a [4]byte
			putRand(r, a[:])
			out[i] = netip.AddrFrom4(a)
		} else {
			var a [16]byte
			putRand(r, a[:])
			out[i] = netip.AddrFrom16(a)
		}
	}
	return out
}

func putRand(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

// randomIn returns a random address inside p.
func randomIn(r *rand.Rand, p netip.Prefix) netip.Addr {
	base := p.Addr().AsSlice()
	rnd := make([]byte, len(base))
	putRand(r, rnd)
	bits := p.Bits()
	for i := range base {
		// keep the first bits of the prefix, randomise the host part
		for j := 0; j < 8; j++ {
			bit := i*8 + j
			if bit >= bits {
				mask := byte(0x80 >> j)
				base[i] = base[i]&^mask | rnd[i]&mask
			}
		}
	}
	a, _ := netip.AddrFromSlice(base)
	return a
}

// IPMatcher is one allow-list implementation.
type IPMatcher struct {
	Name  string
	Key   string
	Kind  Kind
	Build func(prefixes []netip.Prefix) (func(netip.Addr) bool, error)
}

// IPMatchers returns hookguard's ipallow, netipx's IPSet and a linear scan.
func IPMatchers() []IPMatcher {
	return []IPMatcher{
		{Name: "hookguard ipallow.List.Contains", Key: "hookguard", Kind: KindHookguard,
			Build: func(ps []netip.Prefix) (contains func(netip.Addr) bool, err error) {
				defer recoverUnimplemented("ipallow", &err)
				var sb strings.Builder
				for _, p := range ps {
					sb.WriteString(p.String())
					sb.WriteByte('\n')
				}
				l, err := ipallow.Parse(sb.String())
				if err != nil {
					return nil, err
				}
				return l.Contains, nil
			}},
		{Name: "go4.org/netipx IPSet.Contains", Key: "netipx", Kind: KindPeer,
			Build: func(ps []netip.Prefix) (func(netip.Addr) bool, error) {
				var b netipx.IPSetBuilder
				for _, p := range ps {
					b.AddPrefix(p)
				}
				s, err := b.IPSet()
				if err != nil {
					return nil, err
				}
				return s.Contains, nil
			}},
		{Name: "linear scan over []netip.Prefix", Key: "linear", Kind: KindFloor,
			Build: func(ps []netip.Prefix) (func(netip.Addr) bool, error) {
				ps = append([]netip.Prefix(nil), ps...)
				return func(a netip.Addr) bool {
					for _, p := range ps {
						if p.Contains(a) {
							return true
						}
					}
					return false
				}, nil
			}},
	}
}
