package ipallow

import "errors"

// Sentinel errors. The resolver wraps them with detail (which header, which
// hop); match them with [errors.Is].
var (
	// ErrNotAllowed is returned by [List.Check] and [Holder.Check] for an
	// address outside the list. The middleware answers it with 403.
	ErrNotAllowed = errors.New("ipallow: address not allowed")

	// ErrBadPeer means the direct peer's address (http.Request.RemoteAddr)
	// is not an IP address or IP:port, such as a Unix socket peer.
	ErrBadPeer = errors.New("ipallow: peer address is not an IP address")

	// ErrMalformed means a forwarding header from a trusted proxy holds a
	// hop that is not an address, or is not well formed, where the walk
	// needed it. The request is refused rather than attributed to a guess.
	ErrMalformed = errors.New("ipallow: malformed forwarding header")

	// ErrUnknownHop means an RFC 7239 Forwarded hop that the walk reached is
	// "unknown" or an obfuscated identifier (for=_hidden): the client cannot
	// be identified, so the request fails closed.
	ErrUnknownHop = errors.New("ipallow: forwarding hop is unknown or obfuscated")

	// ErrHeaderTooLarge means the forwarding header's lines add up to more
	// than [Resolver.MaxHeaderBytes].
	ErrHeaderTooLarge = errors.New("ipallow: forwarding header too large")
)
