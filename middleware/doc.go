// Package middleware makes any net/http handler a safe webhook receiver, and
// gives frameworks that are not net/http the same checks through one core.
//
// A Guard composes the other hookguard packages (hmac, replay, ipallow,
// ratelimit) in the one order that is safe: cheap, stateless checks first,
// nothing stored before the signature verifies, and no delivery lost when the
// handler fails.
//
//	g, err := middleware.New(middleware.Config{
//		Scheme:  hmac.StandardWebhooks,
//		Keyring: keyring,
//	})
//	http.Handle("POST /webhooks", g.Handler(myHandler))
//
// The threat model: anyone on the Internet can reach the endpoint, read old
// deliveries (logs, proxies) and resend them, forge forwarding headers, send
// huge bodies or floods, and repeat headers to confuse parsers. Providers
// retry, deliver concurrently and out of order. The Guard answers each with
// a refusal that names a stable reason and nothing more; the handler sees
// only deliveries that are authentic, fresh, first and allowed.
//
// # Request path
//
// This is the one description of the request path; the README and
// SECURITY.md link here.
//
//  1. TLS (Config.RequireTLS): a TLS connection, or a trusted proxy's
//     report of https in the forwarding header family of
//     Config.ClientIPHeader (Forwarded's proto, parsed per RFC 7239 with
//     its quoted strings; X-Forwarded-Proto with X-Forwarded-For or
//     X-Real-IP). Plain HTTP straight to the server is 421, a proxy's
//     report of http 403.
//  2. Client IP: RemoteAddr, or the forwarding header walked right to left
//     across Config.TrustedProxies (ipallow.Resolver; IPv4-mapped addresses
//     unmapped), checked against Config.Allow (an *ipallow.List, or an
//     *ipallow.Holder to swap it while serving).
//  3. Rate limit (Config.Limiter) keyed by client IP (IPv6 by /64) or
//     Config.RateKey.
//  4. Body read once with a hard cap (Config.MaxBody) and restored for the
//     handler.
//  5. Signature checked against every currently valid secret of
//     Config.Keyring, in constant time. Headers the scheme reads must appear
//     once: a repeated signature, timestamp or ID line is refused.
//  6. Signed timestamp inside Config.Window around Config.Now (schemes that
//     sign no timestamp skip it).
//  7. Event ID (Config.EventID) claimed in Config.Replay for Config.Lease;
//     when the scheme does not sign its ID, the signed content is claimed
//     too (see DefaultEventID). Already processed: 200 without the handler;
//     in flight: 409; store down: 503 (or through, with Config.FailOpen).
//  8. The handler runs with the Event in its context (EventFrom). A 2xx
//     answer completes the event (remembered for Config.Keep); anything else,
//     or a panic, releases it so the sender's retry is processed. A panic
//     goes on to the server after the release.
//  9. Config.Observer hears the delivery once, with its final outcome and
//     durations; Config.Logger writes one record with the error's text.
//
// Every store and limiter is called through its interface; each reads its
// own clock. Nothing the Guard hands to user code (the handler's request,
// context, writer and body; the contexts given to stores, limiters, the
// Observer, the Logger and the deny handler) is reused for another
// delivery, so any of it may be kept.
//
// # Statuses
//
// Refusals carry a JSON body {"error":"<reason>"} with the Reason code and
// Content-Type application/json, never error detail (that goes to
// Config.Logger and Config.Observer):
//
//	reason              status  headers
//	tls_required        421     plain HTTP straight to the server (wrong URL scheme)
//	tls_required        403     a trusted proxy reports plain HTTP
//	not_allowed         403     client IP outside the allow list or unresolvable
//	rate_limited        429     Retry-After, RateLimit, RateLimit-Policy
//	too_large           413     Connection: close
//	missing_header      400     a header the scheme needs is absent or empty
//	malformed           400     bad syntax, repeated or oversized header, bad event ID
//	bad_signature       401     no valid secret matches
//	stale, future       401     signed timestamp outside the window
//	duplicate           200     {"status":"duplicate"}: already processed, handler not run
//	in_flight           409     Retry-After (the lease): another delivery is running
//	store_unavailable   503     Retry-After (Config.RetryAfter): replay store or limiter failed
//
// Config.FailOpen turns store_unavailable into a pass (no deduplication or
// no limit for that request, logged at Error). Guard.SetDenyHandler
// replaces every refusal's response; it reads DenialFrom.
//
// # Defaults
//
//	MaxBody      1 MiB          Standard Webhooks payloads are usually < 20 kB; GitHub's cap is 25 MB
//	Window       5 min / 5 min  the common provider default, symmetric
//	Lease        60 s           longer than provider timeouts (10–30 s); replay.DefaultLease
//	Keep         72 h           Stripe retries for up to 3 days; must cover the window; replay.DefaultKeep
//	RetryAfter   30 s           for 503 store_unavailable
//	Replay       in memory      replay.NewMemory(replay.DefaultCapacity: 100 000 IDs), private to the Guard
//	RateKey      client IP      IPv4 per address, IPv6 per /64
//	EventID      scheme's ID    signed ID; else the ID header plus the signed content (DefaultEventID)
//	Source       scheme name    namespace of replay keys
//	Logger       nil            silent
//
// # Framework core
//
// Frameworks that are not net/http (fiber, fasthttp, ...) read the body
// themselves (at most Guard.MaxBody()+1 bytes) and call Guard.Check with the
// peer address, TLS state, headers and body. The Verdict says whether to run
// the handler (Verdict.Proceed) or what to answer (Status, Header, Body);
// after the handler, Verdict.Done(status) completes or releases the event
// (Verdict.Panicked if it panicked).
// Guard.Handler runs on the same steps, so both paths behave identically.
//
//	v := g.Check(ctx, middleware.Request{RemoteAddr: addr, TLS: tls, Header: hdrs, Body: body})
//	if !v.Proceed() {
//		respond(v.Status, v.Header(), v.Body())
//		return
//	}
//	status := handle(v.Event, body)
//	_ = v.Done(status)
package middleware
