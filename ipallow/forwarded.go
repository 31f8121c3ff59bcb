package ipallow

import (
	"fmt"
	"net/netip"
	"strings"
)

// RFC 7239 Forwarded header:
//
//	Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"
//
// Elements are separated by commas, pairs inside an element by semicolons;
// a value is a token or a quoted string, which may contain commas and
// semicolons. Because of the quoting the header cannot be split from the
// right, so walkForwarded scans each line left to right and keeps just
// enough state to give the right-to-left answer: the rightmost element that
// is not a trusted hop decides (its address, or its error), and if there is
// none every hop is trusted and the leftmost one is the client.

// hop is the outcome for one forwarded-element.
type hop struct {
	addr   netip.Addr
	reason error  // ErrMalformed or ErrUnknownHop when the element is bad
	token  string // the bad text, for the error message
}

// walkForwarded returns the client of a Forwarded header; see Resolver.
// A header of empty elements only is treated as absent: peer is returned.
func walkForwarded(vals []string, trusted *List, peer netip.Addr) (netip.Addr, error) {
	var (
		first, decider   hop // leftmost element; rightmost element that is not a trusted hop
		haveAny, haveDec bool
	)
	for _, line := range vals {
		for s := line; s != ""; {
			el, rest, ok := nextElement(s)
			elem := s[:len(s)-len(rest)]
			s = rest
			var h hop
			switch {
			case !ok:
				// Syntax error: the rest of the line cannot be split into
				// elements, so it counts as one bad element.
				h = hop{reason: ErrMalformed, token: elem}
				s = ""
			case isEmptyElement(elem):
				continue // allowed by the list syntax
			case !el.hasFor:
				h = hop{reason: ErrMalformed, token: elem}
			default:
				a, err := parseNode(el.node)
				h = hop{addr: a, reason: err, token: el.node}
			}
			if !haveAny {
				first, haveAny = h, true
			}
			if h.reason != nil || !trusted.Contains(h.addr) {
				decider, haveDec = h, true
			}
		}
	}
	switch {
	case haveDec:
		if decider.reason != nil {
			return netip.Addr{}, fmt.Errorf("%w: Forwarded element %q", decider.reason, clip(trimOWS(decider.token)))
		}
		return decider.addr, nil
	case haveAny:
		return first.addr, nil
	}
	return peer, nil
}

// isEmptyElement reports whether elem, as nextElement consumed it, is an
// empty list element (nothing, or nothing but its comma).
func isEmptyElement(elem string) bool {
	e := trimOWS(elem)
	return e == "" || e == ","
}

// element is what a forwarded-element says that this package reads: its
// for= and proto= parameters, quotes removed.
type element struct {
	node     string
	hasFor   bool
	proto    string
	hasProto bool
	badProto bool // proto= given twice, or with a quoted-pair
}

// nextElement parses the forwarded-element at the start of s. It returns
// the element, the text after its separating comma ("" at the end), and
// false on a syntax error: a pair without '=', a bad parameter name, an
// unterminated quoted string, junk after a value, or for= given twice or
// with a quoted-pair. Commas and semicolons inside quoted strings are text.
func nextElement(s string) (el element, rest string, ok bool) {
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			return el, "", true
		}
		switch s[i] {
		case ',':
			return el, s[i+1:], true
		case ';':
			i++
			continue
		}
		start := i
		for i < len(s) && isTchar(s[i]) {
			i++
		}
		name := s[start:i]
		if name == "" || i == len(s) || s[i] != '=' {
			return element{}, "", false
		}
		i++
		var val string
		escaped := false
		if i < len(s) && s[i] == '"' {
			i++
			start = i
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' {
					escaped = true
					i++
				}
				i++
			}
			if i >= len(s) {
				return element{}, "", false
			}
			val = s[start:i]
			i++
		} else {
			start = i
			// Tokens, leniently extended by ':' '[' ']' so that an
			// unquoted IPv6 or IPv4:port node is still read (and then
			// parsed strictly).
			for i < len(s) && (isTchar(s[i]) || s[i] == ':' || s[i] == '[' || s[i] == ']') {
				i++
			}
			val = s[start:i]
		}
		switch {
		case strings.EqualFold(name, "for"):
			if el.hasFor || escaped {
				return element{}, "", false
			}
			el.hasFor, el.node = true, val
		case strings.EqualFold(name, "proto"):
			el.badProto = el.badProto || el.hasProto || escaped
			el.hasProto, el.proto = true, val
		}
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] != ';' && s[i] != ',' {
			return element{}, "", false
		}
	}
}

// parseNode parses an RFC 7239 node: an IPv4 address or a bracketed IPv6
// address, each with an optional port (digits or an obfuscated _port).
// "unknown" and obfuscated identifiers (_hidden) give ErrUnknownHop;
// anything else that is not an address gives ErrMalformed.
func parseNode(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, ErrMalformed
	}
	if s[0] == '_' || strings.EqualFold(s, "unknown") {
		return netip.Addr{}, ErrUnknownHop
	}
	var name, port string
	hasPort := false
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, ErrMalformed
		}
		name = s[1:end]
		if r := s[end+1:]; r != "" {
			if r[0] != ':' {
				return netip.Addr{}, ErrMalformed
			}
			port, hasPort = r[1:], true
		}
		a, err := netip.ParseAddr(name)
		if err != nil || !a.Is6() {
			return netip.Addr{}, ErrMalformed
		}
		if hasPort && !isNodePort(port) {
			return netip.Addr{}, ErrMalformed
		}
		return clean(a), nil
	}
	name = s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		name, port, hasPort = s[:i], s[i+1:], true
	}
	a, err := netip.ParseAddr(name)
	if err != nil || !a.Is4() {
		return netip.Addr{}, ErrMalformed
	}
	if hasPort && !isNodePort(port) {
		return netip.Addr{}, ErrMalformed
	}
	return a, nil
}

// isNodePort reports whether s is a port or an obfuscated port
// ("_" followed by ALPHA / DIGIT / "." / "_" / "-").
func isNodePort(s string) bool {
	if s != "" && s[0] == '_' {
		if len(s) == 1 {
			return false
		}
		for i := 1; i < len(s); i++ {
			c := s[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
				return false
			}
		}
		return true
	}
	return isPort(s)
}
