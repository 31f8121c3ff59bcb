// Package clock is the time source of hookguard's memory stores
// (replay.Memory, ratelimit.Memory): nanoseconds since the store was made,
// read from an injected clock or, by default, from the monotonic clock
// alone.
//
// It also tells the middleware, without public API, whether a store reads
// the real clock: a Guard that reads time.Now once per delivery may then
// hand that reading to the store (ClaimAt, TakeAt) instead of letting it
// read the clock again, with the same result. A store embeds a Source under
// an unexported name; Real finds it through the Source's unexported method,
// which the embedding promotes.
package clock

import "time"

// Source is a store's clock. Its zero value is not usable; use New.
type Source struct {
	now  func() time.Time // nil: the real clock
	base time.Time        // times are offsets from base
}

// New returns a Source reading now, or the real clock when now is nil,
// whose time zero is the moment of the call.
func New(now func() time.Time) Source {
	if now == nil {
		return Source{base: time.Now()}
	}
	return Source{now: now, base: now()}
}

// Now returns s's current time in nanoseconds since its creation. With
// the real clock it is time.Since(base), which reads only the monotonic
// clock: about half the cost of time.Now, which reads the wall clock as
// well. Under testing/synctest time.Since reads the bubble's fake clock.
func Now(s *Source) int64 {
	if s.now == nil {
		return int64(time.Since(s.base))
	}
	return int64(s.now().Sub(s.base))
}

// At returns t in nanoseconds since s's creation (saturating, as
// time.Time.Sub does). For a Source on the real clock, t should come from
// time.Now, whose monotonic reading Sub then uses.
func At(s *Source, t time.Time) int64 { return int64(t.Sub(s.base)) }

// real reports whether s reads the real clock.
func (s *Source) real() bool { return s.now == nil }

// Real reports whether v is a store that embeds a Source reading the real
// clock (a *replay.Memory or *ratelimit.Memory made without a Now).
func Real(v any) bool {
	r, ok := v.(interface{ real() bool })
	return ok && r.real()
}
