package ratelimit

import (
	"fmt"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// policy is the arithmetic of one token bucket, shared by every key of a
// Memory. A bucket is stored as a single int64: its "full time" tat (the
// instant, in nanoseconds on the Memory's clock since it was made, at which
// it will hold burst tokens again). At time now it holds burst - max(0, tat-now)/interval
// tokens. This is the token bucket of golang.org/x/time/rate expressed the
// GCRA way: exact integer nanoseconds, no float drift, 8 bytes per key, and
// "the bucket is full" is simply tat <= now.
type policy struct {
	interval int64 // nanoseconds per token; 0 for rate.Inf
	capacity int64 // burst * interval: the deficit a full drain leaves
	burst    int
	window   time.Duration
	name     string
}

// maxCapacity bounds interval*burst so that no arithmetic overflows int64
// (leaves head room for now + capacity around the epoch).
const maxCapacity = int64(1) << 61

func newPolicy(r rate.Limit, burst int, name string) (policy, error) {
	if burst < 1 {
		return policy{}, fmt.Errorf("ratelimit: burst %d < 1", burst)
	}
	if r == rate.Inf {
		return policy{burst: burst, name: name}, nil
	}
	if !(r > 0) || math.IsInf(float64(r), 0) || math.IsNaN(float64(r)) {
		return policy{}, fmt.Errorf("ratelimit: rate %v must be > 0 (or rate.Inf)", float64(r))
	}
	iv := math.Round(1e9 / float64(r))
	if iv < 1 {
		return policy{}, fmt.Errorf("ratelimit: rate %v above 1e9 per second; use rate.Inf", float64(r))
	}
	if iv*float64(burst) > float64(maxCapacity) {
		return policy{}, fmt.Errorf("ratelimit: rate %v with burst %d: refill time too long", float64(r), burst)
	}
	interval := int64(iv)
	return policy{
		interval: interval,
		capacity: interval * int64(burst),
		burst:    burst,
		window:   time.Duration(interval * int64(burst)),
		name:     name,
	}, nil
}

// take applies one request at now to the bucket whose full time is *tat and
// returns the decision. It never allocates.
func (p *policy) take(tat *int64, now int64) Decision {
	d := Decision{Limit: p.burst, Window: p.window, Policy: p.name}
	if p.interval == 0 { // rate.Inf: always allowed, always full
		d.Allowed = true
		d.Remaining = p.burst
		return d
	}
	base := *tat
	if base < now {
		base = now // full: the surplus is not stored
	}
	next := base + p.interval
	if debt := next - now; debt <= p.capacity {
		*tat = next
		d.Allowed = true
		d.Remaining = int((p.capacity - debt) / p.interval)
		d.ResetAfter = time.Duration(debt)
		return d
	}
	// Refused: nothing is consumed, fewer than one token is left, and the
	// next one arrives when the debt has shrunk to capacity.
	d.RetryAfter = time.Duration(next - now - p.capacity)
	d.ResetAfter = time.Duration(base - now)
	return d
}
