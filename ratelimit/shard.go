package ratelimit

import "sync"

// evictScan is the least number of buckets the eviction hand examines for a
// full one before it settles for the not-recently-used candidate it found.
const evictScan = 8

// node is one key's bucket in a shard's slab. It holds no pointer, so the GC
// never scans the slab, and a key costs no allocation of its own.
type node struct {
	hash uint64 // the key's 64-bit keyed hash: its identity in the shard
	tat  int64  // full time, see policy
	ref  bool   // used since the eviction hand last passed (CLOCK)
}

// shard holds buckets under one mutex: a map from key hash to slab index and
// a slab that an eviction hand sweeps (CLOCK, the second-chance
// approximation of least recently used). It plays the role of golang-lru's
// simplelru, specialised so that a hit allocates nothing and touches one slab
// entry (a linked LRU list costs two more cache misses per hit: the
// neighbours it relinks), an entry costs no allocation of its own (the slab
// grows to capacity once), and eviction can prefer full buckets.
type shard struct {
	mu              sync.Mutex
	index           map[uint64]int32
	nodes           []node
	hand            int
	capacity        int
	evictions       uint64
	evictedDraining uint64
	_               [64]byte // keep neighbouring shards' locks off this cache line
}

func (s *shard) init(capacity int) {
	s.capacity = capacity
	s.index = make(map[uint64]int32)
}

// lookup returns the slab index of the bucket of the key hashing to h,
// inserting a full bucket (evicting one at capacity) when it is absent, and
// marks it used. now is the current time in the policy's nanoseconds.
func (s *shard) lookup(h uint64, now int64) int32 {
	if i, ok := s.index[h]; ok {
		s.nodes[i].ref = true
		return i
	}
	var i int32
	if len(s.nodes) < s.capacity {
		if len(s.nodes) == cap(s.nodes) { // grow, but never past capacity
			grown := make([]node, len(s.nodes), min(max(2*len(s.nodes), 16), s.capacity))
			copy(grown, s.nodes)
			s.nodes = grown
		}
		s.nodes = append(s.nodes, node{})
		i = int32(len(s.nodes) - 1)
	} else {
		i = s.victim(now)
		s.evictions++
		if s.nodes[i].tat > now {
			s.evictedDraining++
		}
		delete(s.index, s.nodes[i].hash)
	}
	// A new bucket starts unreferenced: a flood of one-off keys is evicted
	// before buckets that are used again.
	s.nodes[i] = node{hash: h, tat: now}
	s.index[h] = i
	return i
}

// victim advances the eviction hand and picks the bucket to evict: the first
// full bucket it meets (a full bucket loses nothing), else the first bucket
// not used since the hand last passed it, once at least evictScan buckets have
// been examined for a full one. Used buckets the hand passes lose their mark
// (their second chance). The slab is full, so the sweep ends within one
// revolution plus evictScan steps.
func (s *shard) victim(now int64) int32 {
	cand := int32(-1)
	for step := 1; ; step++ {
		j := int32(s.hand)
		s.hand++
		if s.hand == len(s.nodes) {
			s.hand = 0
		}
		n := &s.nodes[j]
		if n.tat <= now {
			return j
		}
		if n.ref {
			n.ref = false
		} else if cand < 0 {
			cand = j
		}
		if cand >= 0 && step >= evictScan {
			return cand
		}
	}
}
