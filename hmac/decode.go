package hmac

import (
	"encoding/binary"
	"fmt"
)

// b64 maps a standard base64 character to its 6-bit value and every other
// byte to 0xff. One 256-byte table (four cache lines) keeps the decoder's
// footprint small. Indexing it by a candidate's characters leaks nothing:
// they are the sender's, not the secret's.
var b64 = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// decodeBase64 decodes v, exactly base64.StdEncoding.EncodedLen(len(dst))
// characters, into dst. It accepts only the canonical spelling: the
// standard alphabet, the padding that length requires and zero unused bits.
// Eight characters at a time, then four, then the padded tail.
func decodeBase64(dst []byte, v string) bool {
	if len(v) != 4*((len(dst)+2)/3) {
		return false
	}
	var bad byte
	for len(dst) >= 6 && len(v) >= 8 {
		a, b, c, d := b64[v[0]], b64[v[1]], b64[v[2]], b64[v[3]]
		e, f, g, h := b64[v[4]], b64[v[5]], b64[v[6]], b64[v[7]]
		bad |= a | b | c | d | e | f | g | h
		x := uint64(a)<<42 | uint64(b)<<36 | uint64(c)<<30 | uint64(d)<<24 |
			uint64(e)<<18 | uint64(f)<<12 | uint64(g)<<6 | uint64(h)
		_ = dst[5]
		dst[0], dst[1], dst[2] = byte(x>>40), byte(x>>32), byte(x>>24)
		dst[3], dst[4], dst[5] = byte(x>>16), byte(x>>8), byte(x)
		v, dst = v[8:], dst[6:]
	}
	for len(dst) >= 3 && len(v) >= 4 {
		a, b, c, d := b64[v[0]], b64[v[1]], b64[v[2]], b64[v[3]]
		bad |= a | b | c | d
		x := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst[0], dst[1], dst[2] = byte(x>>16), byte(x>>8), byte(x)
		v, dst = v[4:], dst[3:]
	}
	switch {
	case len(dst) == 1 && len(v) == 4: // "xx=="
		a, b := b64[v[0]], b64[v[1]]
		bad |= a | b
		if b&0x0f != 0 || v[2] != '=' || v[3] != '=' {
			return false
		}
		dst[0] = a<<2 | b>>4
	case len(dst) == 2 && len(v) == 4: // "xxx="
		a, b, c := b64[v[0]], b64[v[1]], b64[v[2]]
		bad |= a | b | c
		if c&0x03 != 0 || v[3] != '=' {
			return false
		}
		dst[0], dst[1] = a<<2|b>>4, b<<4|c>>2
	}
	return bad&0xc0 == 0
}

func encodedLen(enc Encoding, size int) int {
	if enc == Base64 {
		return (size + 2) / 3 * 4
	}
	return 2 * size
}

// decodeMAC decodes v into dst, which has exactly the MAC's length. It
// accepts only the exact encoded length and, for base64, the canonical form.
func decodeMAC(dst []byte, v string, enc Encoding) error {
	if want := encodedLen(enc, len(dst)); len(v) != want {
		return fmt.Errorf("%w: signature is %d %s characters, want %d", ErrMalformed, len(v), enc, want)
	}
	ok := false
	if enc == Base64 {
		ok = decodeBase64(dst, v)
	} else {
		ok = decodeHex(dst, v)
	}
	if !ok {
		return notCanonical(enc)
	}
	return nil
}

func notCanonical(enc Encoding) error {
	if enc == Base64 {
		return fmt.Errorf("%w: signature is not canonical base64", ErrMalformed)
	}
	return fmt.Errorf("%w: signature is not hex", ErrMalformed)
}

// hexVal maps a hex digit of either case to its value and every other byte
// to 0xff: a table, not branches, because the digits of a MAC are random.
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

// decodeHex decodes v, exactly 2*len(dst) hex digits of either case, into
// dst.
func decodeHex(dst []byte, v string) bool {
	if len(v) != 2*len(dst) {
		return false
	}
	var bad byte
	for i := range dst {
		hi, lo := hexVal[v[2*i]], hexVal[v[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo
	}
	return bad&0xf0 == 0
}

// equalMAC reports whether a and b are equal in time that depends only on
// their lengths. It is subtle.ConstantTimeCompare (what hmac.Equal calls)
// eight bytes at a time: the OR of the differences, and no branch on a
// byte of either.
func equalMAC(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	var acc uint64
	for len(a) >= 8 && len(b) >= 8 {
		acc |= binary.LittleEndian.Uint64(a) ^ binary.LittleEndian.Uint64(b)
		a, b = a[8:], b[8:]
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		acc |= uint64(a[i] ^ b[i])
	}
	return acc == 0
}
