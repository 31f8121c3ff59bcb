package ipallow

import (
	"fmt"
	"strings"
)

// ForwardedProto returns the protocol ("http", "https", lower-cased) with
// which the client reached the nearest trusted proxy, as that proxy reports
// it, so that a TLS requirement can accept plain HTTP from a proxy that
// terminated TLS. It reads the header family of r.Header only, so a client
// cannot answer in a header the proxy does not manage:
//
//   - "Forwarded" (RFC 7239): the proto parameter of the last
//     forwarded-element over all lines, parsed with quoted strings
//     respected (a ';' or ',' inside quotes is text); X-Forwarded-Proto is
//     ignored;
//   - "X-Forwarded-For", "X-Real-IP" and any other name: the last
//     comma-separated element of X-Forwarded-Proto over all lines;
//     Forwarded is ignored.
//
// It returns "" and a nil error (no belief) when the peer is not in
// r.Trusted, when the header is absent, or when the last Forwarded element
// has no proto parameter. It fails closed: a last element that does not
// parse, or a value that is not a URI scheme (RFC 3986: a letter, then
// letters, digits, '+', '-' or '.'), is ErrMalformed; lines longer
// together than the cap are ErrHeaderTooLarge; a remoteAddr that is not an
// address is ErrBadPeer.
func (r Resolver) ForwardedProto(remoteAddr string, h HeaderValues) (string, error) {
	peer, err := parsePeer(remoteAddr)
	if err != nil {
		return "", err
	}
	if h == nil || !r.Trusted.Contains(peer) {
		return "", nil
	}
	key := "X-Forwarded-Proto"
	if _, kind := r.header(); kind == kindForwarded {
		key = "Forwarded"
	}
	vals, err := r.lines(h, key)
	if len(vals) == 0 || err != nil {
		return "", err
	}
	var proto string
	if key == "Forwarded" {
		proto, err = lastForwardedProto(vals)
	} else {
		proto, err = lastListElement(vals, key)
	}
	if err != nil || proto == "" {
		return "", err
	}
	if !isScheme(proto) {
		return "", fmt.Errorf("%w: %s proto %q", ErrMalformed, key, clip(proto))
	}
	return strings.ToLower(proto), nil
}

// lastForwardedProto returns the proto parameter of the last non-empty
// forwarded-element of vals ("" if it has none).
func lastForwardedProto(vals []string) (string, error) {
	var (
		last    element
		lastTok string
		have    bool
		bad     bool
	)
	for _, line := range vals {
		for s := line; s != ""; {
			el, rest, ok := nextElement(s)
			tok := s[:len(s)-len(rest)]
			s = rest
			switch {
			case !ok:
				// The rest of the line is one bad element.
				last, lastTok, have, bad = element{}, tok, true, true
				s = ""
			case !isEmptyElement(tok):
				last, lastTok, have, bad = el, tok, true, false
			}
		}
	}
	switch {
	case !have:
		return "", nil
	case bad || last.badProto:
		return "", fmt.Errorf("%w: Forwarded element %q", ErrMalformed, clip(trimOWS(lastTok)))
	case last.hasProto && last.proto == "":
		return "", fmt.Errorf("%w: Forwarded element %q: empty proto", ErrMalformed, clip(trimOWS(lastTok)))
	}
	return last.proto, nil
}

// Trusts reports whether remoteAddr ("ip:port" or "ip", as in
// http.Request.RemoteAddr) is one of r.Trusted.
func (r Resolver) Trusts(remoteAddr string) bool {
	peer, err := parsePeer(remoteAddr)
	return err == nil && r.Trusted.Contains(peer)
}

// ForwardedHost returns the host the nearest trusted proxy was asked for:
// the last comma-separated element of X-Forwarded-Host over all lines. Like
// ForwardedProto it returns "" and a nil error when the peer is not in
// r.Trusted or the header is absent, and it fails closed: an empty last
// element is ErrMalformed, lines longer together than the cap are
// ErrHeaderTooLarge.
func (r Resolver) ForwardedHost(remoteAddr string, h HeaderValues) (string, error) {
	if h == nil || !r.Trusts(remoteAddr) {
		return "", nil
	}
	const key = "X-Forwarded-Host"
	vals, err := r.lines(h, key)
	if len(vals) == 0 || err != nil {
		return "", err
	}
	return lastListElement(vals, key)
}

// lastListElement returns the last comma-separated element of vals, which
// must not be empty.
func lastListElement(vals []string, key string) (string, error) {
	last := vals[len(vals)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	if last = trimOWS(last); last == "" {
		return "", fmt.Errorf("%w: %s ends in an empty element", ErrMalformed, key)
	}
	return last, nil
}

// isScheme reports whether s is a URI scheme (RFC 3986 section 3.1).
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}
