package lru

import "sync"

// Shard is one lock's worth of a memory store: an LRU under a mutex, and
// the store's eviction counters. The store's methods lock Mu around every
// use of L and of the counters.
type Shard[V any] struct {
	Mu sync.Mutex
	L  LRU[V]
	Evictions
}

// Evictions counts the keys a shard dropped to make room for new ones.
type Evictions struct {
	// All counts every key dropped to make room.
	All uint64
	// Live counts the drops whose loss a client can see: a replay record
	// not yet expired, a rate-limit bucket not yet full.
	Live uint64
	// InFlight counts the part of Live that were replay claims in flight.
	InFlight uint64
}

// snapshot returns the shard's key count and counters under its lock.
func (s *Shard[V]) snapshot() (int, Evictions) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	return s.L.n, s.Evictions
}

// Total adds up the key counts and counters of shards, locking each in
// turn: consistent per shard, not across shards. shard returns the Shard
// inside a store's i-th shard.
func Total[V any](n int, shard func(i int) *Shard[V]) (keys int, ev Evictions) {
	for i := range n {
		k, e := shard(i).snapshot()
		keys += k
		ev.All += e.All
		ev.Live += e.Live
		ev.InFlight += e.InFlight
	}
	return keys, ev
}
