package hmac

import (
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hookguard/hookguard/rotation"
	"github.com/hookguard/hookguard/signature"
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
	out  []byte
	ts   [40]byte
	form formBuf
}

// NewSigner returns a signer for scheme s with the secrets of k. A zero
// Scheme or a nil keyring yields a signer whose Sign always fails.
func NewSigner(s Scheme, k *Keyring) *Signer {
	return &Signer{scheme: s, keys: k}
}

var _ signature.Signer = (*Signer)(nil)

// Info describes the signer's scheme ([Scheme.Info]).
func (s *Signer) Info() signature.Info { return s.scheme.Info() }

// Sign writes the scheme's headers for a delivery with event ID id, signed
// timestamp ts and body into h, replacing any earlier values. Where the
// wire format carries several signatures (Standard Webhooks, Svix, Stripe,
// Paddle) it signs with every secret valid now, newest first, so receivers
// on either side of a rotation accept the delivery; otherwise with the
// newest valid secret. id is needed only by schemes that sign or carry an
// ID and must be printable ASCII without spaces; ts is ignored by schemes
// that sign no timestamp. Sign decides validity with time.Now; see
// [Signer.SignAt]. Schemes that sign the URL ([Scheme.NeedsURL]) need
// [Signer.SignURL].
func (s *Signer) Sign(h http.Header, id string, ts time.Time, body []byte) error {
	if s.scheme.NeedsURL() {
		return fmt.Errorf("hmac: scheme %q signs the request URL: use SignURL", s.scheme.name)
	}
	c := rotation.Clock{}
	return s.sign(h, "", "", id, ts, body, &c)
}

// SignAt is [Signer.Sign] with an explicit time deciding which secrets are
// valid (it need not equal ts).
func (s *Signer) SignAt(h http.Header, id string, ts time.Time, body []byte, now time.Time) error {
	if s.scheme.NeedsURL() {
		return fmt.Errorf("hmac: scheme %q signs the request URL: use SignURL", s.scheme.name)
	}
	c := rotation.At(now)
	return s.sign(h, "", "", id, ts, body, &c)
}

// SignURL is [Signer.SignAt] for a request sent with method to url, the
// absolute URL the receiver will verify against. Schemes that do not sign
// the URL ignore method and url. For Twilio the form parameters are read
// from body (or, when url carries bodySHA256, body must hash to it).
func (s *Signer) SignURL(h http.Header, method, url, id string, ts time.Time, body []byte, now time.Time) error {
	if s.scheme.NeedsURL() {
		if err := signature.CheckBaseURL(baseOf(url)); err != nil {
			return fmt.Errorf("hmac: SignURL: %w", err)
		}
	}
	c := rotation.At(now)
	return s.sign(h, method, url, id, ts, body, &c)
}

// baseOf returns scheme://host of an absolute URL.
func baseOf(u string) string {
	for _, p := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			if i := strings.IndexAny(rest, "/?#"); i >= 0 {
				return p + rest[:i]
			}
			return u
		}
	}
	return u
}

var errSignerNotConfigured = errors.New("hmac: signer has no scheme or keyring")

func (s *Signer) sign(h http.Header, method, url, id string, ts time.Time, body []byte, c *rotation.Clock) error {
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
	keys := s.keys.entries()

	b, _ := s.bufs.Get().(*signBuf)
	if b == nil {
		b = &signBuf{out: make([]byte, 0, 256)}
	}
	defer s.bufs.Put(b)
	f := fields{id: id, method: method, url: url}
	if sc.urlDecode {
		f.url = hubspotDecodeURL(url)
	}
	if sc.tmpl.hasTS {
		tsb, err := appendTimestamp(b.ts[:0], ts, sc.tsFormat)
		if err != nil {
			return err
		}
		// The header value is this string too: one allocation for both.
		f.ts = string(tsb)
	}
	var params []byte
	if sc.format == fmtTwilio {
		var err error
		if params, err = twilioSigned(&b.form, method, url, body); err != nil {
			return err
		}
	}

	out := b.out[:0]
	switch sc.format {
	case fmtStripe:
		out = append(append(out, "t="...), f.ts...)
	case fmtPaddle:
		out = append(append(out, "ts="...), f.ts...)
	}
	n := 0
	for i := range keys {
		e := &keys[i]
		if !e.Usable(c) {
			continue
		}
		if sc.format == fmtToken {
			out = append(out, e.Value.key...)
			n++
			break
		}
		st := e.Value.get(sc.hash)
		if sc.format == fmtTwilio {
			st.h.Write([]byte(url))
			st.h.Write(params)
		} else {
			sc.tmpl.write(st.h, st.scratch[:], &f, body)
		}
		sum := st.h.Sum(st.sum[:0])
		switch sc.format {
		case fmtSingle, fmtTwilio:
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
		case fmtList:
			if n > 0 {
				out = append(out, ',')
			}
			out = append(out, "v1="...)
			out = appendMAC(out, sum, Hex)
		}
		e.Value.put(sc.hash, st)
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
