package ratelimit

import "sync"

// evictScan is the least number of buckets the eviction hand examines for a
// full one before it settles for the not-recently-used candidate it found.
const evictScan = 8

// Slot tags. A slot's tag is the key's 64-bit keyed hash with its two low
// bits replaced: bit 1 set marks the slot occupied (tag 0 is empty) and bit 0
// is the CLOCK mark, "used since the eviction hand last passed". A key's
// identity is therefore 62 bits of its hash.
const (
	tagOccupied = 2
	tagRef      = 1
)

// slot is one key's bucket: 16 bytes, four to a cache line, no pointers (the
// GC never scans a table), so a hit costs one cache miss and a key costs no
// allocation of its own.
type slot struct {
	tag uint64
	tat int64 // full time, see policy
}

// shard holds buckets under one mutex in an open-addressing hash table
// (linear probing, backward-shift deletion, load at most 3/4), swept by a
// CLOCK eviction hand, the second-chance approximation of least recently
// used. It plays the role of golang-lru's simplelru, specialised so that a
// hit touches one table line and allocates nothing (a map plus a linked LRU
// list costs three or four cache misses per hit), and so that eviction can
// prefer full buckets.
type shard struct {
	mu              sync.Mutex
	slots           []slot
	n               int // occupied slots
	capacity        int // most buckets this shard may hold
	maxSlots        int // table size at which load stays <= 3/4 at capacity
	hand            int
	evictions       uint64
	evictedDraining uint64
	_               [64]byte // keep neighbouring shards' locks off this cache line
}

func (s *shard) init(capacity int) {
	s.capacity = capacity
	s.maxSlots = 8
	for s.maxSlots*3 < capacity*4 {
		s.maxSlots <<= 1
	}
	s.slots = make([]slot, min(s.maxSlots, 64))
}

// home is the table position a tag probes from. Bits 2 and up: the low bits
// are flags, and the shard index comes from the top bits.
func (s *shard) home(tag uint64) int {
	return int(tag>>2) & (len(s.slots) - 1)
}

// lookup returns the table position of the bucket of the key hashing to h,
// inserting a full bucket (evicting one at capacity) when it is absent, and
// marks it used. now is the current time in the policy's nanoseconds.
func (s *shard) lookup(h uint64, now int64) int {
	want := h&^(tagOccupied|tagRef) | tagOccupied
	mask := len(s.slots) - 1
	for i := s.home(want); ; i = (i + 1) & mask {
		t := s.slots[i].tag
		if t == 0 {
			break
		}
		if t&^tagRef == want {
			if t != want|tagRef {
				s.slots[i].tag = want | tagRef
			}
			return i
		}
	}
	if s.n >= s.capacity {
		v := s.victim(now)
		s.evictions++
		if s.slots[v].tat > now {
			s.evictedDraining++
		}
		s.remove(v)
	} else if (s.n+1)*4 > len(s.slots)*3 && len(s.slots) < s.maxSlots {
		s.grow()
	}
	// A new bucket starts unmarked: a flood of one-off keys is evicted
	// before buckets that are used again.
	mask = len(s.slots) - 1
	i := s.home(want)
	for s.slots[i].tag != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = slot{tag: want, tat: now}
	s.n++
	return i
}

// grow doubles the table and reinserts every bucket.
func (s *shard) grow() {
	old := s.slots
	s.slots = make([]slot, 2*len(old))
	mask := len(s.slots) - 1
	for _, e := range old {
		if e.tag == 0 {
			continue
		}
		i := s.home(e.tag)
		for s.slots[i].tag != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = e
	}
	s.hand = 0
}

// remove empties position i, shifting later entries of its probe run back
// so that no lookup stops early (no tombstones).
func (s *shard) remove(i int) {
	mask := len(s.slots) - 1
	for j := (i + 1) & mask; s.slots[j].tag != 0; j = (j + 1) & mask {
		// The entry at j may move to i unless its home lies cyclically
		// in (i, j].
		k := s.home(s.slots[j].tag)
		if i <= j {
			if i < k && k <= j {
				continue
			}
		} else if i < k || k <= j {
			continue
		}
		s.slots[i] = s.slots[j]
		i = j
	}
	s.slots[i] = slot{}
	s.n--
}

// victim advances the eviction hand and picks the bucket to evict: the first
// full bucket it meets (a full bucket loses nothing), else the first bucket
// not used since the hand last passed it, once at least evictScan buckets have
// been examined for a full one. Used buckets the hand passes lose their mark
// (their second chance). The shard holds at least one bucket, so the sweep
// ends within about two revolutions.
func (s *shard) victim(now int64) int {
	cand := -1
	for seen := 0; ; {
		j := s.hand
		s.hand++
		if s.hand == len(s.slots) {
			s.hand = 0
		}
		e := &s.slots[j]
		if e.tag == 0 {
			continue
		}
		seen++
		if e.tat <= now {
			return j
		}
		if e.tag&tagRef != 0 {
			e.tag &^= tagRef
		} else if cand < 0 {
			cand = j
		}
		if cand >= 0 && seen >= evictScan {
			return cand
		}
	}
}
