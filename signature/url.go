package signature

import (
	"fmt"
	"net/netip"
	"strings"
)

// MaxURLLen bounds the URL [RequestURL] builds: request targets longer than
// this are refused with [ErrMalformed] before anything is hashed.
const MaxURLLen = 8 << 10

// RequestURL returns the absolute URL a sender signed for a request that
// arrived with request target requestURI (origin form: "/path?query", as
// in [net/http.Request.RequestURI]).
//
// With a non-empty base (a configured public base URL such as
// "https://hooks.example.com" or "https://example.com/api" behind a proxy
// that strips "/api"), the result is base without its trailing '/' followed
// by requestURI; scheme and host are ignored. This is the setting to use
// behind TLS-terminating proxies and load balancers: the URL the provider
// was given is known, so nothing from the request is believed.
//
// Without a base, the URL is scheme "://" host requestURI. The caller
// decides what to trust: scheme is "https" when the connection was TLS or
// a trusted proxy said X-Forwarded-Proto: https, host is [net/http.Request.Host]
// or a trusted proxy's X-Forwarded-Host. Never pass headers from a client
// you do not trust: whoever chooses the URL chooses what the signature
// must cover.
//
// Every input is validated (scheme http or https, a host of URL
// characters with an optional port, an origin-form target without
// fragment, spaces or control bytes) and errors wrap [ErrMalformed].
func RequestURL(base, scheme, host, requestURI string) (string, error) {
	if err := checkTarget(requestURI); err != nil {
		return "", err
	}
	if base != "" {
		if err := CheckBaseURL(base); err != nil {
			return "", err
		}
		return strings.TrimSuffix(base, "/") + requestURI, nil
	}
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("%w: URL scheme %q is not http or https", ErrMalformed, clip(scheme))
	}
	if err := checkHost(host); err != nil {
		return "", err
	}
	return scheme + "://" + host + requestURI, nil
}

// CheckBaseURL validates a configured public base URL: http or https, a
// host, an optional path, no query, fragment or user information. Callers
// validate configuration once at start-up with it.
func CheckBaseURL(base string) error {
	rest, ok := strings.CutPrefix(base, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(base, "http://"); !ok {
			return fmt.Errorf("%w: base URL %q does not start with https:// or http://", ErrMalformed, clip(base))
		}
	}
	host, path, _ := strings.Cut(rest, "/")
	if err := checkHost(host); err != nil {
		return err
	}
	if path != "" {
		if err := checkTarget("/" + path); err != nil {
			return err
		}
		if strings.ContainsRune(path, '?') {
			return fmt.Errorf("%w: base URL %q has a query", ErrMalformed, clip(base))
		}
	}
	return nil
}

// checkHost accepts a host name, IPv4 address or bracketed IPv6 literal
// with an optional ":port" (RFC 3986 authority without user information).
func checkHost(host string) error {
	if host == "" || len(host) > 255 {
		return fmt.Errorf("%w: URL host is empty or too long", ErrMalformed)
	}
	name, port := host, ""
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return fmt.Errorf("%w: URL host %q has an unclosed '['", ErrMalformed, clip(host))
		}
		name, port = host[1:end], host[end+1:]
		if a, err := netip.ParseAddr(name); err != nil || !a.Is6() || a.Zone() != "" {
			return fmt.Errorf("%w: URL host %q is not an IPv6 literal", ErrMalformed, clip(host))
		}
		if port != "" && port[0] != ':' {
			return fmt.Errorf("%w: URL host %q is malformed", ErrMalformed, clip(host))
		}
	} else {
		if i := strings.IndexByte(host, ':'); i >= 0 {
			name, port = host[:i], host[i:]
		}
		if name == "" {
			return fmt.Errorf("%w: URL host %q has no name", ErrMalformed, clip(host))
		}
		for j := 0; j < len(name); j++ {
			if !isRegName(name[j]) {
				return fmt.Errorf("%w: URL host %q has a byte %#x not allowed in a host", ErrMalformed, clip(host), name[j])
			}
		}
	}
	if port != "" {
		digits := port[1:]
		if digits == "" || len(digits) > 5 {
			return fmt.Errorf("%w: URL host %q has an empty or long port", ErrMalformed, clip(host))
		}
		for j := 0; j < len(digits); j++ {
			if digits[j] < '0' || digits[j] > '9' {
				return fmt.Errorf("%w: URL host %q has a non-numeric port", ErrMalformed, clip(host))
			}
		}
	}
	return nil
}

// checkTarget accepts an origin-form request target: '/' then URL
// characters (RFC 3986 pchar, '/', '?', and percent escapes), no fragment.
func checkTarget(t string) error {
	if t == "" || t[0] != '/' {
		return fmt.Errorf("%w: request target %q is not in origin form", ErrMalformed, clip(t))
	}
	if len(t) > MaxURLLen {
		return fmt.Errorf("%w: request target is %d bytes (limit %d)", ErrMalformed, len(t), MaxURLLen)
	}
	if strings.HasPrefix(t, "//") {
		return fmt.Errorf("%w: request target %q starts with //", ErrMalformed, clip(t))
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c <= ' ' || c >= 0x7f || c == '#' || c == '\\' || c == '"' || c == '<' || c == '>' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' {
			return fmt.Errorf("%w: request target has byte %#x at %d", ErrMalformed, c, i)
		}
	}
	return nil
}

// isRegName: RFC 3986 reg-name characters without percent escapes or
// sub-delims that no real host uses.
func isRegName(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// clip shortens user text for an error message.
func clip(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}
