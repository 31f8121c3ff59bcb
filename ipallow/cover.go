package ipallow

import (
	"net/netip"
	"slices"
)

// WholeFamily returns 0.0.0.0/0 or ::/0, and true, when the list's prefixes
// together hold every address of that family: 0.0.0.0/0 itself, or a split
// such as 0.0.0.0/1 with 128.0.0.0/1, or any other set whose union is the
// whole family. (IPv4-mapped IPv6 addresses count as covered in IPv6: they
// are always looked up as IPv4.) IPv4 is checked first.
//
// As trusted proxies such a list lets any client choose the address it is
// seen as, and as an allow list it allows a whole family while looking like
// a restriction: [Resolver.Validate] refuses it, and a middleware should
// refuse it as an allow list when it is configured.
func (l *List) WholeFamily() (netip.Prefix, bool) {
	if l == nil {
		return netip.Prefix{}, false
	}
	var v4, v6 []netip.Prefix
	for _, p := range l.prefixes {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	if covers(v4, netip.IPv4Unspecified()) {
		return netip.MustParsePrefix("0.0.0.0/0"), true
	}
	// Mapped addresses are never looked up as IPv6 (see Contains).
	v6 = append(v6, netip.MustParsePrefix("::ffff:0:0/96"))
	if covers(v6, netip.IPv6Unspecified()) {
		return netip.MustParsePrefix("::/0"), true
	}
	return netip.Prefix{}, false
}

// covers reports whether the union of ps, all of zero's family, is the
// whole family: sorted by first address, each must start at or before the
// first address not yet covered, until the last address is.
func covers(ps []netip.Prefix, zero netip.Addr) bool {
	slices.SortFunc(ps, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	next := zero // first address not yet covered
	for _, p := range ps {
		if next.Less(p.Addr()) {
			return false // a gap before p
		}
		if last := lastAddr(p); !last.Less(next) {
			next = last.Next()
			if !next.IsValid() {
				return true // covered up to the family's last address
			}
		}
	}
	return false
}

// lastAddr is the highest address of the masked prefix p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As16()
	off := 0
	if p.Addr().Is4() {
		off = 12
	}
	for i := off*8 + p.Bits(); i < 128; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	if off == 12 {
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return netip.AddrFrom16(b)
}
