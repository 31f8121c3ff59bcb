// Package ipallow decides whether a webhook request comes from where it
// should: CIDR allow lists that can be reloaded while serving, and the
// client's address resolved behind trusted reverse proxies so that it cannot
// be spoofed.
//
// # Where it sits in the request path
//
// In middleware.Guard this is step 2, after the optional TLS check and
// before rate limiting, body reading and signature verification: it is
// cheap, stateless and allocation-free, so requests from elsewhere are
// refused (403) before any work is spent on them.
//
//	resolver := ipallow.Resolver{Trusted: ipallow.MustParse("10.0.0.0/8")}
//	ip, err := resolver.ClientIP(req)  // err: fail closed, 403
//	if !allow.Contains(ip) { ... }     // 403
//
// The same client address keys the rate limiter (step 3).
//
// # Threat model
//
// The attacker can send any request from any address it controls, with any
// headers: forged X-Forwarded-For, Forwarded and X-Real-IP values, many
// header lines, huge headers, IPv4-mapped IPv6 (::ffff:192.0.2.1) and
// zoned (fe80::1%eth0) spellings of addresses. It cannot forge the TCP
// peer address, and it does not control the proxies listed in
// [Resolver.Trusted]. Against that:
//
//   - a forwarding header is believed only when the direct peer is a
//     trusted proxy, and only its right part: the walk goes from right to
//     left across trusted proxies and stops at the first hop that is not
//     one, so whatever the client prepended is never looked at;
//   - a hop the walk needs that is not an address fails the request
//     (fail closed); there is no fallback to another value;
//   - addresses are unmapped and stripped of zones before every decision,
//     so the same host has one spelling;
//   - allow-list text is parsed strictly: a CIDR with host bits set, a zone
//     or an IPv4 octet with a leading zero is an error that names the line,
//     not a silently different list; an empty list allows nothing;
//   - header size is capped ([Resolver.MaxHeaderBytes]), and a lookup walks
//     a bart trie in at most one step per address byte whatever the size of
//     the list, so neither long headers nor long lists give an attacker
//     leverage.
//
// Out of scope: the allow list can only be as good as its source (a
// provider's published ranges), and trusting a proxy means trusting every
// request it forwards. Signature verification (package hmac) is what proves
// the sender; an allow list is defence in depth.
//
// # Forwarded protocol
//
// [Resolver.ForwardedProto] reports the protocol the client used to reach
// the nearest trusted proxy (X-Forwarded-Proto, or RFC 7239's proto= when
// the Resolver reads Forwarded), so that a TLS requirement can accept plain
// HTTP from a proxy that terminated TLS. Like the address walk it believes
// trusted peers only, reads the configured header family only, and fails
// closed on garbage.
//
// # Misconfiguration
//
// Trusting a whole address family, whether as 0.0.0.0/0 or as pieces that
// add up to it, lets any client pick its address: [Resolver.Validate]
// refuses it, and [List.WholeFamily] lets a caller refuse such an allow
// list too.
//
// # Hot reload
//
// A [List] is immutable. A [Holder] holds the current one and swaps it
// atomically; [WatchFile] reloads a list file into a Holder when it changes,
// keeps the last good List when the new file is broken, and stops with its
// context. Both are a [Source], the interface a consumer reads the list in
// force through.
package ipallow
