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
	Tenant    string     // the tenant's name (Config.Tenant); "" for one tenant
	ID        string     // the event ID used for deduplication (Config.EventID)
	Key       string     // the replay key the event is claimed under: replay.Key(Config.Source, ID)
	Timestamp time.Time  // the signed timestamp; zero when the scheme signs none
	SecretID  string     // the ID of the secret that matched (watch rotation progress)
	ClientIP  netip.Addr // the resolved client address; invalid when not resolved
}

// contextKey is the type of this package's context keys.
type contextKey struct{ name string }

var (
	eventKey  = &contextKey{"hookguard-event"}
	denialKey = &contextKey{"hookguard-denial"}
)

// EventFrom returns the verified event of the delivery being handled: in the
// handler behind Guard.Handler, and in a deny handler when the refusal came
// after the signature verified (a duplicate in flight, a store failure).
func EventFrom(ctx context.Context) (Event, bool) {
	if ev, ok := ctx.Value(eventKey).(*Event); ok {
		return *ev, true
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
	if d, ok := ctx.Value(denialKey).(*Denial); ok {
		return *d, true
	}
	return Denial{}, false
}

// Outcome is what became of an accepted delivery after its handler ran.
type Outcome string

// Outcomes, as Observation.Outcome reports them.
const (
	OutcomeNone      Outcome = ""          // the handler did not run: a refusal or a duplicate
	OutcomeCompleted Outcome = "completed" // the handler answered 2xx; the event is completed
	OutcomeReleased  Outcome = "released"  // the handler answered non-2xx; the claim is released so the retry runs
	OutcomePanicked  Outcome = "panicked"  // the handler panicked; the claim is released
)

// Observation is what Config.Observer receives, exactly once per delivery:
// for a refusal or a duplicate when the Guard decides, for an accepted
// delivery once its handler returned or panicked (on the Check path, at
// Verdict.Done or Verdict.Panicked).
type Observation struct {
	// Reason is the Guard's decision.
	Reason Reason
	// Status is the status the sender got: the refusal's, or the handler's.
	Status int
	// Outcome is what became of an accepted delivery; OutcomeNone otherwise.
	Outcome Outcome
	// Event holds what is known: Scheme always, ClientIP once resolved,
	// ID, Key, Timestamp and SecretID once the signature verified.
	Event Event
	// Err is a refusal's underlying error, or a replay store's failure to
	// complete or release after the handler. Its text names the problem; it
	// never holds a secret, a signature or an expected MAC.
	Err error
	// Start is when the Guard began with the delivery (time.Now, not
	// Config.Now: durations are measured on the real monotonic clock).
	Start time.Time
	// Verify is the time spent verifying the signature; 0 if not reached.
	Verify time.Duration
	// Claim is the time the replay store took to claim the event; 0 if
	// not reached.
	Claim time.Duration
	// Handler is the handler's run time; 0 if it did not run.
	Handler time.Duration
	// Total runs from Start to the outcome: the refusal written, or the
	// handler returned and the event completed or released.
	Total time.Duration
}
