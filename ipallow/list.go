package ipallow

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/gaissmai/bart"
)

// List is an immutable set of IPv4 and IPv6 prefixes: an allow list.
//
// A List is built once by [Parse], [MustParse] or [New] and never changes
// afterwards, so it is safe for concurrent use without locking; to change the
// list of a running server, build a new List and swap it in with a [Holder].
//
// A List that holds no prefix (an empty file, a text of comments only) allows
// nothing: an empty allow list fails closed. The nil *List is empty too:
// every method is safe on it and Contains reports false. (Callers that want
// "no allow list configured means allow everything", as the middleware does
// for a nil Config.Allow, decide that before consulting the List.)
//
// IPv4 prefixes match only IPv4 addresses, IPv6 prefixes only IPv6 addresses;
// an IPv4-mapped IPv6 address (::ffff:192.0.2.1) is looked up as the IPv4
// address it carries, and zones are ignored (see [List.Contains]).
type List struct {
	trie     *bart.Lite     // longest-prefix lookups; nil when empty
	prefixes []netip.Prefix // sorted, unique, masked, never IPv4-mapped
}

// New returns a List of the given prefixes. It applies the same rules as
// [Parse]: a prefix with host bits set (10.1.2.3/8) is refused, an
// IPv4-mapped prefix (::ffff:10.0.0.0/104) becomes the IPv4 prefix it
// denotes (10.0.0.0/8), a prefix with a zone or an invalid prefix is refused,
// and duplicates collapse. The error is a *[ParseError] whose Line is 0.
func New(prefixes ...netip.Prefix) (*List, error) {
	ps := make([]netip.Prefix, 0, len(prefixes))
	for _, p := range prefixes {
		q, reason := normalize(p)
		if reason != "" {
			return nil, &ParseError{Token: p.String(), Reason: reason}
		}
		ps = append(ps, q)
	}
	return build(ps), nil
}

// build sorts and deduplicates ps (which it owns) and builds the trie.
func build(ps []netip.Prefix) *List {
	slices.SortFunc(ps, netip.Prefix.Compare)
	ps = slices.Compact(ps)
	l := &List{prefixes: slices.Clip(ps)}
	if len(ps) > 0 {
		l.trie = new(bart.Lite)
		for _, p := range ps {
			l.trie.Insert(p)
		}
	}
	return l
}

// normalize validates p and returns its canonical form, or a reason for
// refusing it.
func normalize(p netip.Prefix) (netip.Prefix, string) {
	if !p.IsValid() {
		return netip.Prefix{}, "not a valid prefix"
	}
	a := p.Addr()
	if a.Zone() != "" {
		return netip.Prefix{}, "zones (%name) have no meaning in an allow list"
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, "host bits set; write the network address " + m.String() +
			" or the single address " + netip.PrefixFrom(a, a.BitLen()).String()
	}
	if a.Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, "IPv4-mapped prefix shorter than /96"
		}
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96), ""
	}
	return p, ""
}

// Contains reports whether ip lies in one of the list's prefixes.
//
// An IPv4-mapped IPv6 address (::ffff:10.1.2.3) is treated as the IPv4
// address it carries (10.1.2.3), and an IPv6 zone (fe80::1%eth0) is ignored,
// so neither spelling can slip past an IPv4 or IPv6 entry. The invalid
// (zero) Addr is never contained. A nil or empty List contains nothing.
// Contains does not allocate.
func (l *List) Contains(ip netip.Addr) bool {
	if l == nil || l.trie == nil {
		return false
	}
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	// bart ignores zones (it looks at the address bytes only).
	return l.trie.Contains(ip)
}

// Check returns nil when ip is in the list and [ErrNotAllowed] otherwise.
// It follows the rules of [List.Contains] and does not allocate.
func (l *List) Check(ip netip.Addr) error {
	if l.Contains(ip) {
		return nil
	}
	return ErrNotAllowed
}

// Len returns the number of distinct prefixes in the list; 0 for nil.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.prefixes)
}

// Prefixes returns a copy of the list's prefixes in ascending order (IPv4
// before IPv6, then by address, then by length). Single addresses are /32 or
// /128 prefixes. Prefixes of a nil List is nil.
func (l *List) Prefixes() []netip.Prefix {
	if l == nil {
		return nil
	}
	return slices.Clone(l.prefixes)
}

// Equal reports whether l and o hold the same prefixes. Nil and empty lists
// are equal.
func (l *List) Equal(o *List) bool {
	var a, b []netip.Prefix
	if l != nil {
		a = l.prefixes
	}
	if o != nil {
		b = o.prefixes
	}
	return slices.Equal(a, b)
}

// String returns the list in the text form [Parse] reads: one entry per
// line in the order of [List.Prefixes], single addresses without a /32 or
// /128 suffix, no trailing newline. Parse(l.String()) returns a List equal
// to l. The empty and the nil List give "".
func (l *List) String() string {
	if l.Len() == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(l.prefixes) * 20)
	for i, p := range l.prefixes {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.IsSingleIP() {
			b.WriteString(p.Addr().String())
		} else {
			b.WriteString(p.String())
		}
	}
	return b.String()
}

// MarshalText implements [encoding.TextMarshaler]; it returns [List.String].
func (l *List) MarshalText() ([]byte, error) {
	return []byte(l.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse], so a
// List can sit in a configuration struct read from JSON, YAML, TOML or flags.
// It replaces *l; use it only on a List that nobody is reading yet.
func (l *List) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*l = *p
	return nil
}
