package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// Defaults applied by New to zero Config fields, besides replay's
// DefaultLease, DefaultKeep and DefaultCapacity.
const (
	DefaultMaxBody    = 1 << 20          // 1 MiB
	DefaultRetryAfter = 30 * time.Second // Retry-After of a 503 store_unavailable
)

// AllowSource yields the client-IP allow list currently in force. A fixed
// *ipallow.List and a hot-swappable *ipallow.Holder both provide it.
type AllowSource interface{ Load() *ipallow.List }

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
	// Replay records event IDs. nil: replay.NewMemory(replay.DefaultCapacity),
	// private to this Guard (replicas need a shared store such as Redis).
	Replay replay.Store
	// Allow is the client-IP allow list: an *ipallow.List, or an
	// *ipallow.Holder to swap it while serving. nil (or a nil list): every
	// address.
	Allow AllowSource
	// Limiter rate-limits deliveries by RateKey. nil: no rate limit. The
	// RateLimit response fields go with 429 refusals only.
	Limiter ratelimit.Limiter
	// MaxBody caps the body in bytes. 0: DefaultMaxBody (1 MiB). Negative is
	// an error.
	MaxBody int64
	// Now is the clock for the timestamp window, secret validity and the
	// lease check of Verdict.Done, read once per delivery. nil: time.Now.
	// Stores and limiters read their own clocks.
	Now func() time.Time
	// Logger receives one record per delivery: refusals at Warn (store
	// failures at Error, duplicates and rate limiting at Info), accepted
	// deliveries at Debug once their handler returned. Records carry the
	// reason, the error's text, client IP, scheme and event ID; never a
	// secret, a signature, an expected MAC or a body. nil: silent.
	Logger *slog.Logger

	// TrustedProxies are the peers whose forwarding headers are believed:
	// ClientIPHeader for the client address and, with RequireTLS, the
	// protocol of the same family (Forwarded's proto, or
	// X-Forwarded-Proto with X-Forwarded-For and X-Real-IP). nil: none,
	// the client is RemoteAddr.
	TrustedProxies *ipallow.List
	// ClientIPHeader is the forwarding header walked right to left across
	// TrustedProxies: "X-Forwarded-For" (default), "Forwarded" (RFC 7239) or
	// "X-Real-IP"; see ipallow.Resolver.
	ClientIPHeader string
	// RequireTLS refuses deliveries that did not arrive over TLS, directly or
	// as reported by a trusted proxy (see TrustedProxies).
	RequireTLS bool

	// EventID extracts the event ID used for deduplication from a verified
	// delivery. nil: DefaultEventID(Scheme).
	EventID EventIDFunc
	// Source namespaces replay keys (replay.Key(Source, id)) so two providers
	// or apps sharing a store cannot collide. "": the scheme's name.
	Source string
	// Lease is how long a claimed event stays in flight before another
	// delivery of it may run. 0: replay.DefaultLease (60 s).
	Lease time.Duration
	// Keep is how long a processed event ID is remembered, from the
	// handler's success. 0: replay.DefaultKeep (72 h). It must cover
	// Window.Past+Window.Future, or a captured delivery could be replayed
	// inside the window after its ID was forgotten.
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
	// Observer is called synchronously exactly once per delivery with its
	// final Observation (see there). Keep it fast. nil: none.
	Observer func(ctx context.Context, o Observation)
	// FailOpen lets deliveries through when the replay store or the limiter
	// fails (no deduplication / no limit for that request) instead of answering
	// 503. Off by default: fail closed, the sender retries later.
	FailOpen bool
}

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
		c.Lease = replay.DefaultLease
	}
	if c.Keep == 0 {
		c.Keep = replay.DefaultKeep
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if span := c.Window.Span(); c.Keep < span {
		return fmt.Errorf("middleware: invalid Config: Keep %v is shorter than the window (%v): a replay inside the window would pass", c.Keep, span)
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
		c.Replay = replay.NewMemory(replay.DefaultCapacity)
	}
	return nil
}
