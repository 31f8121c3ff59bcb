package signature

import "fmt"

// maxDecodeInput bounds the encoded signatures DecodeBase64 and DecodeHex
// accept (a P-521 ECDSA signature is 139 bytes of DER, 188 in base64).
const maxDecodeInput = 256

// b64Val maps a standard base64 character to its 6-bit value and every
// other byte ('=' included) to 0xff. The characters decoded are the
// sender's, never a secret, so a table lookup leaks nothing.
var b64Val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// hexVal maps a hex digit of either case to its value and every other byte
// to 0xff.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < 16; i++ {
		t["0123456789abcdef"[i]] = byte(i)
		t["0123456789ABCDEF"[i]] = byte(i)
	}
	return t
}()

// DecodeBase64 decodes s, standard padded base64 in canonical form only
// (unused bits zero, no line breaks or spaces), into dst and returns the
// number of bytes written. Errors wrap [ErrMalformed] and name what, the
// label, was being decoded. It allocates only on error.
func DecodeBase64(dst []byte, s, what string) (int, error) {
	if len(s) > maxDecodeInput || len(s)/4*3 > len(dst) {
		return 0, fmt.Errorf("%w: %s is %d base64 characters, too long", ErrMalformed, what, len(s))
	}
	if len(s)%4 != 0 {
		return 0, notBase64(what)
	}
	full := len(s) / 4
	if full > 0 && s[len(s)-1] == '=' {
		full-- // the last quantum is padded
	}
	var bad byte // any 0xff value sets the top bits
	n := 0
	for i := 0; i < full; i++ {
		q := s[4*i : 4*i+4]
		a, b, c, d := b64Val[q[0]], b64Val[q[1]], b64Val[q[2]], b64Val[q[3]]
		bad |= a | b | c | d
		dst[n], dst[n+1], dst[n+2] = a<<2|b>>4, b<<4|c>>2, c<<6|d
		n += 3
	}
	if q := s[4*full:]; q != "" { // "xx==" or "xxx=": q[3] is '='
		a, b := b64Val[q[0]], b64Val[q[1]]
		bad |= a | b
		if q[2] == '=' {
			if b&0x0f != 0 {
				return 0, notBase64(what) // unused bits set
			}
			dst[n] = a<<2 | b>>4
			n++
		} else {
			c := b64Val[q[2]]
			bad |= c
			if c&0x03 != 0 {
				return 0, notBase64(what)
			}
			dst[n], dst[n+1] = a<<2|b>>4, b<<4|c>>2
			n += 2
		}
	}
	if bad&0xc0 != 0 {
		return 0, notBase64(what)
	}
	return n, nil
}

func notBase64(what string) error {
	return fmt.Errorf("%w: %s is not canonical base64", ErrMalformed, what)
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
	var bad byte
	for i := range dst {
		hi, lo := hexVal[s[2*i]], hexVal[s[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo
	}
	if bad&0xf0 != 0 {
		return fmt.Errorf("%w: %s is not hex", ErrMalformed, what)
	}
	return nil
}
