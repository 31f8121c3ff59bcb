package middleware

import (
	"errors"
	"net/http"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// Reason is the stable, machine-readable code of a Guard decision. It is the
// only detail a refused sender sees (in the response body), and the label an
// Observer counts. The set is fixed; new codes are only ever added.
type Reason string

// Reason codes. Each maps to one HTTP status (see Reason.Status).
const (
	ReasonAccepted         Reason = "accepted"          // 2xx from the handler: every check passed
	ReasonDuplicate        Reason = "duplicate"         // 200: already processed, handler not called
	ReasonInFlight         Reason = "in_flight"         // 409 + Retry-After: another delivery of the event is running
	ReasonBadSignature     Reason = "bad_signature"     // 401: no currently valid secret produced the signature
	ReasonStale            Reason = "stale"             // 401: signed timestamp older than Window.Past
	ReasonFuture           Reason = "future"            // 401: signed timestamp further ahead than Window.Future
	ReasonMalformed        Reason = "malformed"         // 400: unparsable signature/timestamp, duplicated or oversized header, unreadable body
	ReasonMissingHeader    Reason = "missing_header"    // 400: a header the scheme needs is absent or empty
	ReasonTooLarge         Reason = "too_large"         // 413: body over Config.MaxBody
	ReasonRateLimited      Reason = "rate_limited"      // 429 + Retry-After + RateLimit fields
	ReasonNotAllowed       Reason = "not_allowed"       // 403: client IP outside the allow list, or unresolvable
	ReasonTLSRequired      Reason = "tls_required"      // 403 (421 for a direct plaintext connection)
	ReasonStoreUnavailable Reason = "store_unavailable" // 503 + Retry-After: replay store or limiter failed (fail closed)
	ReasonHandshake        Reason = "handshake"         // the provider's subscription handshake, answered by the Guard (Config.Handshake)
)

// Status returns the HTTP status the Guard answers for r. ReasonAccepted has
// no fixed status (the handler's own); 200 is returned for it, as for
// ReasonHandshake, whose answer is the handshake's own.
// ReasonTLSRequired is 403 here; a request that reached the server itself
// over plain HTTP (no trusted proxy involved) is answered 421 Misdirected
// Request instead, see Verdict.Status.
func (r Reason) Status() int {
	switch r {
	case ReasonAccepted, ReasonDuplicate, ReasonHandshake:
		return http.StatusOK
	case ReasonInFlight:
		return http.StatusConflict
	case ReasonBadSignature, ReasonStale, ReasonFuture:
		return http.StatusUnauthorized
	case ReasonMalformed, ReasonMissingHeader:
		return http.StatusBadRequest
	case ReasonTooLarge:
		return http.StatusRequestEntityTooLarge
	case ReasonRateLimited:
		return http.StatusTooManyRequests
	case ReasonNotAllowed, ReasonTLSRequired:
		return http.StatusForbidden
	default: // ReasonStoreUnavailable, and a code this version does not know
		return http.StatusServiceUnavailable
	}
}

// ReasonFor classifies an error returned by the hmac, replay, ipallow or
// ratelimit packages (matched with errors.Is) into its Reason. nil is
// ReasonAccepted; an error it does not recognise is a store or limiter
// failure, ReasonStoreUnavailable. It is the single place the Guard maps
// errors to statuses.
func ReasonFor(err error) Reason {
	switch {
	case err == nil:
		return ReasonAccepted
	case errors.Is(err, hmac.ErrMissingHeader):
		return ReasonMissingHeader
	case errors.Is(err, hmac.ErrMalformed), errors.Is(err, errMalformed):
		return ReasonMalformed
	case errors.Is(err, hmac.ErrMismatch):
		return ReasonBadSignature
	case errors.Is(err, replay.ErrStale):
		return ReasonStale
	case errors.Is(err, replay.ErrFuture):
		return ReasonFuture
	case errors.Is(err, replay.ErrDuplicate):
		return ReasonDuplicate
	case errors.Is(err, replay.ErrInFlight):
		return ReasonInFlight
	case errors.Is(err, ratelimit.ErrLimited):
		return ReasonRateLimited
	case errors.Is(err, ipallow.ErrNotAllowed):
		return ReasonNotAllowed
	case errors.Is(err, errTooLarge):
		return ReasonTooLarge
	case errors.Is(err, errTLSRequired):
		return ReasonTLSRequired
	case errors.Is(err, errHandshake):
		return ReasonHandshake
	default:
		return ReasonStoreUnavailable
	}
}

var (
	errMalformed   = errors.New("middleware: malformed request")
	errTooLarge    = errors.New("middleware: body too large")
	errTLSRequired = errors.New("middleware: TLS required")
	errHandshake   = errors.New("middleware: handshake answered")
)

// bodies holds the precomputed terse response body of every reason.
var bodies = func() map[Reason][]byte {
	m := make(map[Reason][]byte)
	for _, r := range []Reason{
		ReasonInFlight, ReasonBadSignature, ReasonStale, ReasonFuture, ReasonMalformed,
		ReasonMissingHeader, ReasonTooLarge, ReasonRateLimited, ReasonNotAllowed,
		ReasonTLSRequired, ReasonStoreUnavailable,
	} {
		m[r] = []byte(`{"error":"` + string(r) + `"}` + "\n")
	}
	m[ReasonDuplicate] = []byte(`{"status":"duplicate"}` + "\n")
	m[ReasonAccepted] = []byte(`{"status":"accepted"}` + "\n")
	return m
}()

// body returns the terse JSON body for r.
func (r Reason) body() []byte {
	if b, ok := bodies[r]; ok {
		return b
	}
	return bodies[ReasonStoreUnavailable]
}
