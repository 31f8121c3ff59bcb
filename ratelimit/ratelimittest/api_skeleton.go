// Package ratelimittest: SKELETON, the ratelimit owner replaces this file.
package ratelimittest

import (
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

// NewLimiter returns a fresh limiter allowing r events per second with the
// given burst for one subtest, and a function that moves that limiter's notion
// of time forward by d. No test sleeps.
type NewLimiter func(t *testing.T, r rate.Limit, burst int) (l ratelimit.Limiter, advance func(d time.Duration))

// Run runs the conformance suite against limiters made by newLimiter.
func Run(t *testing.T, newLimiter NewLimiter) { panic("unimplemented") }
