package pubkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hookguard/hookguard/signature"
)

// Signer writes a public-key scheme's headers: the sending side, for
// providers that emit Standard Webhooks v1a and for tests and the CLI. It
// has the same Sign shape as hmac.Signer ([signature.Signer]) and is safe
// for concurrent use.
type Signer struct {
	scheme Scheme
	keys   []crypto.Signer // newest first
}

var _ signature.Signer = (*Signer)(nil)

// NewSigner returns a signer for scheme s with private keys, newest first
// (see [Scheme.ParsePrivateKey]). Standard Webhooks carries one v1a entry
// per key, so receivers on either side of a rotation accept; the other
// schemes sign with the first key. Keys must match the scheme's algorithm.
func NewSigner(s Scheme, keys ...crypto.Signer) (*Signer, error) {
	if s.alg == 0 {
		return nil, errors.New("pubkey: signer needs a scheme")
	}
	if len(keys) == 0 {
		return nil, errors.New("pubkey: signer needs a private key")
	}
	for i, k := range keys {
		switch pk := k.(type) {
		case ed25519.PrivateKey:
			if s.alg != algEd25519 {
				return nil, fmt.Errorf("pubkey: key %d is Ed25519, scheme %q wants ECDSA P-256", i, s.name)
			}
		case *ecdsa.PrivateKey:
			if s.alg != algECDSAP256 || pk.Curve != elliptic.P256() {
				return nil, fmt.Errorf("pubkey: key %d is not what scheme %q wants", i, s.name)
			}
		default:
			return nil, fmt.Errorf("pubkey: key %d has unsupported type %T", i, k)
		}
	}
	return &Signer{scheme: s, keys: keys}, nil
}

// Info describes the signer's scheme.
func (s *Signer) Info() signature.Info { return s.scheme.Info() }

// Sign writes the signature, timestamp and (Standard Webhooks) ID headers
// for a delivery into h, replacing earlier values. id is required by
// Standard Webhooks and must be printable ASCII without spaces or '.';
// the other schemes ignore it.
func (s *Signer) Sign(h http.Header, id string, ts time.Time, body []byte) error {
	sc := &s.scheme
	if h == nil {
		return errors.New("pubkey: Sign needs a non-nil http.Header")
	}
	if sc.signsID {
		if id == "" || strings.ContainsAny(id, ". ") || strings.IndexFunc(id, func(r rune) bool { return r < '!' || r > '~' }) >= 0 {
			return errors.New("pubkey: Sign needs an event ID of printable ASCII without spaces or '.'")
		}
	}
	tsBytes, err := signature.AppendTimestamp(nil, ts, signature.UnixSeconds)
	if err != nil {
		return fmt.Errorf("pubkey: %w", err)
	}
	tsStr := string(tsBytes)
	msg := sc.signedBytes(nil, id, tsStr, body)
	var out []byte
	for i, k := range s.keys {
		var sig []byte
		if sc.alg == algEd25519 {
			sig, err = k.Sign(nil, msg, crypto.Hash(0))
		} else {
			d := sha256.Sum256(msg)
			sig, err = k.Sign(rand.Reader, d[:], crypto.SHA256)
		}
		if err != nil {
			return fmt.Errorf("pubkey: signing: %w", err)
		}
		switch sc.layout {
		case layoutStandard:
			if i > 0 {
				out = append(out, ' ')
			}
			out = append(out, "v1a,"...)
			out = base64.StdEncoding.AppendEncode(out, sig)
		case layoutHex:
			out = hex.AppendEncode(out, sig)
		case layoutBase64:
			out = base64.StdEncoding.AppendEncode(out, sig)
		}
		if sc.layout != layoutStandard {
			break
		}
	}
	h[sc.sigHeader] = []string{string(out)}
	h[sc.tsHeader] = []string{tsStr}
	if sc.signsID {
		h[sc.idHeader] = []string{id}
	}
	return nil
}
