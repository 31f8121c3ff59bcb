package pubkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"fmt"
	"time"

	"github.com/hookguard/hookguard/rotation"
)

// Key is one public key and the period in which it is valid.
type Key struct {
	// ID labels the key in [signature.Result.SecretID] and in Revoke.
	// Empty: the keyring assigns "key-<n>".
	ID string
	// Public is an ed25519.PublicKey or an *ecdsa.PublicKey on P-256, as
	// returned by [Scheme.ParsePublicKey].
	Public crypto.PublicKey
	// NotBefore: the key is ignored before this instant. Zero: valid from
	// the start.
	NotBefore time.Time
	// NotAfter: the key is ignored from this instant on. Zero: never
	// expires. Rotate sets it on the outgoing keys (now + grace).
	NotAfter time.Time
}

// publicKey is a validated key of one of the supported algorithms.
type publicKey struct {
	ed ed25519.PublicKey // Ed25519, or nil
	ec *ecdsa.PublicKey  // ECDSA P-256, or nil
}

func (p *publicKey) alg() algorithm {
	if p.ed != nil {
		return algEd25519
	}
	return algECDSAP256
}

type entry = rotation.Key[*publicKey]

var policy = rotation.Policy[*publicKey]{
	Package: "pubkey",
	Label:   "key",
	Prepare: func(k *entry) error {
		if k.Value == nil {
			return fmt.Errorf("pubkey: key %q: no public key", k.ID)
		}
		return nil
	},
}

// toEntry validates and copies pub.
func toEntry(k Key) (entry, error) {
	e := entry{ID: k.ID, NotBefore: k.NotBefore, NotAfter: k.NotAfter}
	switch pub := k.Public.(type) {
	case ed25519.PublicKey:
		if len(pub) != ed25519.PublicKeySize {
			return e, fmt.Errorf("pubkey: key %q: Ed25519 key is %d bytes, want %d", k.ID, len(pub), ed25519.PublicKeySize)
		}
		e.Value = &publicKey{ed: append(ed25519.PublicKey(nil), pub...)}
	case *ecdsa.PublicKey:
		if pub == nil || pub.Curve != elliptic.P256() {
			return e, fmt.Errorf("pubkey: key %q: ECDSA key is not on P-256", k.ID)
		}
		cp := *pub
		e.Value = &publicKey{ec: &cp}
	case nil:
	default:
		return e, fmt.Errorf("pubkey: key %q: unsupported key type %T (Ed25519 or ECDSA P-256)", k.ID, k.Public)
	}
	return e, nil
}

// Keyring holds the public keys that are valid at once, newest first, with
// the same semantics as hmac.Keyring: safe for concurrent use, readers
// never block, Rotate and Revoke swap an immutable snapshot atomically.
// The zero Keyring holds no key and verifies nothing.
type Keyring struct {
	set rotation.Set[*publicKey]
}

// NewKeyring returns a keyring holding keys, listed oldest first. It
// refuses a missing or unsupported key, a duplicate ID and NotAfter not
// after NotBefore.
func NewKeyring(keys ...Key) (*Keyring, error) {
	entries := make([]entry, len(keys))
	for i, k := range keys {
		e, err := toEntry(k)
		if err != nil {
			return nil, err
		}
		entries[i] = e
	}
	r := &Keyring{}
	if err := r.set.Init(&policy, entries...); err != nil {
		return nil, err
	}
	return r, nil
}

// Rotate makes next the newest key and keeps every other key valid for
// grace from now: the provider's old and new keys both verify while its
// deliveries switch over. Rotate uses time.Now; see [Keyring.RotateAt].
func (r *Keyring) Rotate(next Key, grace time.Duration) error {
	return r.RotateAt(next, grace, time.Now())
}

// RotateAt is [Keyring.Rotate] with an explicit current time.
func (r *Keyring) RotateAt(next Key, grace time.Duration, now time.Time) error {
	e, err := toEntry(next)
	if err != nil {
		return err
	}
	return r.set.RotateAt(&policy, e, grace, now)
}

// Revoke removes the key with the given ID at once.
func (r *Keyring) Revoke(id string) error { return r.set.Revoke(&policy, id) }

// KeyInfo describes one key of a keyring.
type KeyInfo struct {
	ID                  string
	NotBefore, NotAfter time.Time
}

// Keys lists the keyring's keys, newest first, including keys not valid now.
func (r *Keyring) Keys() []KeyInfo {
	es := r.set.Keys()
	out := make([]KeyInfo, len(es))
	for i, e := range es {
		out[i] = KeyInfo{ID: e.ID, NotBefore: e.NotBefore, NotAfter: e.NotAfter}
	}
	return out
}
