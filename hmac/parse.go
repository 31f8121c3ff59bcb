package hmac

import (
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"strings"
)

// maxSigs bounds the signatures one header may carry for the scheme's
// version (v1, h1). Rotation needs two or three; more is refused.
const maxSigs = 8

// maxTimestampDigits bounds a unix timestamp: 12 digits reach year 33658,
// and longer strings are refused before any arithmetic can overflow.
const maxTimestampDigits = 12

// strictBase64 is computed once: Encoding.Strict allocates.
var strictBase64 = base64.StdEncoding.Strict()

// sigSet holds the decoded candidate MACs of one header. It lives on the
// verifier's stack; parsing decodes every signature exactly once into it.
type sigSet struct {
	n    int
	size int
	sig  [maxSigs][sha512.Size]byte
}

func (s *sigSet) add(v string, enc Encoding) error {
	if s.n == maxSigs {
		return fmt.Errorf("%w: more than %d signatures", ErrMalformed, maxSigs)
	}
	if err := decodeMAC(s.sig[s.n][:s.size], v, enc); err != nil {
		return err
	}
	s.n++
	return nil
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
		if len(v) != strictBase64.EncodedLen(len(dst)) {
			return fmt.Errorf("%w: signature is %d base64 characters, want %d", ErrMalformed, len(v), strictBase64.EncodedLen(len(dst)))
		}
		var src [((sha512.Size + 2) / 3) * 4]byte
		copy(src[:], v)
		var out [sha512.Size + 3]byte
		n, err := strictBase64.Decode(out[:], src[:len(v)])
		if err != nil || n != len(dst) {
			return fmt.Errorf("%w: signature is not canonical base64", ErrMalformed)
		}
		copy(dst, out[:n])
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
func parseSingle(v, prefix string, enc Encoding, set *sigSet) error {
	if !strings.HasPrefix(v, prefix) {
		return fmt.Errorf("%w: signature does not start with %q", ErrMalformed, prefix)
	}
	return set.add(v[len(prefix):], enc)
}

// parseStandard reads the Standard Webhooks list: space-separated
// "<version>,<base64>" entries. Entries of other versions (v1a asymmetric
// signatures, future versions) are skipped; every v1 entry must be valid.
// Extra spaces between entries are tolerated.
func parseStandard(v string, set *sigSet) error {
	for v != "" {
		var tok string
		if i := strings.IndexByte(v, ' '); i >= 0 {
			tok, v = v[:i], v[i+1:]
		} else {
			tok, v = v, ""
		}
		if tok == "" {
			continue
		}
		i := strings.IndexByte(tok, ',')
		if i < 0 {
			return fmt.Errorf("%w: signature entry without version", ErrMalformed)
		}
		if tok[:i] != "v1" {
			continue
		}
		if err := set.add(tok[i+1:], Base64); err != nil {
			return err
		}
	}
	if set.n == 0 {
		return fmt.Errorf("%w: no v1 signature", ErrMalformed)
	}
	return nil
}

// parsePairs reads "<tsKey>=<ts><sep><sigKey>=<hex>..." (Stripe: ',', t,
// v1; Paddle: ';', ts, h1). Exactly one timestamp; other keys (Stripe's v0
// test-mode signatures, future schemes) are skipped.
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
		case tsKey:
			if seenTS {
				return "", fmt.Errorf("%w: timestamp %q repeated", ErrMalformed, tsKey)
			}
			seenTS = true
			ts = val
		case sigKey:
			if err := set.add(val, Hex); err != nil {
				return "", err
			}
		}
	}
	if !seenTS {
		return "", fmt.Errorf("%w: no %q timestamp", ErrMalformed, tsKey)
	}
	if set.n == 0 {
		return "", fmt.Errorf("%w: no %s signature", ErrMalformed, sigKey)
	}
	return ts, nil
}

// parseTimestamp accepts unix seconds as ASCII digits only: no sign, no
// leading zero (except "0" itself), no spaces, at most 12 digits.
func parseTimestamp(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty timestamp", ErrMalformed)
	}
	if len(s) > maxTimestampDigits {
		return 0, fmt.Errorf("%w: timestamp too long", ErrMalformed)
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: timestamp has a leading zero", ErrMalformed)
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: timestamp is not digits only", ErrMalformed)
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}
