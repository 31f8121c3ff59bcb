package middleware

import (
	"context"
	"net/netip"
	"time"
)

// Event is what the Guard proved about a delivery. The handler reads it with
// EventFrom; framework adapters read Verdict.Event.
type Event struct {
	Scheme    string     // the scheme's name
	ID        string     // the event ID used for deduplication (Config.EventID)
	Timestamp time.Time  // the signed timestamp; zero when the scheme signs none
	SecretID  string     // the ID of the secret that matched (watch rotation progress)
	ClientIP  netip.Addr // the resolved client address; invalid when not resolved
}

// contextKey is the type of this package's context keys.
type contextKey struct{ name string }

// stateKey finds the per-request state in a context.
var stateKey = &contextKey{"hookguard-state"}

// EventFrom returns the verified event of the delivery being handled. ok is
// false unless the signature layer (or the Guard) verified the request whose
// context ctx is or derives from.
func EventFrom(ctx context.Context) (Event, bool) {
	switch v := ctx.Value(stateKey).(type) {
	case *eventContext:
		return v.ev, true
	case *denyContext:
		if v.verified {
			return v.ev, true
		}
	case *reqState:
		if v.verified {
			return v.v.Event, true
		}
	}
	return Event{}, false
}

// Denial describes a refusal; the deny handler reads it with DenialFrom.
type Denial struct {
	Reason     Reason
	Status     int
	RetryAfter time.Duration // 0 unless the status carries a Retry-After
}

// DenialFrom returns the refusal a deny handler is answering. ok is false
// outside a deny handler.
func DenialFrom(ctx context.Context) (Denial, bool) {
	if c, ok := ctx.Value(stateKey).(*denyContext); ok {
		return c.den, true
	}
	return Denial{}, false
}

// Observation is what an Observer receives once per decision.
type Observation struct {
	Reason Reason
	Status int
	// Event holds what is known at the decision: Scheme always, ClientIP once
	// resolved, ID/Timestamp/SecretID once the signature verified.
	Event Event
	// Err is the underlying error of a refusal (for counting and debugging;
	// never sent to the client). nil on acceptance.
	Err error
}
