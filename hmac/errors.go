package hmac

import "errors"

// Every rejection returned by [Verifier.Verify] wraps exactly one of these
// sentinels with %w; match them with [errors.Is]. The wrapping message names
// the problem (which header, which field) but never a secret, never the
// expected MAC and never which secret came closest to matching.
var (
	// ErrMissingHeader: a header the scheme needs is absent or empty.
	ErrMissingHeader = errors.New("hmac: missing header")
	// ErrMalformed: a header is present but not in the scheme's exact
	// syntax (non-canonical base64, wrong MAC length, a timestamp with a
	// sign or leading zero, a repeated header line, a value over
	// [MaxHeaderLen] bytes, ...).
	ErrMalformed = errors.New("hmac: malformed signature")
	// ErrMismatch: the headers are well formed but no signature matches
	// any currently valid secret. [ErrNoValidSecret] also matches it.
	ErrMismatch = errors.New("hmac: signature mismatch")
	// ErrNoValidSecret: the keyring holds no secret valid at the time of
	// the check (all expired, revoked or not yet valid). It wraps
	// [ErrMismatch], so callers that only know the three sentinels still
	// fail closed with a 401; an operator can tell the cases apart.
	ErrNoValidSecret error = noValidSecretError{}
)

type noValidSecretError struct{}

func (noValidSecretError) Error() string { return "hmac: no currently valid secret" }
func (noValidSecretError) Unwrap() error { return ErrMismatch }
