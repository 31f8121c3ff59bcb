// Package hmac verifies and signs webhook deliveries: it proves that a
// request was sent by someone who holds a shared secret and that its body,
// and the timestamp and event ID where the format signs them, were not
// changed on the way.
//
// A [Scheme] describes a provider's wire format. Presets cover
// [StandardWebhooks], [Svix], [Stripe], [GitHub], [Slack], [Shopify],
// [Paddle] and [GitLab], and 24 more (Twilio, Square, HubSpot, Zoom,
// Twitch, Meta, ...: see [Presets] and docs/providers.md); [NewScheme]
// describes any other HMAC format
// declaratively (header, prefix, hex or base64, SHA-256/SHA-1/SHA-512,
// timestamp and ID headers, and a template such as "{timestamp}.{body}")
// and [NewTokenScheme] a shared-token header. A [Keyring] holds the secrets
// valid at once; a [Verifier] checks deliveries against it and a [Signer]
// produces them. A Verifier is a [signature.Authenticator], the one
// interface the Guard holds for hmac and pubkey schemes alike; schemes
// that sign the request URL (Twilio, Square, HubSpot, templates with {url}
// or {method}) are verified through [Verifier.Authenticate] with the URL
// the sender signed.
//
//	key, _ := hmac.StandardWebhooks.ParseKey("whsec_...")
//	ring, _ := hmac.NewKeyring(hmac.Secret{ID: "2026-03", Key: key})
//	v := hmac.NewVerifier(hmac.StandardWebhooks, ring)
//	res, err := v.Verify(r.Header, body) // errors.Is(err, hmac.ErrMismatch) ...
//
// # Threat model
//
// The attacker can send arbitrary requests to the endpoint, replay
// captured deliveries, add, repeat or reorder headers, and measure response
// times; the attacker does not hold a valid secret. Against that, the
// package guarantees:
//
//   - A delivery verifies only if a currently valid secret produced a MAC
//     over exactly the signed bytes. Every comparison runs in constant time
//     (crypto/hmac.Equal; shared tokens are compared as SHA-256 digests, so
//     not even their length leaks).
//   - Parsing is strict, so one MAC has one accepted spelling: canonical
//     padded base64 only, exact MAC length, timestamps as plain digits (no
//     sign, no leading zero, bounded length) or strict RFC 3339, and a hash
//     fixed by the scheme, never chosen by the header. Signature versions the scheme does
//     not know (Standard Webhooks v1a, Stripe v0) are skipped. Candidates
//     are decoded in header order until one matches, so an entry after the
//     matching one is only length-checked; a failed verification has
//     strictly decoded every candidate. A header sent
//     on several lines is refused when the header map can show it
//     ([net/http.Header] can; a [HeaderFunc] cannot), so nobody gets to pick
//     which copy is checked.
//   - Every rejection wraps exactly one of [ErrMissingHeader],
//     [ErrMalformed] and [ErrMismatch]. Messages name the problem, never a
//     secret, the expected MAC, or which secret came closest.
//
// What it does not do: judge freshness or replays. [Result.Timestamp] is
// the signed timestamp; the replay package checks it against a window and
// deduplicates by [Result.ID]. Schemes that sign no timestamp (GitHub,
// Shopify) or no ID (everything but Standard Webhooks and Svix) offer less:
// see [Scheme.SignsTimestamp] and [Scheme.SignsID]. A shared token (GitLab)
// proves only knowledge of the secret, not the integrity of the body.
//
// # Place in the request path
//
// In middleware.Guard, verification runs after the cheap stateless checks
// (TLS, client IP allow list, rate limit) and after the body has been read
// under its size cap, and before anything is stored: the replay window and
// the event-ID claim only ever see authenticated deliveries. Verification
// allocates nothing and costs little more than the HMAC itself: the
// template is compiled once by [NewScheme], the signed content is streamed
// into a pooled, pre-keyed HMAC state (no copy of the body), and the
// candidate signatures are decoded into a stack buffer as they are compared.
//
// # Rotation
//
// Rotate a secret without downtime in three steps:
//
//  1. [Keyring.Rotate] (next, grace) adds the new secret as the newest: it
//     signs from now on, and every other secret stays valid for grace (say
//     24 h). Multi-signature formats (Standard Webhooks, Svix, Stripe,
//     Paddle) then carry one signature per valid secret, so receivers that
//     have not switched yet still accept.
//  2. Watch [Result.SecretID]: it names the secret that matched, so you see
//     the old secret fall out of use.
//  3. [Keyring.Revoke] removes the old secret at once (or let its NotAfter
//     pass). Revoke is also the emergency brake for a leaked secret.
//
// Secrets can also be scheduled with [Secret] NotBefore and NotAfter. The
// verifier tries every currently valid secret, newest first; each secret
// keeps its pre-keyed HMAC states, and rotation swaps an immutable snapshot
// atomically, so verification never blocks and never sees half an update.
package hmac
