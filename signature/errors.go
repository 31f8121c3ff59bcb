package signature

import "errors"

// Every rejection an [Authenticator] returns wraps exactly one of these
// sentinels with %w; match them with [errors.Is]. The wrapping message
// names the problem (which header, which field, which URL was used) but
// never a secret, never an expected signature and never which key came
// closest to matching.
var (
	// ErrMissingHeader: a header the scheme needs is absent or empty.
	ErrMissingHeader = errors.New("signature: missing header")
	// ErrMalformed: a header (or the part of the URL or body a scheme
	// parses) is present but not in the scheme's exact syntax: non-canonical
	// base64, a wrong length, a timestamp with a sign or a leading zero, a
	// repeated header line, a value over [MaxHeaderLen] bytes, ...
	ErrMalformed = errors.New("signature: malformed")
	// ErrMismatch: the request is well formed but no signature matches any
	// currently valid key. [ErrNoValidKey] also matches it.
	ErrMismatch = errors.New("signature: mismatch")
	// ErrNoValidKey: the keyring holds no secret or public key valid at the
	// time of the check (all expired, revoked or not yet valid). It wraps
	// [ErrMismatch], so callers that only know the three sentinels still
	// fail closed; an operator can tell the cases apart.
	ErrNoValidKey error = noValidKeyError{}
)

type noValidKeyError struct{}

func (noValidKeyError) Error() string { return "signature: no currently valid key" }
func (noValidKeyError) Unwrap() error { return ErrMismatch }
