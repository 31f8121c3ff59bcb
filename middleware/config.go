package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/hookguard/hookguard/handshake"
	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
	"github.com/hookguard/hookguard/signature"
)

// Defaults applied by New to zero Config fields, besides replay's
// DefaultLease, DefaultKeep and DefaultCapacity.
const (
	DefaultMaxBody    = 1 << 20          // 1 MiB
	DefaultRetryAfter = 30 * time.Second // Retry-After of a 503 store_unavailable
)

// Config configures a Guard. The zero value of every field except Scheme and
// Keyring is a documented default; New validates the whole once and never per
// request.
type Config struct {
	// Scheme is the provider's HMAC or token wire format
	// (hmac.StandardWebhooks, hmac.Stripe, hmac.Twilio, ... or
	// hmac.NewScheme). Required unless Authenticator or Tenant is set.
	Scheme hmac.Scheme
	// Keyring holds the currently valid secrets of Scheme. Required with
	// Scheme. Rotate and Revoke on it take effect on the next request.
	Keyring *hmac.Keyring
	// Authenticator verifies deliveries of any kind of scheme instead of
	// Scheme and Keyring: public keys (pubkey.NewVerifier: Standard
	// Webhooks v1a, Discord, SendGrid) or an implementation of your own.
	// Set either Scheme and Keyring or Authenticator, not both.
	Authenticator signature.Authenticator
	// PublicURL is the base URL the sender was given ("https://hooks.example.com"),
	// for schemes whose signature covers the URL (Twilio, Square, HubSpot):
	// the URL checked is PublicURL followed by the request target. "": the
	// URL is rebuilt from the request: https when the connection was TLS or
	// a trusted proxy reports it (see TrustedProxies), the Host header or a
	// trusted proxy's X-Forwarded-Host. Behind a proxy that rewrites paths,
	// set it.
	PublicURL string
	// Handshake answers the provider's subscription handshake (package
	// handshake: Slack, Zoom, Twitch after the signature; Meta, Dropbox
	// GET challenges before it). The answer is written by the Guard; the
	// handler never sees a handshake. A failed handshake is refused like a
	// forged delivery. nil: none.
	Handshake handshake.Responder
	// Tenant picks, for a receiver that serves many tenants, the tenant of
	// a delivery from its request line and headers (its body is not read
	// yet), typically from a path value (Request.PathValue). The tenant's
	// Authenticator verifies the delivery, and its name namespaces the
	// replay keys, so one tenant can never pre-claim another's event ID.
	// An error refuses the delivery like a forged one (401). nil: one
	// tenant, Scheme/Keyring or Authenticator.
	Tenant func(ctx context.Context, req *Request) (Tenant, error)
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
	Allow ipallow.Source
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

// Tenant is one tenant of a many-tenant receiver (Config.Tenant).
type Tenant struct {
	// Name identifies the tenant; it namespaces replay keys and is
	// reported in Event.Tenant. Required.
	Name string
	// Authenticator verifies the tenant's deliveries (an *hmac.Verifier
	// over the tenant's keyring, a pubkey verifier, ...). Required.
	Authenticator signature.Authenticator
}

// validate checks c and fills in defaults.
func (c *Config) validate() error {
	var errs []error
	hmacSet := c.Scheme.Name() != "" || c.Keyring != nil
	switch {
	case hmacSet && (c.Authenticator != nil || c.Tenant != nil):
		errs = append(errs, errors.New("set Scheme and Keyring, Authenticator or Tenant, not several"))
	case c.Authenticator != nil && c.Tenant != nil:
		errs = append(errs, errors.New("set Authenticator or Tenant, not both"))
	case c.Authenticator != nil || c.Tenant != nil:
	case c.Scheme.Name() == "" && c.Keyring == nil:
		errs = append(errs, errors.New("a Scheme and a Keyring (or an Authenticator, or a Tenant func) are required"))
	case c.Scheme.Name() == "":
		errs = append(errs, errors.New("a Scheme is required"))
	case c.Keyring == nil:
		errs = append(errs, errors.New("a Keyring is required"))
	}
	if c.Allow != nil {
		if p, whole := c.Allow.Load().WholeFamily(); whole {
			errs = append(errs, fmt.Errorf("the allow list covers every address of a family (%v): it would allow everyone; leave Config.Allow nil for that", p))
		}
	}
	if c.PublicURL != "" {
		if err := signature.CheckBaseURL(c.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("PublicURL: %w", err))
		}
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
		c.Source = c.name()
	}
	if c.Replay == nil {
		c.Replay = replay.NewMemory(replay.DefaultCapacity)
	}
	return nil
}

// name is the configured scheme's name ("tenants" for a Tenant func).
func (c *Config) name() string {
	switch {
	case c.Authenticator != nil:
		return c.Authenticator.Info().Name
	case c.Tenant != nil:
		return "tenants"
	}
	return c.Scheme.Name()
}
