package hmac

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	stdhmac "crypto/hmac"
)

// Result is what a successful verification proves.
type Result struct {
	// Scheme is the name of the scheme that verified the delivery.
	Scheme string
	// SecretID is the ID of the secret that matched: watch it during a
	// rotation to see the old secret fall out of use before revoking it.
	SecretID string
	// ID is the event or delivery ID when the scheme carries one; it is
	// authenticated only when [Scheme.SignsID] (Standard Webhooks, Svix).
	ID string
	// Timestamp is the signed timestamp (UTC, second precision); zero when
	// the scheme signs none. Its freshness is the replay package's job.
	Timestamp time.Time
}

// Verifier checks deliveries of one scheme against a keyring. It is safe
// for concurrent use and allocates nothing on success.
type Verifier struct {
	scheme Scheme
	keys   *Keyring
}

// NewVerifier returns a verifier for scheme s with the secrets of k. The
// keyring may be rotated while the verifier is in use. A zero Scheme or a
// nil keyring yields a verifier that refuses everything (fail closed).
func NewVerifier(s Scheme, k *Keyring) *Verifier {
	return &Verifier{scheme: s, keys: k}
}

// Scheme returns the scheme the verifier checks.
func (v *Verifier) Scheme() Scheme { return v.scheme }

var errNotConfigured = fmt.Errorf("%w: verifier has no scheme or keyring", ErrMismatch)

// Verify checks the signature headers in h against body, trying every
// secret valid at time.Now, newest first, each comparison in constant
// time. It proves authenticity and reports the signed timestamp; it does
// not judge freshness. Errors wrap [ErrMissingHeader], [ErrMalformed] or
// [ErrMismatch].
func (v *Verifier) Verify(h Headers, body []byte) (Result, error) {
	return v.verify(h, body, time.Time{}, false)
}

// VerifyAt is [Verifier.Verify] with an explicit time deciding which
// secrets are valid (NotBefore <= now < NotAfter); it is the twin for
// injected clocks and tests.
func (v *Verifier) VerifyAt(h Headers, body []byte, now time.Time) (Result, error) {
	return v.verify(h, body, now, true)
}

func (v *Verifier) verify(h Headers, body []byte, now time.Time, haveNow bool) (Result, error) {
	s := &v.scheme
	if s.format == fmtNone || v.keys == nil {
		return Result{}, errNotConfigured
	}
	sigHeader, err := header(h, s.sigHeader)
	if err != nil {
		return Result{}, err
	}
	res := Result{Scheme: s.name}
	var f fields
	if s.idHeader != "" {
		id, err := header(h, s.idHeader)
		if err != nil && (s.tmpl.hasID || !errors.Is(err, ErrMissingHeader)) {
			return Result{}, err
		}
		if err := s.tmpl.checkID(s.idHeader, id); err != nil {
			return Result{}, err
		}
		res.ID, f.id = id, id
	}

	// Parse the signature header: a digest of the shared token, or the
	// candidate MACs (and, for Stripe and Paddle, the timestamp).
	var set sigSet
	var token [sha256.Size]byte
	set.size = hashSize[s.hash]
	set.enc = s.enc
	switch s.format {
	case fmtToken:
		token = sha256.Sum256([]byte(sigHeader))
	case fmtSingle:
		err = parseSingle(sigHeader, s.prefix, &set)
	case fmtStandard:
		err = parseStandard(sigHeader, &set)
	case fmtStripe:
		f.ts, err = parsePairs(sigHeader, ',', "t", "v1", &set)
	case fmtPaddle:
		f.ts, err = parsePairs(sigHeader, ';', "ts", "h1", &set)
	}
	if err != nil {
		return Result{}, err
	}
	if s.tsHeader != "" {
		if f.ts, err = header(h, s.tsHeader); err != nil {
			return Result{}, err
		}
	}
	if s.tmpl.hasTS {
		if res.Timestamp, err = parseTimestamp(f.ts, s.tsFormat); err != nil {
			return Result{}, err
		}
	}

	// Try every valid secret, newest first, each in constant time.
	snap := v.keys.load()
	tried := false
	for i := range snap.entries {
		e := &snap.entries[i]
		if !e.usable(&now, &haveNow) {
			continue
		}
		tried = true
		var ok bool
		if s.format == fmtToken {
			// SHA-256 digests compared with hmac.Equal: neither the
			// token's content nor its length leaks.
			ok = stdhmac.Equal(token[:], e.mat.token[:])
		} else {
			st := e.mat.get(s.hash)
			s.tmpl.write(st.h, st.scratch[:], &f, body)
			ok, err = set.match(st.h.Sum(st.sum[:0]))
			e.mat.put(s.hash, st)
			if err != nil {
				return Result{}, err
			}
		}
		if ok {
			res.SecretID = e.ID
			return res, nil
		}
	}
	if !tried {
		return Result{}, ErrNoValidSecret
	}
	return Result{}, fmt.Errorf("%w: no valid secret matches", ErrMismatch)
}
