package hmac

import "github.com/hookguard/hookguard/signature"

// Every rejection returned by [Verifier.Verify] wraps exactly one of these
// sentinels with %w; match them with [errors.Is]. They are the
// [signature] package's sentinels under their hmac names, so a check
// written against either matches errors from hmac and pubkey alike. The
// wrapping message names the problem (which header, which field, which URL
// was used) but never a secret, never the expected MAC and never which
// secret came closest to matching.
var (
	// ErrMissingHeader: a header the scheme needs is absent or empty.
	ErrMissingHeader = signature.ErrMissingHeader
	// ErrMalformed: a header is present but not in the scheme's exact
	// syntax (non-canonical base64, wrong MAC length, a timestamp with a
	// sign or leading zero, a repeated header line, a value over
	// [MaxHeaderLen] bytes, a form body that does not parse, ...).
	ErrMalformed = signature.ErrMalformed
	// ErrMismatch: the headers are well formed but no signature matches
	// any currently valid secret. [ErrNoValidSecret] also matches it.
	ErrMismatch = signature.ErrMismatch
	// ErrNoValidSecret: the keyring holds no secret valid at the time of
	// the check (all expired, revoked or not yet valid). It wraps
	// [ErrMismatch], so callers that only know the three sentinels still
	// fail closed with a 401; an operator can tell the cases apart.
	ErrNoValidSecret = signature.ErrNoValidKey
)
