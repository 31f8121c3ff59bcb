package hmac

import "fmt"

// b64 maps a standard base64 character, for each of the four positions of
// a quantum, to its 6-bit value already shifted into place; 0xff000000
// marks every other byte, so one OR over a quantum carries the mark.
// Indexing it by a candidate's characters leaks nothing: they are the
// sender's, not the secret's.
var b64 = func() (t [4][256]uint32) {
	for j := range t {
		for i := range t[j] {
			t[j][i] = 0xff000000
		}
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		for j := range t {
			t[j][alphabet[i]] = uint32(i) << (18 - 6*j)
		}
	}
	return t
}()

// decodeBase64 decodes v, exactly base64.StdEncoding.EncodedLen(len(dst))
// characters, into dst. It accepts only the canonical spelling: the
// standard alphabet, the padding that length requires and zero unused bits.
// Two quanta at a time, then one, then the padded tail.
func decodeBase64(dst []byte, v string) bool {
	if len(v) != 4*((len(dst)+2)/3) {
		return false
	}
	var bad uint32
	for len(dst) >= 6 && len(v) >= 8 {
		x := b64[0][v[0]] | b64[1][v[1]] | b64[2][v[2]] | b64[3][v[3]]
		y := b64[0][v[4]] | b64[1][v[5]] | b64[2][v[6]] | b64[3][v[7]]
		bad |= x | y
		_ = dst[5]
		dst[0], dst[1], dst[2] = byte(x>>16), byte(x>>8), byte(x)
		dst[3], dst[4], dst[5] = byte(y>>16), byte(y>>8), byte(y)
		v, dst = v[8:], dst[6:]
	}
	for len(dst) >= 3 && len(v) >= 4 {
		x := b64[0][v[0]] | b64[1][v[1]] | b64[2][v[2]] | b64[3][v[3]]
		bad |= x
		dst[0], dst[1], dst[2] = byte(x>>16), byte(x>>8), byte(x)
		v, dst = v[4:], dst[3:]
	}
	switch {
	case len(dst) == 1 && len(v) == 4: // "xx==": the second character's low four bits are unused
		x := b64[0][v[0]] | b64[1][v[1]]
		bad |= x | (x&0xffff)<<16
		if v[2] != '=' || v[3] != '=' {
			return false
		}
		dst[0] = byte(x >> 16)
	case len(dst) == 2 && len(v) == 4: // "xxx=": the third character's low two bits are unused
		x := b64[0][v[0]] | b64[1][v[1]] | b64[2][v[2]]
		bad |= x | (x&0xff)<<24
		if v[3] != '=' {
			return false
		}
		dst[0], dst[1] = byte(x>>16), byte(x>>8)
	}
	return bad&0xff000000 == 0
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
