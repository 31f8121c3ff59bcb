// Package pubkey verifies and signs webhook deliveries with public-key
// signatures: Ed25519 (Standard Webhooks v1a, Discord interactions) and
// ECDSA P-256 with SHA-256 (SendGrid's Event Webhook). The receiver holds
// only public keys, so a leaked receiver configuration cannot forge a
// delivery.
//
// A [Scheme] is a provider's wire format; [StandardWebhooks], [Discord]
// and [SendGrid] are the presets. A [Keyring] holds the public keys valid
// at once (several during a rotation, exactly like hmac's secrets); a
// [Verifier] checks deliveries against it and is a
// [signature.Authenticator], so the Guard holds it the same way it holds
// an hmac verifier. A [Signer] produces deliveries (Standard Webhooks v1a
// from a "whsk_" key; the others for tests and the CLI).
//
//	pub, _ := pubkey.Discord.ParsePublicKey("<application public key, hex>")
//	ring, _ := pubkey.NewKeyring(pubkey.Key{ID: "app", Public: pub})
//	v := pubkey.NewVerifier(pubkey.Discord, ring)
//	res, err := v.Verify(r.Header, body) // errors.Is(err, signature.ErrMismatch) ...
//
// # Threat model
//
// The attacker can send arbitrary requests, replay captured deliveries,
// add, repeat or reorder headers; the attacker does not hold a private
// key. The package guarantees:
//
//   - A delivery verifies only if a currently valid public key verifies a
//     signature over exactly the signed bytes ("{id}.{timestamp}.{body}"
//     for Standard Webhooks, timestamp ‖ body for Discord and SendGrid).
//     Verification is crypto/ed25519.Verify and crypto/ecdsa.VerifyASN1;
//     the algorithm is fixed by the scheme and by the key's type, never
//     chosen by the request.
//   - Parsing is strict: canonical base64 or hex of the exact length,
//     timestamps as plain digits, at most 8 signatures per header, a
//     signed ID that contains '.' refused (it could re-split the signed
//     bytes), repeated header lines refused.
//   - Every rejection wraps exactly one of [signature.ErrMissingHeader],
//     [signature.ErrMalformed] and [signature.ErrMismatch]; messages never
//     contain a signature.
//
// What it does not do: judge freshness (the replay package checks
// [signature.Result.Timestamp]) or deduplicate. Discord and SendGrid sign
// no event ID.
//
// # Place in the request path
//
// Exactly where hmac verification sits in middleware.Guard: after the body
// is read under its cap, before anything is stored. Verification costs the
// signature check itself (about 50 µs for Ed25519, more for ECDSA) plus
// one copy of the signed bytes into a pooled buffer, and allocates nothing
// beyond what the standard library's verify functions allocate.
package pubkey
