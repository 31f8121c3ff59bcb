package hmac

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"sync"
	"time"

	stdhmac "crypto/hmac"

	"github.com/hookguard/hookguard/rotation"
)

// MinKeyLen is the shortest key a [Keyring] accepts, in bytes.
const MinKeyLen = 16

// Secret is one signing key and the period in which it is valid.
type Secret struct {
	// ID labels the secret in [Result.SecretID] and in Revoke; it is never
	// the key itself. Empty: the keyring assigns "secret-<n>", n counting
	// from 1 in the order secrets were added.
	ID string
	// Key is the raw HMAC key (see [Scheme.ParseKey] for displayed forms).
	// The keyring keeps its own copy. At least [MinKeyLen] bytes unless
	// AllowShort is set.
	Key []byte
	// AllowShort accepts a Key shorter than [MinKeyLen] bytes (but not an
	// empty one). Set it only for a secret you cannot choose: a provider
	// that issues or accepts short secrets (an old GitHub webhook secret,
	// say). A short secret is easier to guess offline from one captured
	// delivery; [Keyring.HasShortSecrets] tells the caller to warn.
	AllowShort bool
	// NotBefore: the secret is ignored before this instant. Zero: valid
	// from the start.
	NotBefore time.Time
	// NotAfter: the secret is ignored from this instant on. Zero: never
	// expires. Rotate sets it on the outgoing secrets (now + grace).
	NotAfter time.Time
}

// Keyring holds the secrets that are valid at once, newest first.
//
// A Keyring is safe for concurrent use. Readers (Verify, Sign) load an
// immutable snapshot with one atomic load and never block; Rotate and Revoke
// build a new snapshot and swap it in atomically, so a verification in
// flight sees either the old or the new set, never a mix. Each secret keeps
// pre-keyed HMAC states in a pool, so verifying costs no key schedule.
//
// Create one with [NewKeyring]; the zero Keyring holds no secret and
// therefore verifies nothing.
type Keyring struct {
	set rotation.Set[*material]
}

// entry is one secret of a snapshot.
type entry = rotation.Key[*material]

// policy validates secrets: non-empty, MinKeyLen unless AllowShort; the
// keyring keeps its own copy of the key.
var policy = rotation.Policy[*material]{
	Package: "hmac",
	Label:   "secret",
	Prepare: func(k *entry) error {
		m := k.Value
		switch {
		case len(m.key) == 0:
			return fmt.Errorf("hmac: secret %q: empty key", k.ID)
		case len(m.key) < MinKeyLen && !m.allowShort:
			return fmt.Errorf("hmac: secret %q: key is %d bytes, want at least %d (set Secret.AllowShort to accept a provider's short secret)", k.ID, len(m.key), MinKeyLen)
		}
		k.Value = newMaterial(m.key)
		return nil
	},
}

// toEntry wraps s for the rotation set; policy.Prepare builds its material.
func toEntry(s Secret) entry {
	return entry{ID: s.ID, NotBefore: s.NotBefore, NotAfter: s.NotAfter,
		Value: &material{key: s.Key, allowShort: s.AllowShort}}
}

// material is the key and its pools of pre-keyed MAC states, shared by
// every snapshot that contains the secret.
type material struct {
	key        []byte
	allowShort bool
	token      [sha256.Size]byte // SHA-256 of the key, for shared-token schemes
	pools      [numHashes]sync.Pool
}

// hashID indexes the hashes a scheme may use.
type hashID uint8

const (
	hashSHA256 hashID = iota
	hashSHA1
	hashSHA512
	numHashes
)

var hashNew = [numHashes]func() hash.Hash{sha256.New, sha1.New, sha512.New}
var hashSize = [numHashes]int{sha256.Size, sha1.Size, sha512.Size}

// macState is a pre-keyed HMAC plus the buffers a computation needs, so the
// hot path allocates nothing.
type macState struct {
	h       hash.Hash
	sum     [sha512.Size]byte
	scratch [128]byte
}

