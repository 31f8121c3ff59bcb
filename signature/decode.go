package signature

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// maxDecodeInput bounds the encoded signatures DecodeBase64 and DecodeHex
// accept (a P-521 ECDSA signature is 139 bytes of DER, 188 in base64).
const maxDecodeInput = 256

// DecodeBase64 decodes s, standard padded base64 in canonical form only
// (unused bits zero, no line breaks or spaces), into dst and returns the
// number of bytes written. Errors wrap [ErrMalformed] and name what, the
// label, was being decoded. It allocates only on error.
func DecodeBase64(dst []byte, s, what string) (int, error) {
	if len(s) > maxDecodeInput || base64.StdEncoding.DecodedLen(len(s)) > len(dst) {
		return 0, fmt.Errorf("%w: %s is %d base64 characters, too long", ErrMalformed, what, len(s))
	}
	// The standard library skips '\r' and '\n' even in strict mode.
	if strings.ContainsAny(s, "\r\n") {
		return 0, fmt.Errorf("%w: %s is not canonical base64", ErrMalformed, what)
	}
	var src [maxDecodeInput]byte
	n, err := base64.StdEncoding.Strict().Decode(dst, src[:copy(src[:], s)])
	if err != nil {
		return 0, fmt.Errorf("%w: %s is not canonical base64", ErrMalformed, what)
	}
	return n, nil
}

// DecodeHex decodes s, hexadecimal of either case with exactly two digits
// per byte, into dst, which must be exactly len(s)/2 bytes. Errors wrap
// [ErrMalformed].
func DecodeHex(dst []byte, s, what string) error {
	if len(s) != 2*len(dst) {
		return fmt.Errorf("%w: %s is %d hex digits, want %d", ErrMalformed, what, len(s), 2*len(dst))
	}
	if len(s) > maxDecodeInput {
		return fmt.Errorf("%w: %s is too long", ErrMalformed, what)
	}
	var src [maxDecodeInput]byte
	if _, err := hex.Decode(dst, src[:copy(src[:], s)]); err != nil {
		return fmt.Errorf("%w: %s is not hex", ErrMalformed, what)
	}
	return nil
}
