package signature

import (
	"net/http"
	"time"
)

// Message is a received request as an [Authenticator] sees it: framework
// agnostic, filled by the Guard (or any adapter) from whatever request
// type it has. Authenticators never modify it or keep it.
type Message struct {
	// Method is the request method ("POST"), needed by schemes that sign
	// it (HubSpot). Empty otherwise.
	Method string
	// URL is the absolute URL the sender signed ("https://example.com/
	// hooks/twilio?x=1"), needed only when [Info.NeedsURL]: configured, or
	// rebuilt by [RequestURL] from the request and trusted proxy headers,
	// never taken from a client the caller does not trust. Empty otherwise.
	URL string
	// Header holds the request headers.
	Header Headers
	// Body is the raw request body, read under the caller's size cap.
	Body []byte
}

// Result is what a successful verification proves.
type Result struct {
	// Scheme is the name of the scheme that verified the delivery.
	Scheme string
	// SecretID is the ID of the secret or public key that matched: watch
	// it during a rotation to see the old key fall out of use before
	// revoking it, and pass it on to handshakes that answer with the
	// matched secret (Zoom).
	SecretID string
	// ID is the event or delivery ID when the scheme carries one; it is
	// authenticated only when [Info.SignsID].
	ID string
	// Timestamp is the signed timestamp (UTC, at the precision the scheme
	// sends); zero when the scheme signs none. Its freshness is the replay
	// package's job.
	Timestamp time.Time
}

// Info describes a scheme to the code that wires it: which headers it
// reads, what it signs, and whether it needs the request's URL.
type Info struct {
	// Name is the scheme's name, reported in [Result.Scheme] (lower case,
	// words joined by '-': "standard-webhooks", "discord").
	Name string
	// SignatureHeader, TimestampHeader and IDHeader are canonical header
	// names; TimestampHeader is "" when the timestamp travels inside the
	// signature header or is not signed, IDHeader "" when the scheme
	// carries no ID.
	SignatureHeader, TimestampHeader, IDHeader string
	// SignsTimestamp reports that [Result.Timestamp] is authenticated, so
	// a replay window can rely on it.
	SignsTimestamp bool
	// SignsID reports that [Result.ID] is authenticated. When false the ID
	// (if any) is good for logs and for deduplicating honest retries, but
	// an attacker replaying a captured delivery can change it.
	SignsID bool
	// NeedsURL reports that the signed content covers the request URL (and
	// for some schemes the method): [Message.URL] and [Message.Method]
	// must then be filled.
	NeedsURL bool
}

// Authenticator is what the Guard holds for every kind of scheme: HMAC
// verifiers, URL-covering HMAC verifiers and public-key verifiers alike.
// Implementations are safe for concurrent use.
type Authenticator interface {
	// Info describes the scheme; it does not change over the
	// authenticator's life.
	Info() Info
	// Authenticate checks m against every key valid at now, newest first,
	// and reports what the signature proves. now decides key validity
	// only (NotBefore/NotAfter), never freshness. Errors wrap exactly one
	// of ErrMissingHeader, ErrMalformed and ErrMismatch.
	Authenticate(m *Message, now time.Time) (Result, error)
}

// Signer is the sending side's shape for every kind of scheme: hmac.Signer
// and pubkey.Signer both implement it. Sign writes the scheme's headers
// for a delivery with event ID id, signed timestamp ts and body into h,
// replacing earlier values. Schemes whose signature covers the URL need
// more than this; their signers say so with an error and offer a variant
// that takes the URL.
type Signer interface {
	Info() Info
	Sign(h http.Header, id string, ts time.Time, body []byte) error
}
