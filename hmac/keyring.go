package hmac

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	stdhmac "crypto/hmac"
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

// valid reports whether the secret is usable at now: NotBefore <= now < NotAfter.
func (s *Secret) valid(now time.Time) bool {
	return (s.NotBefore.IsZero() || !now.Before(s.NotBefore)) &&
		(s.NotAfter.IsZero() || now.Before(s.NotAfter))
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
	mu   sync.Mutex // serialises writers
	snap atomic.Pointer[snapshot]
	seq  int // secrets ever added, for default IDs
}

// snapshot is immutable once published.
type snapshot struct {
	entries []entry // newest first
}

type entry struct {
	Secret // validity bounds and ID; Key aliases mat.key
	mat    *material
	timed  bool // NotBefore or NotAfter set: validity needs the clock
}

// usable reports whether e may be used, reading the clock through now only
// when e has bounds and the time is not known yet: the newest secret of a
// rotation has none, so the common path never pays for time.Now (which
// costs a few hundred nanoseconds on some virtual machines).
func (e *entry) usable(now *time.Time, haveNow *bool) bool {
	if !e.timed {
		return true
	}
	if !*haveNow {
		*now, *haveNow = time.Now(), true
	}
	return e.valid(*now)
}

// material is the key and its pools of pre-keyed MAC states, shared by
// every snapshot that contains the secret.
type material struct {
	key   []byte
	token [sha256.Size]byte // SHA-256 of the key, for shared-token schemes
	pools [numHashes]sync.Pool
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
// It refuses an empty key, a key shorter than [MinKeyLen] bytes, a
// duplicate ID, and NotAfter not after NotBefore. With no secret the keyring
// is valid but verifies nothing until [Keyring.Rotate] adds one.
func NewKeyring(secrets ...Secret) (*Keyring, error) {
	k := &Keyring{}
	var entries []entry
	for _, s := range secrets {
		e, err := k.newEntry(s, entries)
		if err != nil {
			return nil, err
		}
		entries = append([]entry{e}, entries...)
	}
	k.snap.Store(newSnapshot(entries))
	return k, nil
}

func newSnapshot(entries []entry) *snapshot {
	for i := range entries {
		e := &entries[i]
		e.timed = !e.NotBefore.IsZero() || !e.NotAfter.IsZero()
	}
	return &snapshot{entries: entries}
}

// newEntry validates s against the existing entries. Callers hold k.mu
// (or own k exclusively).
func (k *Keyring) newEntry(s Secret, existing []entry) (entry, error) {
	k.seq++
	if s.ID == "" {
		s.ID = "secret-" + strconv.Itoa(k.seq)
	}
	switch {
	case len(s.Key) == 0:
		return entry{}, fmt.Errorf("hmac: secret %q: empty key", s.ID)
	case len(s.Key) < MinKeyLen && !s.AllowShort:
		return entry{}, fmt.Errorf("hmac: secret %q: key is %d bytes, want at least %d (set Secret.AllowShort to accept a provider's short secret)", s.ID, len(s.Key), MinKeyLen)
	case !s.NotBefore.IsZero() && !s.NotAfter.IsZero() && !s.NotAfter.After(s.NotBefore):
		return entry{}, fmt.Errorf("hmac: secret %q: NotAfter is not after NotBefore", s.ID)
	}
	for _, e := range existing {
		if e.ID == s.ID {
			return entry{}, fmt.Errorf("hmac: duplicate secret ID %q", s.ID)
		}
	}
	m := newMaterial(s.Key)
	s.Key = m.key
	return entry{Secret: s, mat: m}, nil
}

func (k *Keyring) load() *snapshot {
	if s := k.snap.Load(); s != nil {
		return s
	}
	return &snapshot{}
}

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
	if grace < 0 {
		return errors.New("hmac: negative grace period")
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	old := k.load()
	e, err := k.newEntry(next, old.entries)
	if err != nil {
		return err
	}
	end := now.Add(grace)
	entries := make([]entry, 0, len(old.entries)+1)
	entries = append(entries, e)
	for _, o := range old.entries {
		if o.NotAfter.IsZero() || o.NotAfter.After(end) {
			o.NotAfter = end
		}
		entries = append(entries, o)
	}
	k.snap.Store(newSnapshot(entries))
	return nil
}

// Revoke removes the secret with the given ID at once: a grace period cut
// short, for a secret that leaked. Revoking the last secret is allowed; the
// keyring then verifies nothing (fail closed). An unknown ID is an error.
func (k *Keyring) Revoke(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	old := k.load()
	entries := make([]entry, 0, len(old.entries))
	found := false
	for _, e := range old.entries {
		if e.ID == id {
			found = true
			continue
		}
		entries = append(entries, e)
	}
	if !found {
		return fmt.Errorf("hmac: no secret with ID %q", id)
	}
	k.snap.Store(newSnapshot(entries))
	return nil
}

// HasShortSecrets reports whether the keyring holds a secret shorter than
// [MinKeyLen] bytes (accepted through [Secret.AllowShort]), valid now or
// not, so the caller can warn the operator once.
func (k *Keyring) HasShortSecrets() bool {
	for _, e := range k.load().entries {
		if len(e.Key) < MinKeyLen {
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
	s := k.load()
	out := make([]SecretInfo, len(s.entries))
	for i, e := range s.entries {
		out[i] = SecretInfo{ID: e.ID, NotBefore: e.NotBefore, NotAfter: e.NotAfter}
	}
	return out
}
