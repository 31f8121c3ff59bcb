package ratelimit

import (
	"slices"

	"github.com/hookguard/hookguard/internal/lru"
)

// shard is one mutex's worth of a Memory: its buckets (each key's full
// time, see policy) in least-recently-used order, every take counting as a
// use whether it was admitted or refused, and a heap of full times that
// finds a full bucket when there is one.
type shard struct {
	lru.Shard[int64]
	full tatHeap
}

// take applies one request at now to the bucket of the key with digest d,
// creating a full bucket for a new key (evicting one first at capacity).
func (s *shard) take(p *policy, d lru.Digest, now int64) Decision {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	e, _, ok := s.L.Get(d)
	if ok {
		s.L.ToFront(e)
	} else {
		if s.L.Full() {
			s.evict(now)
		}
		e = s.L.Add(d, now) // a new bucket starts full
	}
	tat := s.L.Value(e)
	before := *tat
	dec := p.take(tat, now)
	if !ok || *tat != before {
		s.push(tatItem{tat: *tat, e: e})
	}
	return dec
}

// evict drops one bucket of a full shard: a full one if there is any (it
// loses nothing: a missing key starts full), the one full for longest;
// else the least recently used.
func (s *shard) evict(now int64) {
	e, ok := s.firstFull(now)
	if !ok {
		e = s.L.Oldest()
	}
	s.All++
	if *s.L.Value(e) > now {
		s.Live++ // still refilling: its key gets a full bucket back
	}
	s.L.RemoveEntry(e)
}

// tatItem records that entry e had full time tat when it was pushed.
type tatItem struct {
	tat int64
	e   uint32
}

// tatHeap is a min-heap of tatItems by tat. It is lazy: a take that
// changes a bucket's full time pushes a new item and leaves the old one,
// which is stale from then on, as is the item of an evicted bucket. Every
// held bucket has an item for its current full time, so the first valid
// item is the bucket that is full soonest (or has been full longest).
type tatHeap []tatItem

// valid reports whether it still describes its entry.
func (s *shard) valid(it tatItem) bool {
	return s.L.Held(it.e) && *s.L.Value(it.e) == it.tat
}

// firstFull removes stale items from the top of the heap and returns the
// entry of the first valid one, removing it too, if its bucket is full at
// now.
func (s *shard) firstFull(now int64) (uint32, bool) {
	for len(s.full) > 0 {
		it := s.full[0]
		if s.valid(it) {
			if it.tat > now {
				return 0, false
			}
			s.full.pop()
			return it.e, true
		}
		s.full.pop()
	}
	return 0, false
}

// push adds it to the heap. When the heap's array is full it is first
// rebuilt from the buckets (one item each, in one pass over the entries),
// and the array grows only if that freed less than half of it: the heap
// stays within a few times the number of buckets, and a shard in steady use
// allocates nothing.
func (s *shard) push(it tatItem) {
	if len(s.full) == cap(s.full) && len(s.full) >= 64 {
		h := s.full[:0]
		for e := range uint32(s.L.Entries()) {
			if s.L.Held(e) {
				h = append(h, tatItem{tat: *s.L.Value(e), e: e})
			}
		}
		for i := len(h)/2 - 1; i >= 0; i-- {
			h.down(i)
		}
		if len(h) > cap(h)/2 {
			h = slices.Grow(h, cap(h))
		}
		s.full = h
	}
	s.full = append(s.full, it)
	s.full.up(len(s.full) - 1)
}

// pop removes the top item.
func (h *tatHeap) pop() {
	n := len(*h) - 1
	(*h)[0] = (*h)[n]
	*h = (*h)[:n]
	h.down(0)
}

func (h tatHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].tat <= h[i].tat {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (h tatHeap) down(i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1].tat < h[c].tat {
			c++
		}
		if h[i].tat <= h[c].tat {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
