// Package rotation keeps the keys that are valid at once and rotates them
// without downtime: the newest key signs, older keys stay valid for a grace
// period, a leaked key is revoked at once. It is the shared core of
// hmac.Keyring (secrets) and pubkey.Keyring (public keys); use those.
//
// A [Set] is safe for concurrent use. Readers load an immutable snapshot
// with one atomic load and never block; writers build a new snapshot under
// a mutex and swap it in, so a verification in flight sees either the old
// or the new set, never a mix. [Key.Usable] reads the clock only for keys
// that have validity bounds, so the common path (one key without bounds)
// never pays for time.Now.
package rotation

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Key is one key and the period in which it is valid.
type Key[T any] struct {
	// ID labels the key in results and in Revoke; it is never the key
	// material. Empty: the set assigns Label + "-<n>".
	ID string
	// NotBefore: the key is ignored before this instant. Zero: valid from
	// the start.
	NotBefore time.Time
	// NotAfter: the key is ignored from this instant on. Zero: never
	// expires. Rotate sets it on the outgoing keys (now + grace).
	NotAfter time.Time
	// Value is the key material in whatever form its user needs (a
	// pre-keyed MAC pool, a parsed public key).
	Value T
}

// ValidAt reports whether the key is usable at now: NotBefore <= now < NotAfter.
func (k *Key[T]) ValidAt(now time.Time) bool {
	return (k.NotBefore.IsZero() || !now.Before(k.NotBefore)) &&
		(k.NotAfter.IsZero() || now.Before(k.NotAfter))
}

// Usable reports whether k may be used at the time c stands for, reading
// the clock through c only when k has bounds.
func (k *Key[T]) Usable(c *Clock) bool {
	if k.NotBefore.IsZero() && k.NotAfter.IsZero() {
		return true // unbounded: no need to read the clock
	}
	return k.ValidAt(c.Now())
}

// Clock is the current time read at most once, lazily. The zero Clock
// reads time.Now when first needed; [At] fixes the time.
type Clock struct {
	now   time.Time
	known bool
}

// At returns a Clock that stands for now.
func At(now time.Time) Clock { return Clock{now: now, known: true} }

// Now returns the clock's time, reading time.Now on first use.
func (c *Clock) Now() time.Time {
	if !c.known {
		c.now, c.known = time.Now(), true
	}
	return c.now
}

// Policy is how a set's user names and validates its keys.
type Policy[T any] struct {
	// Package prefixes error messages ("hmac").
	Package string
	// Label names one key in messages and default IDs ("secret").
	Label string
	// Prepare validates k.Value and may replace it (copy the key, build
	// its pools). It sees the final ID. Nil: every value is accepted.
	Prepare func(k *Key[T]) error
}

// Set holds keys newest first. The zero Set holds none.
type Set[T any] struct {
	mu   sync.Mutex // serialises writers
	snap atomic.Pointer[[]Key[T]]
	seq  int // keys ever offered, for default IDs
}

// Keys returns the current snapshot, newest first. It must not be
// modified; it never changes once returned.
func (s *Set[T]) Keys() []Key[T] {
	if p := s.snap.Load(); p != nil {
		return *p
	}
	return nil
}

// Init replaces the set's keys with keys, listed oldest first (the last
// one becomes the newest). It is meant for construction.
func (s *Set[T]) Init(p *Policy[T], keys ...Key[T]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Key[T]
	for _, k := range keys {
		k, err := s.prepare(p, k, out)
		if err != nil {
			return err
		}
		out = append([]Key[T]{k}, out...)
	}
	s.store(out)
	return nil
}

// RotateAt makes next the newest key and keeps every other key valid for
// grace from now (a key that already expires sooner keeps its earlier
// NotAfter).
func (s *Set[T]) RotateAt(p *Policy[T], next Key[T], grace time.Duration, now time.Time) error {
	if grace < 0 {
		return errors.New(p.Package + ": negative grace period")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.Keys()
	k, err := s.prepare(p, next, old)
	if err != nil {
		return err
	}
	end := now.Add(grace)
	out := make([]Key[T], 0, len(old)+1)
	out = append(out, k)
	for _, o := range old {
		if o.NotAfter.IsZero() || o.NotAfter.After(end) {
			o.NotAfter = end
		}
		out = append(out, o)
	}
	s.store(out)
	return nil
}

// Revoke removes the key with the given ID at once. Revoking the last key
// is allowed (the set then verifies nothing: fail closed); an unknown ID
// is an error.
func (s *Set[T]) Revoke(p *Policy[T], id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.Keys()
	out := make([]Key[T], 0, len(old))
	for _, k := range old {
		if k.ID != id {
			out = append(out, k)
		}
	}
	if len(out) == len(old) {
		return fmt.Errorf("%s: no %s with ID %q", p.Package, p.Label, id)
	}
	s.store(out)
	return nil
}

// prepare assigns a default ID, checks bounds and uniqueness, and runs the
// policy's Prepare. Callers hold s.mu.
func (s *Set[T]) prepare(p *Policy[T], k Key[T], existing []Key[T]) (Key[T], error) {
	s.seq++
	if k.ID == "" {
		k.ID = p.Label + "-" + strconv.Itoa(s.seq)
	}
	if !k.NotBefore.IsZero() && !k.NotAfter.IsZero() && !k.NotAfter.After(k.NotBefore) {
		return k, fmt.Errorf("%s: %s %q: NotAfter is not after NotBefore", p.Package, p.Label, k.ID)
	}
	for _, e := range existing {
		if e.ID == k.ID {
			return k, fmt.Errorf("%s: duplicate %s ID %q", p.Package, p.Label, k.ID)
		}
	}
	if p.Prepare != nil {
		if err := p.Prepare(&k); err != nil {
			return k, err
		}
	}
	return k, nil
}

func (s *Set[T]) store(keys []Key[T]) {
	s.snap.Store(&keys)
}
