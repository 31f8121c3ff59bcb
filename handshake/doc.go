// Package handshake answers the subscription handshakes providers send
// before (and while) they deliver events: Slack's url_verification,
// Zoom's endpoint.url_validation, Twitch's webhook_callback_verification,
// Meta's (Facebook, Instagram, WhatsApp) hub.challenge GET and Dropbox's
// challenge GET. The logic is pure: given the request it reports whether
// the request is a handshake and the exact response; the Guard writes the
// response and the handshake never reaches the handler or an upstream.
//
// # How the Guard calls it
//
// A [Responder] is configured next to the scheme (for example
// handshake.Zoom{Keys: ring} with hmac.Zoom). Its [Responder.Phase] says
// where in the request path it runs:
//
//   - [BeforeVerify] (Meta, Dropbox): GET challenges carry no signature.
//     After the stateless checks (TLS, allow list, rate limit) and before
//     signature verification, the Guard builds a [Request] and calls
//     Respond with a zero [signature.Result]. If it reports a handshake,
//     the Guard writes the [Response] and stops; if it returns an error
//     (a wrong Meta verify token, a malformed challenge), the Guard
//     refuses exactly as it refuses a forged delivery (errors wrap
//     signature.ErrMismatch or signature.ErrMalformed); otherwise the
//     request continues to signature verification, which a GET without a
//     signature fails.
//   - [AfterVerify] (Slack, Zoom, Twitch): the challenge is a signed POST.
//     The Guard verifies the signature first (a failed verification is the
//     usual refusal, so a forged handshake is refused like a forged
//     delivery), then calls Respond with the verified [signature.Result]
//     (Zoom answers with the secret named by Result.SecretID), and on a
//     handshake writes the Response and stops before the timestamp window
//     and the replay claim. Respond checks cheap markers (a header, a
//     literal in the body) before it parses JSON, so ordinary deliveries
//     pay almost nothing.
//
// The body passed in is the one the Guard read under its cap.
//
// # Threat model
//
// A GET handshake is unauthenticated by design (Dropbox) or authenticated
// only by a shared verify token (Meta): the token is compared in constant
// time and never echoed. Echoed challenges are bounded (256 bytes) and
// restricted to URL-safe token characters, and always sent as text/plain
// with X-Content-Type-Options: nosniff, so an attacker cannot turn the
// endpoint into an HTML or script reflector.
package handshake
