// Package watch holds what the metrics modules read at collection time:
// stores' stats functions and keyrings, registered by name and bounded in
// number. Both the Prometheus and the OpenTelemetry module re-export its
// types, so a user fills one StoreStats whichever they use.
package watch

import (
	"fmt"
	"sync"
	"time"

	"github.com/hookguard/hookguard/hmac"
)

// StoreStats is a store's occupancy and evictions at one moment, in the
// words of the hookguard memory stores' Stats: fill it from
// replay.Memory.Stats, ratelimit.Memory.Stats or any store's own counters.
type StoreStats struct {
	Keys      int    // keys (records, buckets) held now
	Capacity  int    // the bound on Keys; 0 if unbounded
	Evictions uint64 // keys dropped to make room (only grows)
	// EvictedLive is the part of Evictions that were still live: for a
	// replay store, each one re-opened replay for its event ID.
	EvictedLive uint64
}

// Keyring lists secrets without their keys: *hmac.Keyring satisfies it.
type Keyring interface {
	Secrets() []hmac.SecretInfo
}

// Set is the stores and keyrings a metrics module reports. It is safe for
// concurrent use.
type Set struct {
	mu       sync.Mutex
	max      int
	stores   map[string]func() StoreStats
	keyrings map[string]Keyring
}

// NewSet returns an empty Set that takes at most max stores, max keyrings
// and reports at most max secrets of each keyring.
func NewSet(max int) *Set {
	return &Set{max: max, stores: map[string]func() StoreStats{}, keyrings: map[string]Keyring{}}
}

// AddStore registers stats under name.
func (s *Set) AddStore(name string, stats func() StoreStats) error {
	return add(s, name, s.stores, stats)
}

// AddKeyring registers k under the scheme it verifies.
func (s *Set) AddKeyring(scheme string, k Keyring) error {
	return add(s, scheme, s.keyrings, k)
}

func add[V any](s *Set, name string, into map[string]V, v V) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch _, dup := into[name]; {
	case name == "":
		return fmt.Errorf("a watched store or keyring needs a name")
	case dup:
		return fmt.Errorf("%q is watched already", name)
	case len(into) >= s.max:
		return fmt.Errorf("at most %d stores and %d keyrings can be watched", s.max, s.max)
	}
	into[name] = v
	return nil
}

// Each calls store with every store's current stats, then secret with every
// secret that has an end (NotAfter), at most max per keyring.
func (s *Set) Each(store func(name string, st StoreStats), secret func(scheme, id string, notAfter time.Time)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, stats := range s.stores {
		store(name, stats())
	}
	for scheme, k := range s.keyrings {
		for i, info := range k.Secrets() {
			if i == s.max {
				break // an operator's keyring is short; stay bounded regardless
			}
			if !info.NotAfter.IsZero() {
				secret(scheme, info.ID, info.NotAfter)
			}
		}
	}
}
