package hmac

import (
	stdhmac "crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/hookguard/hookguard/signature"
)

// maxSigs bounds the signatures one header may carry for the scheme's
// version (v1, h1). Rotation needs two or three; more is refused.
const maxSigs = 8

// b64 maps a standard base64 character, for each of the four positions of
// a quantum, to its 6-bit value already shifted into place; 0xffffffff
// marks every other byte, so one OR over a quantum detects it.
var b64 = func() (t [4][256]uint32) {
	for j := range t {
		for i := range t[j] {
			t[j][i] = 0xffffffff
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

// b64val is the unshifted 6-bit value of c, or 0xff.
func b64val(c byte) byte {
	if v := b64[3][c]; v != 0xffffffff {
		return byte(v)
	}
	return 0xff
}

func decodeBase64(dst []byte, v string) bool {
	full := len(dst) / 3
	var bad uint32
	for i := 0; i < full; i++ {
		q := v[4*i : 4*i+4]
		x := b64[0][q[0]] | b64[1][q[1]] | b64[2][q[2]] | b64[3][q[3]]
		bad |= x
		o := dst[3*i : 3*i+3 : 3*i+3]
		o[0], o[1], o[2] = byte(x>>16), byte(x>>8), byte(x)
	}
	if bad&0xff000000 != 0 {
		return false
	}
	tail := v[4*full:]
	switch len(dst) % 3 {
	case 1: // "xx=="
		a, b := b64val(tail[0]), b64val(tail[1])
		if (a|b)&0xc0 != 0 || b&0x0f != 0 || tail[2] != '=' || tail[3] != '=' {
			return false
		}
		dst[3*full] = a<<2 | b>>4
	case 2: // "xxx="
		a, b, c := b64val(tail[0]), b64val(tail[1]), b64val(tail[2])
		if (a|b|c)&0xc0 != 0 || c&0x03 != 0 || tail[3] != '=' {
			return false
		}
		dst[3*full] = a<<2 | b>>4
		dst[3*full+1] = b<<4 | c>>2
	}
	return true
}

// sigSet holds the candidate MACs of one header. It lives on the
// verifier's stack. Parsing checks each candidate's exact encoded length;
// match decodes candidates strictly, in header order, each at most once,
// and only as far as needed: the first candidate that matches ends the
// search, so candidates after it are never decoded. A failed verification
// has therefore decoded, and strictly validated, every candidate.
type sigSet struct {
	n    int      // candidates
	dec  int      // candidates decoded so far
	size int      // MAC length in bytes
	enc  Encoding // wire encoding of every candidate
	raw  [maxSigs]string
	sig  [maxSigs][sha512.Size]byte
}

func (s *sigSet) add(v string) error {
	if s.n == maxSigs {
		return fmt.Errorf("%w: more than %d signatures", ErrMalformed, maxSigs)
	}
	if want := encodedLen(s.enc, s.size); len(v) != want {
		return fmt.Errorf("%w: signature is %d %s characters, want %d", ErrMalformed, len(v), s.enc, want)
	}
	s.raw[s.n] = v
	s.n++
	return nil
}

// match reports whether sum equals a candidate. Each comparison runs in
// constant time (hmac.Equal); where the match sits in the header is not
// secret. A candidate that is not canonical is an ErrMalformed.
func (s *sigSet) match(sum []byte) (bool, error) {
	for j := 0; j < s.n; j++ {
		if j == s.dec {
			if err := decodeMAC(s.sig[j][:s.size], s.raw[j], s.enc); err != nil {
				return false, err
			}
			s.dec++
		}
		if stdhmac.Equal(sum, s.sig[j][:s.size]) {
			return true, nil
		}
	}
	return false, nil
}

func encodedLen(enc Encoding, size int) int {
	if enc == Base64 {
		return base64.StdEncoding.EncodedLen(size)
	}
	return 2 * size
}

// decodeMAC decodes v into dst, which has exactly the MAC's length. It
// accepts only the exact encoded length and, for base64, the canonical form.
func decodeMAC(dst []byte, v string, enc Encoding) error {
	switch enc {
	case Hex:
		if len(v) != 2*len(dst) {
			return fmt.Errorf("%w: signature is %d hex digits, want %d", ErrMalformed, len(v), 2*len(dst))
		}
		for i := range dst {
			hi, ok1 := unhex(v[2*i])
			lo, ok2 := unhex(v[2*i+1])
			if !ok1 || !ok2 {
				return fmt.Errorf("%w: signature is not hex", ErrMalformed)
			}
			dst[i] = hi<<4 | lo
		}
		return nil
	case Base64:
		if len(v) != base64.StdEncoding.EncodedLen(len(dst)) {
			return fmt.Errorf("%w: signature is %d base64 characters, want %d", ErrMalformed, len(v), base64.StdEncoding.EncodedLen(len(dst)))
		}
		if !decodeBase64(dst, v) {
			return fmt.Errorf("%w: signature is not canonical base64", ErrMalformed)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown encoding", ErrMalformed)
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
	for i := 0; i < len(v); {
		if v[i] == ' ' {
			i++
			continue
		}
		// The version is short: scan for its comma byte by byte.
		j := i
		for j < len(v) && v[j] != ',' && v[j] != ' ' {
			j++
		}
		if j == len(v) || v[j] != ',' {
			return fmt.Errorf("%w: signature entry without version", ErrMalformed)
		}
		ver, start := v[i:j], j+1
		// A v1 entry of the right length ends exactly want bytes later:
		// check that one byte instead of scanning for the next space.
		end := start + want
		if ver != "v1" || end > len(v) || (end < len(v) && v[end] != ' ') {
			if k := strings.IndexByte(v[start:], ' '); k >= 0 {
				end = start + k
			} else {
				end = len(v)
			}
		}
		if ver == "v1" {
			if err := set.add(v[start:end]); err != nil {
				return err
			}
		}
		i = end
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
