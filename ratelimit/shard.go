package ratelimit

import "sync"

// evictScan is how many of a shard's least recently used buckets are
// examined for a full one before the least recently used is evicted.
const evictScan = 8

// node is one key's bucket in a shard's slab, linked into the shard's LRU
// list by slab index. It holds no pointer, so the GC never scans the slab and
// a key costs no allocation of its own.
type node struct {
	hash       uint64 // the key's 64-bit keyed hash: its identity in the shard
	tat        int64  // full time, see policy
	prev, next int32  // LRU neighbours by slab index; -1 ends the list
}

// shard is an LRU of buckets under one mutex: a map from key hash to slab
// index and a doubly linked list threaded through the slab, most recent at
// head. It plays the role of golang-lru's simplelru, specialised so that a
// hit allocates nothing, an entry costs no allocation of its own (the slab
// grows to capacity once), and eviction can look past the oldest entry.
type shard struct {
	mu              sync.Mutex
	index           map[uint64]int32
	nodes           []node
	head, tail      int32
	capacity        int
	evictions       uint64
	evictedDraining uint64
	_               [64]byte // keep neighbouring shards' locks off this cache line
}

func (s *shard) init(capacity int) {
	s.capacity = capacity
	s.index = make(map[uint64]int32)
	s.head, s.tail = -1, -1
}

// lookup returns the slab index of the bucket of the key hashing to h,
// inserting a full bucket (evicting one at capacity) when it is absent, and
// marks it most recently used. now is the current time in the policy's
// nanoseconds.
func (s *shard) lookup(h uint64, now int64) int32 {
	if i, ok := s.index[h]; ok {
		if i != s.head {
			s.unlink(i)
			s.pushFront(i)
		}
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
		s.unlink(i)
	}
	s.nodes[i] = node{hash: h, tat: now}
	s.index[h] = i
	s.pushFront(i)
	return i
}

// victim picks the bucket to evict: the least recently used full one among
// the evictScan oldest, else the oldest.
func (s *shard) victim(now int64) int32 {
	i := s.tail
	for n := 0; n < evictScan && i >= 0; n++ {
		if s.nodes[i].tat <= now {
			return i
		}
		i = s.nodes[i].prev
	}
	return s.tail
}

func (s *shard) unlink(i int32) {
	n := &s.nodes[i]
	if n.prev >= 0 {
		s.nodes[n.prev].next = n.next
	} else {
		s.head = n.next
	}
	if n.next >= 0 {
		s.nodes[n.next].prev = n.prev
	} else {
		s.tail = n.prev
	}
	n.prev, n.next = -1, -1
}

func (s *shard) pushFront(i int32) {
	n := &s.nodes[i]
	n.prev, n.next = -1, s.head
	if s.head >= 0 {
		s.nodes[s.head].prev = i
	} else {
		s.tail = i
	}
	s.head = i
}
