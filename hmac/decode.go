package hmac

import (
	"crypto/sha512"
	"fmt"

	"github.com/hookguard/hookguard/signature"
)

func encodedLen(enc Encoding, size int) int {
	if enc == Base64 {
		return (size + 2) / 3 * 4
	}
	return 2 * size
}

// decodeMAC decodes v into dst, which has exactly the MAC's length. It
// accepts only the exact encoded length and, for base64, the canonical
// form (signature.DecodeBase64, signature.DecodeHex).
func decodeMAC(dst []byte, v string, enc Encoding) error {
	if want := encodedLen(enc, len(dst)); len(v) != want {
		return fmt.Errorf("%w: signature is %d %s characters, want %d", ErrMalformed, len(v), enc, want)
	}
	if enc == Hex {
		return signature.DecodeHex(dst, v, "signature")
	}
	var buf [sha512.Size + 2]byte // DecodeBase64 wants room for a whole quantum
	n, err := signature.DecodeBase64(buf[:], v, "signature")
	if err != nil {
		return err
	}
	if n != len(dst) { // padding for another length: not this MAC's spelling
		return fmt.Errorf("%w: signature is not canonical base64", ErrMalformed)
	}
	copy(dst, buf[:n])
	return nil
}
