package hmac

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/rotation"
	"github.com/hookguard/hookguard/signature"
)

// Result is what a successful verification proves; it is
// [signature.Result], shared with the public-key schemes.
type Result = signature.Result

// Verifier checks deliveries of one scheme against a keyring. It is safe
// for concurrent use and allocates nothing on success. It implements
// [signature.Authenticator], the interface the Guard holds for every kind
// of scheme.
type Verifier struct {
	scheme Scheme
	keys   *Keyring
	forms  sync.Pool // *twilioState, for Twilio's form parameters
}

var _ signature.Authenticator = (*Verifier)(nil)

// NewVerifier returns a verifier for scheme s with the secrets of k. The
// keyring may be rotated while the verifier is in use. A zero Scheme or a
// nil keyring yields a verifier that refuses everything (fail closed).
func NewVerifier(s Scheme, k *Keyring) *Verifier {
	return &Verifier{scheme: s, keys: k}
}

// Scheme returns the scheme the verifier checks.
func (v *Verifier) Scheme() Scheme { return v.scheme }

// Info describes the verifier's scheme ([Scheme.Info]).
func (v *Verifier) Info() signature.Info { return v.scheme.Info() }

var errNotConfigured = fmt.Errorf("%w: verifier has no scheme or keyring", ErrMismatch)

// Verify checks the signature headers in h against body, trying every
// secret valid at time.Now, newest first, each comparison in constant
// time. It proves authenticity and reports the signed timestamp; it does
// not judge freshness. Errors wrap [ErrMissingHeader], [ErrMalformed] or
// [ErrMismatch].
//
// A signed event ID that contains the separator following it in the
// template (a '.' for Standard Webhooks and Svix) is refused as
// ErrMalformed: the same signed bytes could otherwise be re-split into
// another ID, timestamp and body.
//
// Schemes whose signature covers the URL ([Scheme.NeedsURL]) cannot be
// checked from headers and body alone: Verify refuses them with
// ErrMismatch; use [Verifier.Authenticate].
func (v *Verifier) Verify(h Headers, body []byte) (Result, error) {
	return v.verify(&signature.Message{Header: h, Body: body}, &rotation.Clock{})
}

// VerifyAt is [Verifier.Verify] with an explicit time deciding which
// secrets are valid (NotBefore <= now < NotAfter); it is the twin for
// injected clocks and tests.
func (v *Verifier) VerifyAt(h Headers, body []byte, now time.Time) (Result, error) {
	c := rotation.At(now)
	return v.verify(&signature.Message{Header: h, Body: body}, &c)
}

// Authenticate is the [signature.Authenticator] entry point: Verify for a
// whole message, with m.URL and m.Method used by the schemes that sign
// them. now decides which secrets are valid.
func (v *Verifier) Authenticate(m *signature.Message, now time.Time) (Result, error) {
	c := rotation.At(now)
	return v.verify(m, &c)
}

// noURL is the error for a URL-covering scheme given no URL (Verify, or
// Authenticate with an empty Message.URL): a configuration error that
// fails closed.
func (v *Verifier) noURL() error {
	return fmt.Errorf("%w: scheme %q signs the request URL but Message.URL is empty (Verify cannot check it: use Authenticate with Message.URL)", ErrMismatch, v.scheme.name)
}

func (v *Verifier) verify(m *signature.Message, c *rotation.Clock) (Result, error) {
	s := &v.scheme
	if s.format == fmtNone || v.keys == nil {
		return Result{}, errNotConfigured
	}
	if s.signsURL() && m.URL == "" {
		return Result{}, v.noURL()
	}
	h, body := m.Header, m.Body
	sigHeader, err := signature.HeaderValue(h, s.sigHeader)
	if err != nil {
		return Result{}, err
	}
	res := Result{Scheme: s.name}
	var f fields
	if s.idHeader != "" {
		var id string
		if s.tmpl.hasID {
			id, err = signature.HeaderValue(h, s.idHeader)
		} else {
			id, err = signature.OptionalHeaderValue(h, s.idHeader)
		}
		if err != nil {
			return Result{}, err
		}
		if err := s.tmpl.checkID(s.idHeader, id); err != nil {
			return Result{}, err
		}
		res.ID, f.id = id, id
	}
	if s.signsURL() {
		f.method, f.url = m.Method, m.URL
		if s.urlDecode {
			f.url = hubspotDecodeURL(f.url)
		}
	}

	// Parse the signature header: a digest of the shared token, or the
	// candidate MACs (and, for Stripe and Paddle, the timestamp).
	var set sigSet
	var token [sha256.Size]byte
	set.init(hashSize[s.hash], s.enc)
	switch s.format {
	case fmtToken:
		token = sha256.Sum256([]byte(sigHeader))
	case fmtSingle, fmtTwilio:
		err = parseSingle(sigHeader, s.prefix, &set)
	case fmtStandard:
		err = parseStandard(sigHeader, &set)
	case fmtStripe:
		f.ts, err = parsePairs(sigHeader, ',', "t", "v1", &set)
	case fmtPaddle:
		f.ts, err = parsePairs(sigHeader, ';', "ts", "h1", &set)
	case fmtList:
		_, err = parsePairs(sigHeader, ',', "", "v1", &set)
	}
	if err != nil {
		return Result{}, err
	}
	if s.tsHeader != "" {
		if f.ts, err = signature.HeaderValue(h, s.tsHeader); err != nil {
			return Result{}, err
		}
	}
	if s.tmpl.hasTS {
		if res.Timestamp, err = parseTimestamp(f.ts, s.tsFormat); err != nil {
			return Result{}, err
		}
	}
	var tw *twilioState
	if s.format == fmtTwilio {
		if tw, err = newTwilioState(&v.forms, m); err != nil {
			return Result{}, err
		}
	}

	// Try every valid secret, newest first, each in constant time.
	keys := v.keys.entries()
	tried := false
	for i := range keys {
		e := &keys[i]
		if !e.Usable(c) {
			continue
		}
		tried = true
		var ok bool
		switch s.format {
		case fmtToken:
			// SHA-256 digests compared with hmac.Equal: neither the
			// token's content nor its length leaks.
			ok = stdhmac.Equal(token[:], e.Value.token[:])
		case fmtTwilio:
			ok, err = tw.match(e.Value, &set)
			if err != nil || ok {
				tw.release(&v.forms)
			}
			if err != nil {
				return Result{}, err
			}
		default:
			st := e.Value.get(s.hash)
			s.tmpl.write(st.h, st.scratch[:], &f, body)
			ok, err = set.match(st.h.Sum(st.sum[:0]))
			e.Value.put(s.hash, st)
			if err != nil {
				return Result{}, err
			}
		}
		if ok {
			res.SecretID = e.ID
			return res, nil
		}
	}
	if tw != nil {
		tw.release(&v.forms)
	}
	return Result{}, mismatch(tried, f.url)
}

// mismatch is the error for a well-formed request no valid secret signed.
// For URL-covering schemes it names the URL that was used: a wrong URL
// (behind a TLS-terminating proxy, say) is the usual cause, and the URL is
// no secret.
func mismatch(tried bool, url string) error {
	switch {
	case !tried:
		return ErrNoValidSecret
	case url != "":
		return fmt.Errorf("%w: no valid secret matches the signature over URL %q; if the sender was given another URL, configure it as the public base URL", ErrMismatch, sanitizeURL(url))
	}
	return fmt.Errorf("%w: no valid secret matches", ErrMismatch)
}

// sanitizeURL shortens a URL for an error message.
func sanitizeURL(u string) string {
	if len(u) > 256 {
		u = u[:256] + "..."
	}
	return u
}
