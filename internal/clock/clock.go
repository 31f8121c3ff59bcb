// Package clock is the time source of hookguard's memory stores
// (replay.Memory, ratelimit.Memory): nanoseconds since the store was made,
// read from the store's Now option or, by default, the monotonic clock.
package clock

import "time"

// Clock is a store's clock. Its zero value is not usable; use New.
type Clock struct {
	now  func() time.Time // nil: the real clock
	base time.Time        // times are offsets from base
}

// New returns a Clock reading now, or the real clock when now is nil, whose
// time zero is the moment of the call.
func New(now func() time.Time) Clock {
	if now == nil {
		return Clock{base: time.Now()}
	}
	return Clock{now: now, base: now()}
}

// Now returns the current time in nanoseconds since c was made. With the
// real clock it is time.Since(base), which reads only the monotonic clock
// (and, under testing/synctest, the bubble's fake clock).
func (c *Clock) Now() int64 {
	if c.now == nil {
		return int64(time.Since(c.base))
	}
	return int64(c.now().Sub(c.base))
}

// At returns t in nanoseconds since c was made (saturating, as
// time.Time.Sub does). On the real clock t should come from time.Now,
// whose monotonic reading Sub then uses.
func (c *Clock) At(t time.Time) int64 { return int64(t.Sub(c.base)) }
