package hmac

import "github.com/hookguard/hookguard/signature"

// Headers is the read side of a header map; [net/http.Header] satisfies it.
// It is [signature.Headers].
type Headers = signature.Headers

// HeaderFunc adapts a lookup function (fasthttp, fiber, a map) to [Headers].
// It cannot report repeated header lines: the function decides which value
// is returned. It is [signature.HeaderFunc].
type HeaderFunc = signature.HeaderFunc

// MaxHeaderLen is the longest value of a signature, timestamp or ID header
// that [Verifier.Verify] accepts; see [signature.MaxHeaderLen].
const MaxHeaderLen = signature.MaxHeaderLen
