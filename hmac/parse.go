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

// sigSet holds the candidate MACs of one header, still encoded. It lives
// on the verifier's stack and is small: parsing checks each candidate's
// exact encoded length; match decodes candidates strictly, in header
// order, only as far as needed: the first candidate that matches ends the
// search, so candidates after it are never decoded. A failed verification
// has therefore decoded, and strictly validated, every candidate.
type sigSet struct {
	n    int      // candidates
	size int      // MAC length in bytes
	want int      // encoded length of a candidate
	enc  Encoding // wire encoding of every candidate
	raw  [maxSigs]string
}

func (s *sigSet) init(size int, enc Encoding) {
	s.size, s.want, s.enc = size, encodedLen(enc, size), enc
}

// add appends candidate v; false (see refuse) when it has the wrong length
// or the header carries too many.
func (s *sigSet) add(v string) bool {
	if uint(s.n) >= maxSigs || len(v) != s.want {
		return false
	}
	s.raw[s.n] = v
	s.n++
	return true
}

// refuse is the error for a candidate add refused.
func (s *sigSet) refuse(v string) error {
	if s.n >= maxSigs {
		return fmt.Errorf("%w: more than %d signatures", ErrMalformed, maxSigs)
	}
	return fmt.Errorf("%w: signature is %d %s characters, want %d", ErrMalformed, len(v), s.enc, s.want)
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
		if err := decodeMAC(mac, s.raw[j], s.enc); err != nil {
			return false, err
		}
		if stdhmac.Equal(sum, mac) {
			return true, nil
		}
	}
	return false, nil
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
	if v = v[len(prefix):]; !set.add(v) {
		return set.refuse(v)
	}
	return nil
}

// parseStandard reads the Standard Webhooks list: space-separated
// "<version>,<base64>" entries. Entries of other versions (v1a asymmetric
// signatures, future versions) are skipped; every v1 entry must have the
// exact encoded length here and canonical base64 when sigSet.match decodes
// it. Extra spaces between entries are tolerated.
func parseStandard(v string, set *sigSet) error {
	want := set.want
	for v != "" {
		if v[0] == ' ' {
			v = v[1:]
			continue
		}
		// A v1 entry of the right length ends exactly want bytes after
		// "v1,": check that one byte instead of scanning for the next space.
		if end := 3 + want; len(v) >= end && v[:3] == "v1," && (len(v) == end || v[end] == ' ') {
			if !set.add(v[3:end]) {
				return set.refuse(v[3:end])
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
			if !set.add(v[j+1 : end]) {
				return set.refuse(v[j+1 : end])
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
			if !set.add(val) {
				return "", set.refuse(val)
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
