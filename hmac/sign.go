package hmac

import (
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Signer writes a scheme's signature headers: the sending side, used by
// the CLI, by tests and by anyone who emits webhooks. It is safe for
// concurrent use and allocates only the header strings it writes.
type Signer struct {
	scheme Scheme
	keys   *Keyring
	bufs   sync.Pool // *signBuf
}

type signBuf struct {
	out []byte
	ts  [maxRFC3339Len]byte
}

// NewSigner returns a signer for scheme s with the secrets of k. A zero
// Scheme or a nil keyring yields a signer whose Sign always fails.
func NewSigner(s Scheme, k *Keyring) *Signer {
	return &Signer{scheme: s, keys: k}
}

// Sign writes the scheme's headers for a delivery with event ID id, signed
// timestamp ts and body into h, replacing any earlier values. Where the
// wire format carries several signatures (Standard Webhooks, Svix, Stripe,
// Paddle) it signs with every secret valid now, newest first, so receivers
// on either side of a rotation accept the delivery; otherwise with the
// newest valid secret. id is needed only by schemes that sign or carry an
// ID and must be printable ASCII without spaces; ts is ignored by schemes
// that sign no timestamp. Sign decides validity with time.Now; see
// [Signer.SignAt].
func (s *Signer) Sign(h http.Header, id string, ts time.Time, body []byte) error {
	return s.sign(h, id, ts, body, time.Time{}, false)
}

// SignAt is [Signer.Sign] with an explicit time deciding which secrets are
// valid (it need not equal ts).
func (s *Signer) SignAt(h http.Header, id string, ts time.Time, body []byte, now time.Time) error {
	return s.sign(h, id, ts, body, now, true)
}

var errSignerNotConfigured = errors.New("hmac: signer has no scheme or keyring")

func (s *Signer) sign(h http.Header, id string, ts time.Time, body []byte, now time.Time, haveNow bool) error {
	sc := &s.scheme
	if sc.format == fmtNone || s.keys == nil {
		return errSignerNotConfigured
	}
	if h == nil {
		return errors.New("hmac: Sign needs a non-nil http.Header")
	}
	if sc.tmpl.hasID || (sc.idHeader != "" && id != "") {
		if err := checkID(id); err != nil {
			return err
		}
		if err := sc.tmpl.checkID("the event ID", id); err != nil {
			return err
		}
	}
	snap := s.keys.load()

	b, _ := s.bufs.Get().(*signBuf)
	if b == nil {
		b = &signBuf{out: make([]byte, 0, 256)}
	}
	defer s.bufs.Put(b)
	f := fields{id: id}
	if sc.tmpl.hasTS {
		tsb, err := appendTimestamp(b.ts[:0], ts, sc.tsFormat)
		if err != nil {
			return err
		}
		// The header value is this string too: one allocation for both.
		f.ts = string(tsb)
	}

	out := b.out[:0]
	switch sc.format {
	case fmtStripe:
		out = append(append(out, "t="...), f.ts...)
	case fmtPaddle:
		out = append(append(out, "ts="...), f.ts...)
	}
	n := 0
	for i := range snap.entries {
		e := &snap.entries[i]
		if !e.usable(&now, &haveNow) {
			continue
		}
		if sc.format == fmtToken {
			out = append(out, e.mat.key...)
			n++
			break
		}
		st := e.mat.get(sc.hash)
		sc.tmpl.write(st.h, st.scratch[:], &f, body)
		sum := st.h.Sum(st.sum[:0])
		switch sc.format {
		case fmtSingle:
			out = append(out, sc.prefix...)
			out = appendMAC(out, sum, sc.enc)
		case fmtStandard:
			if n > 0 {
				out = append(out, ' ')
			}
			out = append(out, "v1,"...)
			out = appendMAC(out, sum, Base64)
		case fmtStripe:
			out = append(out, ",v1="...)
			out = appendMAC(out, sum, Hex)
		case fmtPaddle:
			out = append(out, ";h1="...)
			out = appendMAC(out, sum, Hex)
		}
		e.mat.put(sc.hash, st)
		n++
		if !sc.multi {
			break
		}
	}
	b.out = out
	if n == 0 {
		return ErrNoValidSecret
	}

	// One backing array for the header value slices.
	vals := make([]string, 3)
	vals[0] = string(out)
	h[sc.sigHeader] = vals[0:1:1]
	if sc.tsHeader != "" {
		vals[1] = f.ts
		h[sc.tsHeader] = vals[1:2:2]
	}
	if sc.idHeader != "" && id != "" {
		vals[2] = id
		h[sc.idHeader] = vals[2:3:3]
	}
	return nil
}

// checkID refuses IDs that cannot travel in a header unchanged.
func checkID(id string) error {
	if id == "" {
		return errors.New("hmac: Sign needs an event ID for this scheme")
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] >= 0x7f {
			return fmt.Errorf("hmac: event ID has byte %#x at %d: printable ASCII without spaces only", id[i], i)
		}
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func appendMAC(out, sum []byte, enc Encoding) []byte {
	if enc == Hex {
		for _, c := range sum {
			out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
		}
		return out
	}
	var tmp [((sha512.Size + 2) / 3) * 4]byte
	n := base64.StdEncoding.EncodedLen(len(sum))
	base64.StdEncoding.Encode(tmp[:n], sum)
	return append(out, tmp[:n]...)
}
