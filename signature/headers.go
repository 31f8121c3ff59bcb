package signature

import (
	"fmt"
	"net/http"
)

// Headers is the read side of a header map; [net/http.Header] satisfies it.
// Header names given to Get are in canonical MIME form.
type Headers interface{ Get(key string) string }

// HeaderFunc adapts a lookup function (fasthttp, fiber, a map) to [Headers].
// It cannot report repeated header lines: the function decides which value
// is returned. Prefer passing an [net/http.Header] where one is at hand.
type HeaderFunc func(key string) string

// Get calls f.
func (f HeaderFunc) Get(key string) string { return f(key) }

// valuesGetter is implemented by header maps that can report every line of
// a header (http.Header, textproto.MIMEHeader via Values).
type valuesGetter interface{ Values(key string) []string }

// MaxHeaderLen is the longest value of a signature, timestamp or ID header
// an [Authenticator] accepts; a longer one is refused with [ErrMalformed]
// before it is parsed or hashed. Providers send well under 1 KiB; the bound
// caps the work an unauthenticated request can cause.
const MaxHeaderLen = 8 << 10

// HeaderValue returns the single value of the header key (canonical form),
// the way every scheme in this module reads its headers.
//
// Repeated header lines are refused with [ErrMalformed] when the header map
// can report them: a proxy or attacker that appends a second signature,
// timestamp or ID line must not get to choose which one is checked. An empty
// value is an [ErrMissingHeader], one over [MaxHeaderLen] bytes an
// [ErrMalformed]. It allocates only on error.
func HeaderValue(h Headers, key string) (string, error) {
	return headerValue(h, key, true)
}

// OptionalHeaderValue is [HeaderValue] for a header that may be absent:
// an absent or empty header is "" and no error (and no allocation).
func OptionalHeaderValue(h Headers, key string) (string, error) {
	return headerValue(h, key, false)
}

func headerValue(h Headers, key string, required bool) (string, error) {
	var v string
	switch hh := h.(type) {
	case nil:
		// No headers at all: everything is missing.
	case http.Header:
		vs := hh[key] // key is canonical: one map lookup, no allocation
		if len(vs) > 1 {
			return "", repeatedHeader(key)
		}
		if len(vs) == 1 {
			v = vs[0]
		}
	case valuesGetter:
		vs := hh.Values(key)
		if len(vs) > 1 {
			return "", repeatedHeader(key)
		}
		if len(vs) == 1 {
			v = vs[0]
		}
	default:
		v = h.Get(key)
	}
	if v == "" {
		if !required {
			return "", nil
		}
		return "", fmt.Errorf("%w: %s", ErrMissingHeader, key)
	}
	if len(v) > MaxHeaderLen {
		return "", fmt.Errorf("%w: %s is %d bytes (limit %d)", ErrMalformed, key, len(v), MaxHeaderLen)
	}
	return v, nil
}

func repeatedHeader(key string) error {
	return fmt.Errorf("%w: %s sent more than once", ErrMalformed, key)
}
