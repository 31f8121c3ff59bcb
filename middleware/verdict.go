package middleware

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/hookguard/hookguard/handshake"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/signature"
)

// Verdict is the Guard's decision on one delivery, for framework adapters.
//
// If Proceed reports true, run the handler, then call Done with its status
// (a 2xx completes the event, anything else releases it so a retry is
// processed), or Panicked if it panicked. Otherwise answer Status with
// Header and Body and do not run the handler.
type Verdict struct {
	// Status is the HTTP status to answer when Proceed is false; 200 when it
	// is true (the handler decides).
	Status int
	// Reason is the stable reason code.
	Reason Reason
	// Event is what is known about the delivery (see Observation.Event).
	Event Event
	// RetryAfter is the delay to advertise in Retry-After (429, 409, 503); 0
	// for none.
	RetryAfter time.Duration
	// Err is the underlying error of a refusal: for logs, never for the client.
	Err error

	g   *Guard
	ctx context.Context // the request's; the handler's once it runs
	det detached        // ctx without its cancellation, for settle

	// The delivery as the checks see it.
	// msg holds the method, headers and body (and, for schemes that sign
	// it, the URL) for the authenticator, RateKey and handshakes.
	remoteAddr, host, requestURI string
	pathValue                    func(string) string
	tls                          bool
	lines                        ipallow.HeaderValues // for the resolver
	now                          time.Time            // Config.Now, read once

	msg       signature.Message       // see above
	auth      signature.Authenticator // the delivery's: Config's or its tenant's
	ns        string                  // replay namespace: Config.Source, or it and the tenant
	handshake *handshake.Response     // the answer when Reason is ReasonHandshake
	decision  *ratelimit.Decision     // a rate-limit refusal, described in headers

	signsID, needsURL bool // auth.Info()'s
	plainDirect       bool // TLS refused on a direct plaintext connection: 421
	verified          bool

	keys     [2]string // claimed replay keys: the event's, and its content's (see EventIDFunc)
	claimed  int       // how many of keys are claimed
	finished bool

	start                  time.Time
	verify, claim, handler time.Duration
	storeErr               error // Complete or Release failed after the handler
	outcome                Outcome
}

// Proceed reports whether the handler should run.
func (v *Verdict) Proceed() bool { return v.Reason == ReasonAccepted }

// Body returns the response body when Proceed is false: a terse JSON object
// {"error":"<reason>"}, {"status":"duplicate"} for an already-processed
// duplicate, or a handshake's answer. It never contains error detail.
func (v *Verdict) Body() []byte {
	if v.Reason == ReasonHandshake {
		return v.handshake.Body
	}
	return v.Reason.body()
}

// Header returns the headers to set when Proceed is false: Content-Type,
// and Retry-After plus the RateLimit fields where the status carries them;
// a handshake's own headers.
func (v *Verdict) Header() http.Header {
	h := make(http.Header, 4)
	v.setHeaders(h)
	return h
}

func (v *Verdict) setHeaders(h http.Header) {
	switch v.Reason {
	case ReasonAccepted:
		return
	case ReasonHandshake:
		for k, vs := range v.handshake.Header {
			h[k] = vs
		}
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	switch {
	case v.decision != nil && v.Reason == ReasonRateLimited:
		ratelimit.WriteHeaders(h, *v.decision)
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", retryAfter(v.RetryAfter))
		}
	case v.RetryAfter > 0:
		h.Set("Retry-After", retryAfter(v.RetryAfter))
	}
	if v.Reason == ReasonTooLarge {
		h.Set("Connection", "close") // do not drain an oversized body
	}
}

// retryAfter formats d as whole seconds, rounded up, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(max(int64((d+time.Second-1)/time.Second), 1), 10)
}

// Done reports the handler's status for an accepted delivery: a 2xx
// completes the event (remembered for Config.Keep), anything else releases
// it so the sender's retry is processed (unless Config.Lease has run out
// since the claim: the key is free already, or a retry holds it now). Then
// the Observer and Logger hear the outcome. Call it exactly once after the
// handler; it is not safe to call concurrently. Done on a refused verdict
// or a second Done does nothing. The store is called with a context that
// keeps the request's values but is not cancelled with it, bounded by
// Config.StoreTimeout; its error is returned (and observed and logged).
func (v *Verdict) Done(status int) error {
	if status >= 200 && status < 300 {
		return v.finish(status, OutcomeCompleted)
	}
	return v.finish(status, OutcomeReleased)
}

// Panicked is Done for a handler that panicked: the claim is released, the
// outcome is OutcomePanicked with status 500. Call it from the recover of
// the adapter, then let the panic go on.
func (v *Verdict) Panicked() error {
	return v.finish(http.StatusInternalServerError, OutcomePanicked)
}

func (v *Verdict) finish(status int, o Outcome) error {
	if v == nil || v.Reason != ReasonAccepted || v.finished {
		return nil
	}
	v.finished = true
	v.Status, v.outcome = status, o
	g := v.g
	if v.claimed > 0 {
		v.storeErr = g.settle(v, o == OutcomeCompleted)
	}
	g.observe(v)
	return v.storeErr
}
