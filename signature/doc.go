// Package signature is the seam between the Guard and every kind of
// webhook authentication: the request a scheme checks ([Message]), what a
// successful check proves ([Result]), the one interface the Guard holds for
// every scheme ([Authenticator]) and the one shape every signer has
// ([Signer]), plus the sentinel errors all of them wrap.
//
// The packages that implement it are named for what they do: hmac (shared
// secrets: HMAC over the body, the URL or both, and shared tokens) and
// pubkey (Ed25519 and ECDSA public keys). Neither imports the other; both
// import this package, and their own names for the shared types (hmac.Result,
// hmac.Headers, hmac.ErrMismatch, ...) are aliases of the ones here, so code
// written against either keeps working and errors.Is matches across them.
//
//	var a signature.Authenticator = hmac.NewVerifier(hmac.Twilio, ring)
//	if a.Info().NeedsURL {
//		m.URL, _ = signature.RequestURL(publicBase, "https", r.Host, r.RequestURI)
//	}
//	res, err := a.Authenticate(&m, time.Now())
//
// # Threat model
//
// The attacker controls every byte of the request, including Host and the
// forwarding headers, unless a trusted proxy wrote them. Schemes that sign
// the URL (Twilio, Square, HubSpot) are only as strong as the URL the
// receiver believes: [Message.URL] must be the URL the sender signed,
// either configured (a public base URL) or rebuilt by [RequestURL] from
// values the caller has already decided to trust. Everything else
// (strict parsing, constant-time comparison, errors that leak no secret)
// is each implementation's promise, stated in its package documentation.
//
// # Place in the request path
//
// The Guard reads the body under its cap, fills a [Message] (Method and URL
// only when [Info.NeedsURL]), calls [Authenticator.Authenticate] and maps
// the error with errors.Is to 400 (ErrMissingHeader, ErrMalformed) or 401
// (ErrMismatch). Freshness ([Result.Timestamp]) and deduplication
// ([Result.ID]) come after, in the replay package.
package signature
