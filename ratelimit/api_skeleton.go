// Package ratelimit: SKELETON, the ratelimit owner replaces this file.
package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"time"

	"golang.org/x/time/rate"
)

// Limiter decides whether key may proceed.
type Limiter interface {
	Take(ctx context.Context, key string) (Decision, error)
}

// Decision is the outcome of one Take.
type Decision struct {
	Allowed    bool
	Limit      int
	Remaining  int
	RetryAfter time.Duration
	ResetAfter time.Duration
}

// Memory is an in-process Limiter.
type Memory struct{}

// NewMemory returns a memory limiter.
func NewMemory(r rate.Limit, burst, maxKeys int) *Memory { panic("unimplemented") }

// Take implements Limiter.
func (m *Memory) Take(ctx context.Context, key string) (Decision, error) { panic("unimplemented") }

// ErrLimited is returned when a key is over its limit.
var ErrLimited = errors.New("ratelimit: limited")

// IPKey groups addr into its rate-limit key: IPv4 by v4Bits, IPv6 by v6Bits
// (0 means the defaults, 32 and 64).
func IPKey(addr netip.Addr, v4Bits, v6Bits int) string { panic("unimplemented") }

// WriteHeaders writes Retry-After (when refused) and the RateLimit fields for d.
func WriteHeaders(h http.Header, d Decision) { panic("unimplemented") }
