package ratelimit

import (
	"net/http"
	"strconv"
	"time"
)

// Header field names written by WriteHeaders, in canonical form (HTTP field
// names are case-insensitive; http.Header stores "RateLimit" as "Ratelimit").
const (
	HeaderRetryAfter      = "Retry-After"
	HeaderRateLimit       = "Ratelimit"
	HeaderRateLimitPolicy = "Ratelimit-Policy"
)

// WriteHeaders sets the rate-limit response fields for d in h, replacing any
// earlier values.
//
// Retry-After (RFC 9110, section 10.2.3) is set only when d refused the
// request: d.RetryAfter in whole seconds, rounded up and at least 1, so a
// client that waits as told finds a token.
//
// RateLimit-Policy and RateLimit follow draft-ietf-httpapi-ratelimit-headers-11
// (IETF httpapi working group, May 2026), where both are Structured Field
// Lists (RFC 9651) of a quoted policy name with parameters:
//
//	RateLimit-Policy: "default";q=100;w=60
//	RateLimit: "default";r=42;t=18
//
// q is d.Limit (the burst) and w is d.Window in seconds rounded up (the time
// an empty bucket takes to refill; omitted when zero). r is d.Remaining. t,
// the effective window, is d.ResetAfter rounded up when the request was
// allowed: the client is told to use no more than r within the time the
// bucket needs to refill, which is conservative, never more permissive than
// the limiter. When refused, t is d.RetryAfter rounded up, so Retry-After
// never points before the end of the effective window (section 6 of the
// draft). The policy is named d.Policy, or DefaultPolicy; bytes a Structured
// Field String cannot hold are replaced with '_'. No partition key ("pk") is
// sent: it would echo the client's key.
//
// The fields fit any status: 2xx responses may carry the RateLimit fields
// too, so clients can pace themselves before they are refused.
func WriteHeaders(h http.Header, d Decision) {
	var buf [128]byte
	if !d.Allowed {
		h.Set(HeaderRetryAfter, strconv.FormatInt(max(ceilSeconds(d.RetryAfter), 1), 10))
	}
	name := d.Policy
	if name == "" {
		name = DefaultPolicy
	}

	b := appendSFString(buf[:0], name)
	b = append(b, ";q="...)
	b = strconv.AppendInt(b, sfInt(int64(d.Limit)), 10)
	if d.Window > 0 {
		b = append(b, ";w="...)
		b = strconv.AppendInt(b, ceilSeconds(d.Window), 10)
	}
	h.Set(HeaderRateLimitPolicy, string(b))

	t := d.ResetAfter
	if !d.Allowed {
		t = d.RetryAfter
	}
	b = appendSFString(buf[:0], name)
	b = append(b, ";r="...)
	b = strconv.AppendInt(b, sfInt(int64(d.Remaining)), 10)
	b = append(b, ";t="...)
	b = strconv.AppendInt(b, ceilSeconds(t), 10)
	h.Set(HeaderRateLimit, string(b))
}

// maxSFInt is the largest Integer a Structured Field can carry (RFC 9651).
const maxSFInt = 999_999_999_999_999

// sfInt clamps n to the non-negative Integers of RFC 9651.
func sfInt(n int64) int64 { return min(max(n, 0), maxSFInt) }

// ceilSeconds rounds d up to whole seconds; negative durations give 0.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	s := int64(d / time.Second)
	if d%time.Second != 0 {
		s++
	}
	return s
}

// appendSFString appends s as an RFC 9651 String: quoted, with '"' and '\'
// escaped and every byte outside printable ASCII replaced by '_'.
func appendSFString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 || c > 0x7e:
			b = append(b, '_')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
