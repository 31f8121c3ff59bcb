package ratelimit

import (
	"context"
	"errors"
	"time"
)

// Limiter decides whether the holder of key may proceed now.
//
// Take consumes one token from key's bucket when one is available and reports
// the outcome. A refusal is not an error: it is reported as a Decision with
// Allowed false and a nil error. The error is reserved for a limiter that could
// not decide at all (a remote store that is unreachable, a cancelled context);
// callers choose whether to fail open or closed on it. Implementations are safe
// for concurrent use, and Take is atomic per key: n concurrent calls on a full
// bucket of burst b with no time passing admit exactly min(n, b).
//
// Every implementation should pass the conformance suite in
// [github.com/hookguard/hookguard/ratelimit/ratelimittest].
type Limiter interface {
	Take(ctx context.Context, key string) (Decision, error)
}

// Decision is the outcome of one Take, exact at the instant it was made.
type Decision struct {
	// Allowed reports whether a token was taken and the request may proceed.
	Allowed bool
	// Limit is the bucket's capacity (its burst): the most requests a key
	// may make at once after being idle.
	Limit int
	// Remaining is the number of whole tokens left after this take: that
	// many further requests would be admitted right now. It is 0 when the
	// request was refused.
	Remaining int
	// RetryAfter is zero when Allowed; when refused it is exactly the time
	// until the next token is available (not rounded). WriteHeaders rounds it
	// up to whole seconds for Retry-After.
	RetryAfter time.Duration
	// ResetAfter is the time until the bucket is full again if no further
	// request is made; zero when it is full.
	ResetAfter time.Duration
	// Window is the time an empty bucket takes to refill completely
	// (Limit divided by the rate). WriteHeaders publishes it as the "w"
	// parameter of RateLimit-Policy; zero omits it (unlimited rate, or a
	// limiter that does not know it).
	Window time.Duration
	// Policy names the quota policy in the RateLimit and RateLimit-Policy
	// fields; empty means DefaultPolicy.
	Policy string
}

// DefaultPolicy is the policy name WriteHeaders uses when Decision.Policy is
// empty.
const DefaultPolicy = "default"

// ErrLimited is the sentinel for a refused request. Take never returns it
// (a refusal is Decision.Allowed == false with a nil error); Decision.Err
// does, for callers that prefer to carry the refusal as an error. Match it
// with errors.Is.
var ErrLimited = errors.New("ratelimit: limited")

// Err returns nil when d allowed the request and ErrLimited when it refused it.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return ErrLimited
}
