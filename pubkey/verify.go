package pubkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hookguard/hookguard/rotation"
	"github.com/hookguard/hookguard/signature"
)

// maxSigs bounds the signatures one header may carry.
const maxSigs = 8

// maxSigLen is the longest signature accepted: a P-256 DER signature is at
// most 72 bytes, Ed25519's is 64.
const maxSigLen = 72

// sigList holds the decoded candidate signatures of one header; it lives
// on the verifier's stack.
type sigList struct {
	n   int
	len [maxSigs]int
	sig [maxSigs][maxSigLen]byte
}

// Verifier checks deliveries of one scheme against a keyring of public
// keys. It is safe for concurrent use and a [signature.Authenticator].
type Verifier struct {
	scheme Scheme
	keys   *Keyring
	bufs   sync.Pool // *scratch
}

// scratch is a verification's heap workspace, pooled by the verifier and
// never reaching user code: the signed bytes, assembled once per delivery,
// and the candidate signature being checked (the crypto packages may
// retain what they are given, which would move a stack copy to the heap).
type scratch struct {
	msg []byte
	sig [maxSigLen]byte
}

var _ signature.Authenticator = (*Verifier)(nil)

// NewVerifier returns a verifier for scheme s with the keys of k. A zero
// Scheme or a nil keyring yields a verifier that refuses everything.
func NewVerifier(s Scheme, k *Keyring) *Verifier { return &Verifier{scheme: s, keys: k} }

// Info describes the verifier's scheme.
func (v *Verifier) Info() signature.Info { return v.scheme.Info() }

// Verify checks the signature headers in h against body with every key
// valid at time.Now, newest first. Errors wrap exactly one of
// [signature.ErrMissingHeader], [signature.ErrMalformed] and
// [signature.ErrMismatch].
func (v *Verifier) Verify(h signature.Headers, body []byte) (signature.Result, error) {
	var c rotation.Clock
	m := signature.Message{Header: h, Body: body}
	return v.verify(&m, &c)
}

// VerifyAt is [Verifier.Verify] with an explicit time deciding which keys
// are valid.
func (v *Verifier) VerifyAt(h signature.Headers, body []byte, now time.Time) (signature.Result, error) {
	c := rotation.At(now)
	m := signature.Message{Header: h, Body: body}
	return v.verify(&m, &c)
}

// Authenticate is the [signature.Authenticator] entry point; public-key
// schemes use the message's headers and body only.
func (v *Verifier) Authenticate(m *signature.Message, now time.Time) (signature.Result, error) {
	c := rotation.At(now)
	return v.verify(m, &c)
}

var errNotConfigured = fmt.Errorf("%w: verifier has no scheme or keyring", signature.ErrMismatch)

func (v *Verifier) verify(m *signature.Message, c *rotation.Clock) (signature.Result, error) {
	s := &v.scheme
	if s.alg == 0 || v.keys == nil {
		return signature.Result{}, errNotConfigured
	}
	sigHeader, err := signature.HeaderValue(m.Header, s.sigHeader)
	if err != nil {
		return signature.Result{}, err
	}
	ts, err := signature.HeaderValue(m.Header, s.tsHeader)
	if err != nil {
		return signature.Result{}, err
	}
	res := signature.Result{Scheme: s.name}
	if res.Timestamp, err = signature.ParseTimestamp(ts, signature.UnixSeconds); err != nil {
		return signature.Result{}, err
	}
	if s.signsID {
		if res.ID, err = signature.HeaderValue(m.Header, s.idHeader); err != nil {
			return signature.Result{}, err
		}
		if strings.IndexByte(res.ID, '.') >= 0 {
			return signature.Result{}, fmt.Errorf("%w: %s contains '.', the separator that follows it in the signed content", signature.ErrMalformed, s.idHeader)
		}
	}
	var sigs sigList
	if err := s.parse(sigHeader, &sigs); err != nil {
		return signature.Result{}, err
	}

	sc, _ := v.bufs.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	msg := s.signedBytes(sc.msg[:0], res.ID, ts, m.Body)
	var digest [sha256.Size]byte
	if s.alg == algECDSAP256 {
		digest = sha256.Sum256(msg)
	}
	ok, tried, id := false, false, ""
	keys := v.keys.set.Keys()
	for i := range keys {
		e := &keys[i]
		if e.Value.alg() != s.alg || !e.Usable(c) {
			continue
		}
		tried = true
		for j := 0; j < sigs.n && !ok; j++ {
			sig := sc.sig[:copy(sc.sig[:], sigs.sig[j][:sigs.len[j]])]
			if s.alg == algEd25519 {
				ok = ed25519.Verify(e.Value.ed, msg, sig)
			} else {
				ok = ecdsa.VerifyASN1(e.Value.ec, digest[:], sig)
			}
		}
		if ok {
			id = e.ID
			break
		}
	}
	if cap(msg) <= maxPooledMsg {
		sc.msg = msg
		v.bufs.Put(sc)
	}
	switch {
	case ok:
		res.SecretID = id
		return res, nil
	case !tried:
		return signature.Result{}, signature.ErrNoValidKey
	}
	return signature.Result{}, fmt.Errorf("%w: no valid public key verifies the signature", signature.ErrMismatch)
}

// maxPooledMsg: message buffers grown past this are not pooled.
const maxPooledMsg = 64 << 10

// signedBytes appends the signed content to dst.
func (s *Scheme) signedBytes(dst []byte, id, ts string, body []byte) []byte {
	if s.signsID {
		dst = append(dst, id...)
		dst = append(dst, '.')
		dst = append(dst, ts...)
		dst = append(dst, '.')
	} else {
		dst = append(dst, ts...)
	}
	return append(dst, body...)
}

// parse decodes the signature header into sigs, strictly.
func (s *Scheme) parse(v string, sigs *sigList) error {
	switch s.layout {
	case layoutHex:
		if err := signature.DecodeHex(sigs.sig[0][:ed25519.SignatureSize], v, s.sigHeader); err != nil {
			return err
		}
		sigs.len[0], sigs.n = ed25519.SignatureSize, 1
		return nil
	case layoutBase64:
		n, err := signature.DecodeBase64(sigs.sig[0][:], v, s.sigHeader)
		if err != nil {
			return err
		}
		sigs.len[0], sigs.n = n, 1
		return nil
	}
	// Standard Webhooks: space-separated "<version>,<base64>" entries;
	// only v1a entries are ours, each exactly 64 bytes.
	for rest := v; rest != ""; {
		var entry string
		entry, rest, _ = strings.Cut(rest, " ")
		if entry == "" {
			continue // extra spaces are tolerated
		}
		ver, sig, found := strings.Cut(entry, ",")
		if !found {
			return fmt.Errorf("%w: signature entry without version", signature.ErrMalformed)
		}
		if ver != "v1a" {
			continue
		}
		if sigs.n == maxSigs {
			return fmt.Errorf("%w: more than %d signatures", signature.ErrMalformed, maxSigs)
		}
		n, err := signature.DecodeBase64(sigs.sig[sigs.n][:], sig, s.sigHeader)
		if err != nil {
			return err
		}
		if n != ed25519.SignatureSize {
			return fmt.Errorf("%w: v1a signature is %d bytes, want %d", signature.ErrMalformed, n, ed25519.SignatureSize)
		}
		sigs.len[sigs.n] = n
		sigs.n++
	}
	if sigs.n == 0 {
		return fmt.Errorf("%w: no v1a signature", signature.ErrMalformed)
	}
	return nil
}
