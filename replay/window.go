package replay

import (
	"time"
)

// DefaultWindow is the tolerance on each side of now used for a zero
// Window field: the common provider default.
const DefaultWindow = 5 * time.Minute

// Window bounds how old (Past) or how far ahead (Future) a signed
// timestamp may be relative to the receiver's clock. The two sides are
// checked separately, unlike stripe-go's one-sided check, which accepts any
// timestamp from the future and so lets a captured request with a forged
// clock skew live forever.
//
// A zero field means DefaultWindow (5 minutes); a negative field means no
// tolerance at all on that side. The zero Window is valid and symmetric.
//
// The window only rejects old captures; it is not the dedup horizon. An
// event ID must be kept (see Store.Complete) at least as long as the window
// is wide, or a replay inside the window would be processed again.
type Window struct {
	Past   time.Duration // how old a timestamp may be; 0: 5 min, < 0: none
	Future time.Duration // how far ahead a timestamp may be; 0: 5 min, < 0: none
}

// Check reports whether ts lies inside the window around now (bounds
// included). Outside it, Check returns a *SkewError wrapping ErrStale or
// ErrFuture that says by how much; match with errors.Is.
func (w Window) Check(ts, now time.Time) error {
	d := now.Sub(ts) // > 0: ts is in the past
	if d >= 0 {
		if limit := side(w.Past); d > limit {
			return &SkewError{Err: ErrStale, Skew: d, Limit: limit}
		}
		return nil
	}
	// ts.Sub(now), not -d: d saturates at the most negative Duration for a
	// timestamp over 292 years ahead, and negating that overflows.
	if ahead, limit := ts.Sub(now), side(w.Future); ahead > limit {
		return &SkewError{Err: ErrFuture, Skew: ahead, Limit: limit}
	}
	return nil
}

// Span is the window's whole width, Past plus Future with their defaults
// applied: the least time a replay store must remember an event ID so that
// no captured delivery replayed inside the window passes.
func (w Window) Span() time.Duration { return side(w.Past) + side(w.Future) }

// side resolves one side of a Window to its effective tolerance.
func side(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultWindow
	case d < 0:
		return 0
	}
	return d
}

// SkewError is the error Window.Check returns for a timestamp outside the
// window. It says how far the timestamp was from now and which limit it
// broke; it unwraps to ErrStale or ErrFuture. Its text is for logs, never
// for the response body.
type SkewError struct {
	Err   error         // ErrStale or ErrFuture
	Skew  time.Duration // distance between the timestamp and now, always > 0
	Limit time.Duration // the tolerance on that side of the window
}

// Beyond returns by how much the timestamp missed the window: Skew - Limit.
func (e *SkewError) Beyond() time.Duration { return e.Skew - e.Limit }

// Error says which side was missed and by how much, for example
// "replay: timestamp too old by 2m0s (7m0s old, window allows 5m0s)".
func (e *SkewError) Error() string {
	what := " old, "
	if e.Err == ErrFuture {
		what = " ahead, "
	}
	return e.Err.Error() + " by " + e.Beyond().String() +
		" (" + e.Skew.String() + what + "window allows " + e.Limit.String() + ")"
}

// Unwrap returns ErrStale or ErrFuture.
func (e *SkewError) Unwrap() error { return e.Err }