func newMaterial(key []byte) *material {
	m := &material{key: append([]byte(nil), key...)}
	m.token = sha256.Sum256(m.key)
	for i := range m.pools {
		fn := hashNew[i]
		m.pools[i].New = func() any { return &macState{h: stdhmac.New(fn, m.key)} }
	}
	return m
}

// get returns a MAC state keyed with m.key, reset to its keyed start.
func (m *material) get(h hashID) *macState {
	st := m.pools[h].Get().(*macState)
	st.h.Reset()
	return st
}

func (m *material) put(h hashID, st *macState) { m.pools[h].Put(st) }

// NewKeyring returns a keyring holding secrets, listed oldest first: the
// last one is the newest and is the one single-signature schemes sign with.
//
// It refuses an empty key, a key shorter than [MinKeyLen] bytes unless the
// secret sets [Secret.AllowShort], a duplicate ID, and NotAfter not after
// NotBefore. With no secret the keyring is valid but verifies nothing until
// [Keyring.Rotate] adds one.
func NewKeyring(secrets ...Secret) (*Keyring, error) {
	k := &Keyring{}
	entries := make([]entry, len(secrets))
	for i, s := range secrets {
		entries[i] = toEntry(s)
	}
	if err := k.set.Init(&policy, entries...); err != nil {
		return nil, err
	}
	return k, nil
}

// entries returns the current snapshot, newest first.
func (k *Keyring) entries() []entry { return k.set.Keys() }

// Rotate makes next the newest secret, the one new deliveries are signed
// with, and keeps every other secret valid for grace from now (a secret
// that already expires sooner keeps its earlier NotAfter). A grace of 24 h
// lets senders and receivers switch at their own pace; watch
// [Result.SecretID] to see the old secret fall out of use, then Revoke it.
//
// Rotate uses time.Now; [Keyring.RotateAt] takes the time explicitly.
func (k *Keyring) Rotate(next Secret, grace time.Duration) error {
	return k.RotateAt(next, grace, time.Now())
}

// RotateAt is [Keyring.Rotate] with an explicit current time.
func (k *Keyring) RotateAt(next Secret, grace time.Duration, now time.Time) error {
	return k.set.RotateAt(&policy, toEntry(next), grace, now)
}

// Revoke removes the secret with the given ID at once: a grace period cut
// short, for a secret that leaked. Revoking the last secret is allowed; the
// keyring then verifies nothing (fail closed). An unknown ID is an error.
func (k *Keyring) Revoke(id string) error {
	return k.set.Revoke(&policy, id)
}

// HasShortSecrets reports whether the keyring holds a secret shorter than
// [MinKeyLen] bytes (accepted through [Secret.AllowShort]), valid now or
// not, so the caller can warn the operator once.
func (k *Keyring) HasShortSecrets() bool {
	for _, e := range k.entries() {
		if len(e.Value.key) < MinKeyLen {
			return true
		}
	}
	return false
}

// SecretInfo describes one secret of a keyring without its key.
type SecretInfo struct {
	ID        string
	NotBefore time.Time
	NotAfter  time.Time
}

// Secrets lists the keyring's secrets, newest first, without their keys,
// including secrets that are not valid now.
func (k *Keyring) Secrets() []SecretInfo {
	es := k.entries()
	out := make([]SecretInfo, len(es))
	for i, e := range es {
		out[i] = SecretInfo{ID: e.ID, NotBefore: e.NotBefore, NotAfter: e.NotAfter}
	}
	return out
}

// SumSHA256 returns HMAC-SHA256(secret, data) for the secret with the
// given ID, valid or not, without revealing the secret: handshakes that
// answer with a MAC (Zoom's endpoint.url_validation) use the secret that
// verified the request ([Result.SecretID]). An unknown ID is an error.
func (k *Keyring) SumSHA256(id string, data []byte) ([]byte, error) {
	for _, e := range k.entries() {
		if e.ID == id {
			st := e.Value.get(hashSHA256)
			st.h.Write(data)
			sum := st.h.Sum(nil)
			e.Value.put(hashSHA256, st)
			return sum, nil
		}
	}
	return nil, fmt.Errorf("hmac: no secret with ID %q", id)
}
