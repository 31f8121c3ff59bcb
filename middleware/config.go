package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxBody        = 1 << 20          // 1 MiB
	DefaultLease          = 60 * time.Second // longer than provider timeouts (10–30 s)
	DefaultKeep           = 72 * time.Hour   // Stripe retries for up to 3 days
	DefaultRetryAfter     = 30 * time.Second // Retry-After of a 503 store_unavailable
	DefaultReplayCapacity = 100_000          // IDs in the default in-memory replay store
)

// Config configures a Guard. The zero value of every field except Scheme and
// Keyring is a documented default; New validates the whole once and never per
// request.
type Config struct {
	// Scheme is the provider's wire format (hmac.StandardWebhooks, hmac.Stripe,
	// ... or hmac.NewScheme). Required.
	Scheme hmac.Scheme
	// Keyring holds the currently valid secrets. Required. Rotate and Revoke on
	// it take effect on the next request.
	Keyring *hmac.Keyring
	// Window bounds the signed timestamp around Now. Zero fields: 5 minutes;
	// a negative field: no tolerance on that side (replay.Window).
	// A scheme that signs no timestamp (GitHub, Shopify) skips the window; its
	// replays are stopped by the replay store alone, for Keep.
	Window replay.Window
	// Replay records event IDs. nil: replay.NewMemory(DefaultReplayCapacity),
	// private to this Guard (use a shared store such as Redis with replicas).
	Replay replay.Store
	// Allow is the initial client-IP allow list. nil: every address. Swap it
	// while serving with SetAllowList.
	Allow *ipallow.List
	// Limiter rate-limits deliveries by RateKey. nil: no rate limit. The
	// RateLimit response fields go with 429 refusals only, keeping the
	// accepted path free of header writes.
	Limiter ratelimit.Limiter
	// MaxBody caps the body in bytes. 0: DefaultMaxBody (1 MiB). Negative is
	// an error.
	MaxBody int64
	// Now is the clock for the timestamp window and secret validity, read
	// once per delivery. nil: time.Now; that one reading then also serves
	// a Replay or Limiter that is the packages' memory store made without
	// a clock of its own (replay.Memory.ClaimAt and CompleteAt,
	// ratelimit.Memory.TakeAt), which would otherwise read the same clock
	// again.
	Now func() time.Time
	// Logger receives one record per decision: refusals at Warn (store
	// failures at Error, duplicates and rate limiting at Info), acceptances at
	// Debug. Records carry reason, client IP, scheme and event ID, never a
	// secret, a signature or a body. nil: silent.
	Logger *slog.Logger

	// TrustedProxies are the peers whose forwarding headers (ClientIPHeader,
	// X-Forwarded-Proto) are believed. nil: none, the client is RemoteAddr.
	TrustedProxies *ipallow.List
	// ClientIPHeader is the forwarding header walked right to left across
	// TrustedProxies: "X-Forwarded-For" (default), "Forwarded" (RFC 7239) or
	// "X-Real-IP"; see ipallow.Resolver.
	ClientIPHeader string
	// RequireTLS refuses deliveries that did not arrive over TLS, directly or
	// as reported by a trusted proxy in X-Forwarded-Proto: https.
	RequireTLS bool

	// EventID extracts the event ID used for deduplication from a verified
	// delivery. nil: DefaultEventID(Scheme): the scheme's ID when the
	// signature covers it, otherwise a hash of the scheme name and the body.
	EventID EventIDFunc
	// Source namespaces replay keys (replay.Key(Source, id)) so two providers
	// or apps sharing a store cannot collide. "": the scheme's name.
	Source string
	// Lease is how long a claimed event stays in flight before another
	// delivery of it may run. 0: DefaultLease (60 s).
	Lease time.Duration
	// Keep is how long a processed event ID is remembered. 0: DefaultKeep
	// (72 h). It must cover Window.Past+Window.Future, or a captured delivery
	// could be replayed inside the window after its ID was forgotten. It
	// counts from the handler's success, or from the delivery's clock
	// reading when the Guard hands its clock to the memory store (see Now):
	// either outlasts the window that reading was checked against.
	Keep time.Duration
	// StoreTimeout bounds Complete and Release, which run after the handler
	// on a context that keeps the request's values but not its cancellation
	// (the client may have hung up). 0: no deadline of the Guard's own; the
	// store client's timeouts apply (go-redis: ReadTimeout, 3 s by default).
	// Claim and the limiter run on the request's context.
	StoreTimeout time.Duration
	// RetryAfter is the Retry-After of a 503 store_unavailable. 0:
	// DefaultRetryAfter (30 s).
	RetryAfter time.Duration
	// RateKey returns the rate-limit key of a delivery. nil: the client IP,
	// IPv4 by address and IPv6 by /64 (ratelimit.IPKey(ip, 0, 64)).
	RateKey func(clientIP netip.Addr, h hmac.Headers) string
	// Observer is called synchronously once per decision with its fixed reason
	// code, and on acceptance the SecretID that matched. Keep it fast. nil: none.
	Observer func(ctx context.Context, o Observation)
	// FailOpen lets deliveries through when the replay store or the limiter
	// fails (no deduplication / no limit for that request) instead of answering
	// 503. Off by default: fail closed, the sender retries later.
	FailOpen bool
	// Deny replaces the default refusal response (a terse JSON body); it runs
	// with DenialFrom(r.Context()) set and Retry-After/RateLimit headers
	// already in w.Header(). nil: the default. See also SetDenyHandler.
	Deny http.Handler
}

