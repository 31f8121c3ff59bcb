package ipallow

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseError reports an entry of an allow list that [Parse] or [New]
// refused: the 1-based line it is on (0 for [New]), the offending token as
// written, and why.
type ParseError struct {
	Line   int    // 1-based line number; 0 for New, which has no lines
	Token  string // the entry as written, without surrounding space
	Reason string // what is wrong with it, and how to fix it where possible
}

// Error returns "ipallow: line N: "token": reason".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("ipallow: %q: %s", e.Token, e.Reason)
	}
	return fmt.Sprintf("ipallow: line %d: %q: %s", e.Line, e.Token, e.Reason)
}

// Parse reads an allow list in the form operators paste from a provider's
// dashboard or documentation:
//
//   - entries are IPv4 or IPv6 addresses (203.0.113.42, 2001:db8::1) or
//     prefixes in CIDR notation (198.51.100.0/24, 2001:db8::/32);
//   - entries are separated by commas, newlines, spaces or tabs, in any mix;
//     blank lines, empty entries (a trailing comma) and surrounding spaces
//     are ignored, as are CRLF line ends and a leading UTF-8 byte order mark;
//   - '#' starts a comment that runs to the end of the line, on a line of
//     its own or after entries.
//
// Duplicates collapse, so the result may hold fewer prefixes than the text
// has entries. Overlapping prefixes (10.0.0.0/8 and 10.1.0.0/16) are kept as
// written; they are harmless.
//
// Parse is strict where a typo could widen the list:
//
//   - a prefix with host bits set (10.1.2.3/8) is refused rather than
//     silently masked to 10.0.0.0/8, because the writer may have meant
//     10.1.2.3/32; the error names both readings;
//   - zones (fe80::1%eth0), IPv4 octets with leading zeros (010.1.2.3),
//     ports, hostnames and anything else that is not an address or a prefix
//     are refused;
//   - an IPv4-mapped IPv6 entry (::ffff:10.1.2.3, ::ffff:10.0.0.0/104) is
//     stored as the IPv4 entry it denotes (10.1.2.3, 10.0.0.0/8), which is
//     also how [List.Contains] looks up addresses, so both spellings match
//     the same traffic. A mapped prefix shorter than /96 is refused.
//
// The first bad entry stops parsing; the error is a *[ParseError] naming its
// line and token. A text without entries gives an empty List, which allows
// nothing.
func Parse(text string) (*List, error) {
	text = strings.TrimPrefix(text, "\uFEFF")
	var ps []netip.Prefix
	for lineNo := 1; text != ""; lineNo++ {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for line != "" {
			i := strings.IndexAny(line, ", \t\r\v\f")
			tok := line
			if i >= 0 {
				tok, line = line[:i], line[i+1:]
			} else {
				line = ""
			}
			if tok == "" {
				continue
			}
			p, reason := parseEntry(tok)
			if reason != "" {
				return nil, &ParseError{Line: lineNo, Token: tok, Reason: reason}
			}
			ps = append(ps, p)
		}
	}
	return build(ps), nil
}

// MustParse is like [Parse] but panics on error. It is meant for lists
// written into the program, such as package-level variables and tests.
func MustParse(text string) *List {
	l, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return l
}

// parseEntry parses one address or CIDR entry.
func parseEntry(tok string) (netip.Prefix, string) {
	if strings.IndexByte(tok, '%') >= 0 {
		return netip.Prefix{}, "zones (%name) have no meaning in an allow list"
	}
	if strings.IndexByte(tok, '/') >= 0 {
		p, err := netip.ParsePrefix(tok)
		if err != nil {
			return netip.Prefix{}, "not an IP address or CIDR prefix"
		}
		return normalize(p)
	}
	a, err := netip.ParseAddr(tok)
	if err != nil {
		return netip.Prefix{}, "not an IP address or CIDR prefix"
	}
	return normalize(netip.PrefixFrom(a, a.BitLen()))
}
