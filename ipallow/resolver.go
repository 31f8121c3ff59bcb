package ipallow

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/textproto"
	"strings"
)

// DefaultMaxHeaderBytes is the cap on the total length of a forwarding
// header's lines that a zero [Resolver.MaxHeaderBytes] selects: room for
// hundreds of hops, where a legitimate chain has a handful.
const DefaultMaxHeaderBytes = 8 << 10

// Header names understood by [Resolver] (any other name is read like
// X-Forwarded-For).
const (
	HeaderXForwardedFor = "X-Forwarded-For" // comma-separated hops, appended by each proxy
	HeaderForwarded     = "Forwarded"       // RFC 7239: for= parameters of comma-separated elements
	HeaderXRealIP       = "X-Real-IP"       // exactly one address, set (not appended) by the proxy
)

// HeaderValues gives every line of a request header, in order. http.Header
// and textproto.MIMEHeader implement it; adapters for other frameworks
// (fasthttp, fiber) return the lines of one header name, matched without
// regard to case (the Resolver asks with the canonical form, such as
// "X-Forwarded-For" or "X-Real-Ip").
type HeaderValues interface {
	Values(key string) []string
}

// Resolver finds the address of the client behind a chain of trusted
// reverse proxies (load balancers, CDNs, ingress controllers).
//
// The direct peer (the TCP connection's remote address) is the client unless
// it is in Trusted. Only then is the forwarding header read, because only a
// trusted proxy's header is believed: anyone can send X-Forwarded-For. The
// header is walked from right to left, the order in which proxies append,
// skipping hops that are themselves in Trusted; the first hop that is not
// trusted is the client. Every line of the header counts, joined as one
// list in order, since proxies may append a line instead of extending one.
//
// The walk fails closed: a hop it reaches that is not an address (garbage,
// an empty element, "unknown", an obfuscated RFC 7239 identifier) is an
// error, never a reason to fall back to another value, and it never returns
// the leftmost value because it is leftmost. Hops beyond (left of) the first
// untrusted one are not looked at, so a client cannot break or steer the
// result by what it prepends.
//
// Decisions for the edge cases:
//   - Trusted nil or empty: the header is ignored, the peer is the client.
//   - the peer is trusted but sent no such header: the peer is the client
//     (a request made by the proxy itself, such as a health check).
//   - every hop is trusted: the leftmost hop is the client (a request that
//     started inside the trusted network); the allow list then judges it.
//   - returned addresses are unmapped (::ffff:192.0.2.1 becomes 192.0.2.1)
//     and carry no zone.
//
// The zero Resolver trusts no proxy and returns the peer. A Resolver is a
// value without internal state and is safe for concurrent use; resolving a
// request with an IPv4 or zone-less IPv6 chain allocates nothing.
type Resolver struct {
	// Trusted holds the proxies whose forwarding headers are believed.
	// nil: none; the peer (RemoteAddr) is always the client.
	Trusted *List

	// Header names the forwarding header: "X-Forwarded-For" (the default
	// when empty), "Forwarded" (RFC 7239) or "X-Real-IP" (a single
	// address; a second line or a comma is an error). Any other name, such
	// as "CF-Connecting-IP" or "True-Client-IP", is read like
	// X-Forwarded-For. Case does not matter; write a custom name in
	// canonical form (Cf-Connecting-Ip) to keep resolving allocation-free.
	Header string

	// MaxHeaderBytes caps the summed length of the header's lines; a longer
	// header from a trusted peer fails with ErrHeaderTooLarge. 0 means
	// DefaultMaxHeaderBytes; negative means no cap.
	MaxHeaderBytes int
}

type headerKind uint8

const (
	kindList headerKind = iota
	kindForwarded
	kindSingle
)

// header returns the canonical header key and how to read it. Known names
// are matched without regard to case and without allocating; other names
// are canonicalised (which allocates unless they are written canonically).
func (r *Resolver) header() (string, headerKind) {
	switch key := r.Header; {
	case key == "" || strings.EqualFold(key, HeaderXForwardedFor):
		return "X-Forwarded-For", kindList
	case strings.EqualFold(key, HeaderForwarded):
		return "Forwarded", kindForwarded
	case strings.EqualFold(key, HeaderXRealIP):
		return "X-Real-Ip", kindSingle
	default:
		return textproto.CanonicalMIMEHeaderKey(key), kindList
	}
}

// Validate reports a misconfigured Resolver: a Header that is not a valid
// header field name, or a Trusted list that covers a whole address family
// (0.0.0.0/0, ::/0, or prefixes whose union is one: see [List.WholeFamily]),
// which would trust every address of it and so let any client choose the
// address it is seen as. Call it once when the Resolver is configured, so a
// mistake fails at start-up rather than on every request.
func (r Resolver) Validate() error {
	for i := 0; i < len(r.Header); i++ {
		if !isTchar(r.Header[i]) {
			return fmt.Errorf("ipallow: Resolver.Header %q is not a header field name", r.Header)
		}
	}
	if p, ok := r.Trusted.WholeFamily(); ok {
		return fmt.Errorf("ipallow: Resolver.Trusted covers %v: every client could choose its own address", p)
	}
	return nil
}

// ClientIP returns the address of the client that sent req; see [Resolver]
// for the rules. It reads req.RemoteAddr and req.Header only.
func (r Resolver) ClientIP(req *http.Request) (netip.Addr, error) {
	return r.ClientIPFrom(req.RemoteAddr, req.Header)
}