// EventIDFunc extracts the event ID of a delivery whose signature verified.
// It must derive the ID from signed content only, or an attacker could replay
// a captured delivery under a new ID. An error or an empty ID refuses the
// delivery as malformed (400).
type EventIDFunc func(res hmac.Result, h hmac.Headers, body []byte) (string, error)

// validate checks c and fills in defaults.
func (c *Config) validate() error {
	var errs []error
	if c.Scheme.Name() == "" {
		errs = append(errs, errors.New("a Scheme is required"))
	}
	if c.Keyring == nil {
		errs = append(errs, errors.New("a Keyring is required"))
	}
	if c.MaxBody < 0 {
		errs = append(errs, fmt.Errorf("negative MaxBody %d", c.MaxBody))
	}
	if c.Lease < 0 {
		errs = append(errs, fmt.Errorf("negative Lease %v", c.Lease))
	}
	if c.Keep < 0 {
		errs = append(errs, fmt.Errorf("negative Keep %v", c.Keep))
	}
	if c.StoreTimeout < 0 {
		errs = append(errs, fmt.Errorf("negative StoreTimeout %v", c.StoreTimeout))
	}
	if c.RetryAfter < 0 {
		errs = append(errs, fmt.Errorf("negative RetryAfter %v", c.RetryAfter))
	}
	if err := (ipallow.Resolver{Trusted: c.TrustedProxies, Header: c.ClientIPHeader}).Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("middleware: invalid Config: %w", errors.Join(errs...))
	}

	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.Lease == 0 {
		c.Lease = DefaultLease
	}
	if c.Keep == 0 {
		c.Keep = DefaultKeep
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if past, future := windowSide(c.Window.Past), windowSide(c.Window.Future); c.Keep < past+future {
		return fmt.Errorf("middleware: invalid Config: Keep %v is shorter than the window (%v past + %v future): a replay inside the window would pass", c.Keep, past, future)
	}
	if c.Lease > c.Keep {
		return fmt.Errorf("middleware: invalid Config: Lease %v is longer than Keep %v", c.Lease, c.Keep)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Source == "" {
		c.Source = c.Scheme.Name()
	}
	if c.EventID == nil {
		c.EventID = DefaultEventID(c.Scheme)
	}
	if c.Replay == nil {
		c.Replay = replay.NewMemory(DefaultReplayCapacity)
	}
	return nil
}

// windowSide is the effective tolerance of one side of a replay.Window.
func windowSide(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return replay.DefaultWindow
	case d < 0:
		return 0
	}
	return d
}
