package hmac

import (
	stdhmac "crypto/hmac"
	"crypto/sha512"
	"fmt"
	"strings"
	"time"

	"github.com/hookguard/hookguard/signature"
)

// maxSigs bounds the signatures one header may carry for the scheme's
// version (v1, h1). Rotation needs two or three; more is refused.
const maxSigs = 8

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

// sigSet holds the candidate MACs of one header, still encoded. It lives
// on the verifier's stack and is small: parsing checks each candidate's
// exact encoded length; match decodes candidates strictly, in header
// order, only as far as needed: the first candidate that matches ends the
// search, so candidates after it are never decoded. A failed verification
// has therefore decoded, and strictly validated, every candidate.
type sigSet struct {
	n    int      // candidates
	size int      // MAC length in bytes
	enc  Encoding // wire encoding of every candidate
	raw  [maxSigs]string
}

func (s *sigSet) add(v string) error {
	if s.n == maxSigs || len(v) != encodedLen(s.enc, s.size) {
		return s.refuse(v)
	}
	s.raw[s.n] = v
	s.n++
	return nil
}

// refuse is add's error, kept out of line so that add inlines.
func (s *sigSet) refuse(v string) error {
	if s.n == maxSigs {
		return fmt.Errorf("%w: more than %d signatures", ErrMalformed, maxSigs)
	}
	return fmt.Errorf("%w: signature is %d %s characters, want %d", ErrMalformed, len(v), s.enc, encodedLen(s.enc, s.size))
}

// match reports whether sum equals a candidate. Each comparison runs in
// constant time (hmac.Equal); where the match sits in the header is not
// secret. A candidate that is not canonical is an ErrMalformed. A
// candidate is decoded again for every secret tried: decoding is cheaper
// than keeping up to maxSigs decoded MACs on the stack.
func (s *sigSet) match(sum []byte) (bool, error) {
	var buf [sha512.Size]byte
	mac := buf[:s.size]
	for j := 0; j < s.n; j++ {
		if !decodeCanonical(mac, s.raw[j], s.enc) {
			return false, notCanonical(s.enc)
		}
		if stdhmac.Equal(sum, mac) {
			return true, nil
		}
	}
	return false, nil
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
	if !decodeCanonical(dst, v, enc) {
		return notCanonical(enc)
	}
	return nil
}

// decodeCanonical decodes v, exactly encodedLen(enc, len(dst)) characters,
// into dst and reports whether v was the canonical spelling.
func decodeCanonical(dst []byte, v string, enc Encoding) bool {
	if enc == Base64 {
		return decodeBase64(dst, v)
	}
	return decodeHex(dst, v)
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

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseSingle reads "<prefix><mac>".
func parseSingle(v, prefix string, set *sigSet) error {
	if !strings.HasPrefix(v, prefix) {
		return fmt.Errorf("%w: signature does not start with %q", ErrMalformed, prefix)
	}
	return set.add(v[len(prefix):])
}

// parseStandard reads the Standard Webhooks list: space-separated
// "<version>,<base64>" entries. Entries of other versions (v1a asymmetric
// signatures, future versions) are skipped; every v1 entry must have the
// exact encoded length here and canonical base64 when sigSet.match decodes
// it. Extra spaces between entries are tolerated.
func parseStandard(v string, set *sigSet) error {
	want := encodedLen(set.enc, set.size)
	for v != "" {
		if v[0] == ' ' {
			v = v[1:]
			continue
		}
		// A v1 entry of the right length ends exactly want bytes after
		// "v1,": check that one byte instead of scanning for the next space.
		if end := 3 + want; len(v) >= end && v[:3] == "v1," && (len(v) == end || v[end] == ' ') {
			if err := set.add(v[3:end]); err != nil {
				return err
			}
			v = v[end:]
			continue
		}
		// Any other entry. The version is short: scan for its comma byte
		// by byte; the entry ends at the next space.
		j := 0
		for j < len(v) && v[j] != ',' && v[j] != ' ' {
			j++
		}
		if j == len(v) || v[j] != ',' {
			return fmt.Errorf("%w: signature entry without version", ErrMalformed)
		}
		end := len(v)
		if k := strings.IndexByte(v[j+1:], ' '); k >= 0 {
			end = j + 1 + k
		}
		if v[:j] == "v1" {
			if err := set.add(v[j+1 : end]); err != nil {
				return err
			}
		}
		v = v[end:]
	}
	if set.n == 0 {
		return fmt.Errorf("%w: no v1 signature", ErrMalformed)
	}
	return nil
}

// parsePairs reads "<tsKey>=<ts><sep><sigKey>=<hex>..." (Stripe: ',', t,
// v1; Paddle: ';', ts, h1; PagerDuty: ',', no timestamp, v1). Exactly one
// timestamp unless tsKey is ""; other keys (Stripe's v0 test-mode
// signatures, future schemes) are skipped.
func parsePairs(v string, sep byte, tsKey, sigKey string, set *sigSet) (ts string, err error) {
	seenTS := false
	for v != "" {
		var item string
		if i := strings.IndexByte(v, sep); i >= 0 {
			item, v = v[:i], v[i+1:]
			if v == "" {
				return "", fmt.Errorf("%w: trailing %q", ErrMalformed, sep)
			}
		} else {
			item, v = v, ""
		}
		eq := strings.IndexByte(item, '=')
		if eq < 0 {
			return "", fmt.Errorf("%w: item without '='", ErrMalformed)
		}
		key, val := item[:eq], item[eq+1:]
		switch key {
		case sigKey:
			if err := set.add(val); err != nil {
				return "", err
			}
		case tsKey:
			if tsKey == "" {
				continue
			}
			if seenTS {
				return "", fmt.Errorf("%w: timestamp %q repeated", ErrMalformed, tsKey)
			}
			seenTS = true
			ts = val
		}
	}
	if !seenTS && tsKey != "" {
		return "", fmt.Errorf("%w: no %q timestamp", ErrMalformed, tsKey)
	}
	if set.n == 0 {
		return "", fmt.Errorf("%w: no %s signature", ErrMalformed, sigKey)
	}
	return ts, nil
}

// parseTimestamp and appendTimestamp are [signature.ParseTimestamp] and
// [signature.AppendTimestamp].
func parseTimestamp(s string, f TimestampFormat) (time.Time, error) {
	return signature.ParseTimestamp(s, f)
}

func appendTimestamp(dst []byte, t time.Time, f TimestampFormat) ([]byte, error) {
	return signature.AppendTimestamp(dst, t, f)
}
