package hmac

import (
	"net/http"

	"github.com/hookguard/hookguard/signature"
)

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

// header returns the single value of the header key; see
// [signature.HeaderValue].
func header(h Headers, key string) (string, error) { return signature.HeaderValue(h, key) }

// single is the common case of [header], small enough to inline where a
// verifier reads its headers: hh (nil unless the headers are an
// http.Header) holds exactly one line of key, neither empty nor over
// MaxHeaderLen. Otherwise it reports false and the caller takes header (or
// [signature.OptionalHeaderValue]), which decides the error or absence.
func single(hh http.Header, key string) (string, bool) {
	if vs := hh[key]; len(vs) == 1 && vs[0] != "" && len(vs[0]) <= MaxHeaderLen {
		return vs[0], true
	}
	return "", false
}