// ClientIPFrom is [Resolver.ClientIP] for callers that are not net/http:
// remoteAddr is the direct peer as "ip:port", "[ipv6]:port" or a bare IP,
// h gives the request's header lines (an http.Header works; nil means no
// headers).
func (r Resolver) ClientIPFrom(remoteAddr string, h HeaderValues) (netip.Addr, error) {
	peer, err := parsePeer(remoteAddr)
	if err != nil {
		return netip.Addr{}, err
	}
	if h == nil || !r.Trusted.Contains(peer) {
		return peer, nil
	}
	key, kind := r.header()
	vals, err := r.lines(h, key)
	if len(vals) == 0 || err != nil {
		return peer, err
	}
	switch kind {
	case kindForwarded:
		return walkForwarded(vals, r.Trusted, peer)
	case kindSingle:
		return single(vals, key)
	default:
		return walkList(vals, r.Trusted, key)
	}
}

// lines returns the lines of header key (canonical) in h, or
// ErrHeaderTooLarge when together they are longer than the cap.
func (r *Resolver) lines(h HeaderValues, key string) ([]string, error) {
	var vals []string
	if hh, ok := h.(http.Header); ok {
		vals = hh[key] // key is canonical: skip Values' re-canonicalisation
	} else {
		vals = h.Values(key)
	}
	if max := r.maxBytes(); max >= 0 {
		n := 0
		for _, v := range vals {
			n += len(v)
		}
		if n > max {
			return nil, fmt.Errorf("%w: %s is %d bytes (cap %d)", ErrHeaderTooLarge, key, n, max)
		}
	}
	return vals, nil
}

func (r *Resolver) maxBytes() int {
	if r.MaxHeaderBytes == 0 {
		return DefaultMaxHeaderBytes
	}
	if r.MaxHeaderBytes < 0 {
		return -1
	}
	return r.MaxHeaderBytes
}

// walkList walks comma-separated hops (X-Forwarded-For) right to left over
// all lines and returns the first untrusted hop, or the leftmost hop when
// all are trusted.
func walkList(vals []string, trusted *List, key string) (netip.Addr, error) {
	var last netip.Addr
	for i := len(vals) - 1; i >= 0; i-- {
		v := vals[i]
		for {
			j := strings.LastIndexByte(v, ',')
			tok := trimOWS(v[j+1:])
			a, ok := parseHop(tok)
			if !ok {
				return netip.Addr{}, fmt.Errorf("%w: %s hop %q", ErrMalformed, key, clip(tok))
			}
			if !trusted.Contains(a) {
				return a, nil
			}
			last = a
			if j < 0 {
				break
			}
			v = v[:j]
		}
	}
	return last, nil
}

// single reads a header that carries exactly one address (X-Real-IP).
func single(vals []string, key string) (netip.Addr, error) {
	if len(vals) != 1 {
		return netip.Addr{}, fmt.Errorf("%w: %d %s lines, want 1", ErrMalformed, len(vals), key)
	}
	tok := trimOWS(vals[0])
	a, ok := parseHop(tok)
	if !ok {
		return netip.Addr{}, fmt.Errorf("%w: %s %q", ErrMalformed, key, clip(tok))
	}
	return a, nil
}

// parsePeer parses a RemoteAddr: ip:port, [ipv6]:port or a bare IP,
// unmapped and without a zone; anything else is ErrBadPeer.
func parsePeer(s string) (netip.Addr, error) {
	a, ok := parseHop(s)
	if !ok {
		return netip.Addr{}, fmt.Errorf("%w: %q", ErrBadPeer, clip(s))
	}
	return a, nil
}

// parseHop parses one X-Forwarded-For hop: an IPv4 or IPv6 address, an
// IPv4 address with a port, or a bracketed IPv6 address with an optional
// port (some proxies add ports). Anything else is refused. The result is
// unmapped and has no zone.
func parseHop(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		if rest := s[end+1:]; rest != "" && (rest[0] != ':' || !isPort(rest[1:])) {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(s[1:end])
		if err != nil || !a.Is6() {
			return netip.Addr{}, false
		}
		return clean(a), true
	}
	if i := strings.IndexByte(s, ':'); i >= 0 && strings.IndexByte(s[i+1:], ':') < 0 {
		// One colon: IPv4:port (an IPv6 address has at least two).
		if !isPort(s[i+1:]) {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(s[:i])
		if err != nil || !a.Is4() {
			return netip.Addr{}, false
		}
		return a, true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return clean(a), true
}

// clean unmaps an IPv4-mapped address and drops any zone.
func clean(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() && a.Zone() != "" {
		a = a.WithZone("")
	}
	return a
}

// isPort reports whether s is a decimal port number 0-65535.
func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n <= 65535
}

// trimOWS trims optional whitespace (spaces and tabs) at both ends.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// clip shortens attacker-supplied text quoted into an error message.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// isTchar reports whether c may appear in an HTTP token (RFC 9110).
func isTchar(c byte) bool {
	return tchars[c]
}

var tchars = func() (t [256]bool) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			t[c] = true
		}
	}
	for _, c := range []byte("!#$%&'*+-.^_`|~") {
		t[c] = true
	}
	return t
}()
