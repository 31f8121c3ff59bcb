package replay

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Defaults used when a caller passes a zero (or negative) duration or capacity.
const (
	// DefaultLease is how long a Claim holds a key in flight when the
	// caller passes lease <= 0: longer than the 10–30 s providers wait
	// for an answer, so a slow handler still owns its delivery.
	DefaultLease = 60 * time.Second

	// DefaultKeep is how long Complete remembers a key as done when the
	// caller passes keep <= 0: Stripe retries for up to three days.
	DefaultKeep = 72 * time.Hour

	// DefaultCapacity is the number of keys a memory store holds when
	// NewMemory is given a capacity <= 0.
	DefaultCapacity = 100_000
)

// State is what Claim found for a key.
type State int

// The states a key can be in, as reported by Claim.
const (
	// Fresh: the key was unknown (or its previous record had expired) and
	// is now claimed by the caller, in flight for the lease. The caller
	// must run the handler and then Complete or Release the key.
	Fresh State = iota
	// InFlight: another caller holds a live claim on the key; its handler
	// may still succeed or fail. Answer 409 with Retry-After.
	InFlight
	// Done: the key was completed within its keep period; the event was
	// processed. Answer 2xx without running the handler again.
	Done
)

// String returns "fresh", "in flight" or "done".
func (s State) String() string {
	switch s {
	case Fresh:
		return "fresh"
	case InFlight:
		return "in flight"
	case Done:
		return "done"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Err maps a State to the error a caller who prefers errors would return:
// nil for Fresh, ErrInFlight for InFlight and ErrDuplicate for Done (and for
// any unknown value, so a caller never runs a handler by mistake).
func (s State) Err() error {
	switch s {
	case Fresh:
		return nil
	case InFlight:
		return ErrInFlight
	}
	return ErrDuplicate
}

// Errors reported by this package; match them with errors.Is.
var (
	// ErrStale: a signed timestamp is older than Window.Past allows.
	// Window.Check wraps it in a *SkewError that says by how much.
	ErrStale = errors.New("replay: timestamp too old")
	// ErrFuture: a signed timestamp is further ahead than Window.Future
	// allows. Window.Check wraps it in a *SkewError that says by how much.
	ErrFuture = errors.New("replay: timestamp too far in the future")
	// ErrDuplicate is State.Err of Done: the event was already processed.
	// It is not an outage: answer 2xx.
	ErrDuplicate = errors.New("replay: duplicate event")
	// ErrInFlight is State.Err of InFlight: another delivery of the event
	// is being processed right now. Answer 409 with Retry-After.
	ErrInFlight = errors.New("replay: event in flight")
)

// Store records event IDs so each event is processed once and no delivery
// is lost. Implementations must be safe for concurrent use, and each method
// must be atomic with respect to the others for the same key; the memory
// store here and the Redis store in module redisstore both pass the
// conformance suite in package replaytest, which defines the contract
// precisely. A Store must bound what it keeps (expiry, capacity or both).
//
// Any error means the store could not answer: callers fail closed (503 and
// Retry-After), never run the handler on an error. Every method honours its
// context: a context already done fails the call, which then changes
// nothing. Complete and Release run after the handler, when the request's
// context may be cancelled (the client hung up): pass them a context that
// outlives the request, such as context.WithoutCancel(r.Context()) with a
// timeout, or a failed Release leaves the key in flight until its lease ends.
type Store interface {
	// Claim atomically moves an unknown or expired key to in flight for
	// lease and answers Fresh; a key with a live claim answers InFlight, a
	// completed key within its keep answers Done. Claim never changes a
	// key it does not answer Fresh for (in particular it does not extend
	// a lease). lease <= 0 means DefaultLease. When err != nil the State
	// must be ignored.
	Claim(ctx context.Context, key string, lease time.Duration) (State, error)

	// Complete records key as done for keep (<= 0: DefaultKeep), whatever
	// its current state: a claim whose lease already expired, or a key
	// never claimed, is recorded as done too, since the work is done and a
	// later duplicate must not run again. Completing a done key restarts
	// its keep.
	Complete(ctx context.Context, key string, keep time.Duration) error

	// Release forgets an in-flight claim so the sender's retry is
	// processed. Releasing an unknown or expired key is a no-op that
	// returns nil; releasing a done key is a no-op too (a late failure
	// never undoes a recorded success).
	Release(ctx context.Context, key string) error
}
