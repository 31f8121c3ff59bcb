package replay

import (
	"context"
	"hash/maphash"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/hookguard/hookguard/internal/clock"
	"github.com/hookguard/hookguard/internal/prefetch"
)

var _ Store = (*Memory)(nil)

// secondChances bounds how many live in-flight claims an eviction moves
// from the back of a shard to the front before it evicts one anyway.
const secondChances = 4

// minShardCap is the smallest per-shard capacity the automatic shard count
// aims for: small stores get few shards so their eviction order stays close
// to a single LRU.
const minShardCap = 256

// maxShards caps the automatic shard count.
const maxShards = 64

// MemoryOptions configures NewMemoryWithOptions. The zero value gives the
// same store as NewMemory(0).
type MemoryOptions struct {
	// Capacity is the hard bound on the number of keys held, in flight
	// and done together. <= 0 means DefaultCapacity (100 000).
	Capacity int

	// Now is the store's clock; nil means time.Now. Expiry is lazy and
	// read from this clock on every call, so a fake clock (or
	// testing/synctest, whose time.Now is fake) drives expiry without
	// sleeping. Now must be safe for concurrent use. Durations are
	// measured as Now() minus the store's creation time, so with time.Now
	// they use the monotonic clock: a wall-clock step neither expires
	// records early nor keeps them longer.
	Now func() time.Time

	// Shards is the number of independently locked shards, rounded up to a
	// power of two and capped at Capacity. 0 picks one shard per 256 keys
	// of capacity, between 1 and 64. Use 1 for a strict single LRU. More
	// shards are used when needed to keep each under 2^30 keys.
	Shards int
}

// Memory is a bounded in-process Store: a set of shards, each a
// least-recently-written list under its own mutex, selected by a maphash of
// the key. Each shard has the structure of golang-lru/v2's simplelru (a hash
// index over a doubly linked list) laid out in two pointer-free arrays, so
// that a new key costs two cache misses instead of four, no allocation, and
// no work for the garbage collector. It starts no goroutine: expired records are dropped lazily when a
// call touches them or when a full shard needs room, by the store's clock.
// A Memory is safe for concurrent use; its zero value is not usable, call
// NewMemory or NewMemoryWithOptions.
//
// # Capacity and eviction
//
// The store never holds more than its capacity. Each shard orders its
// records by last write (Claim of a fresh key and Complete move a key to
// the front; a Claim answering InFlight or Done does not). When a shard is
// full and needs room for a new key it looks at its oldest record:
//
//   - expired: dropped, at no cost to safety;
//   - a live in-flight claim: given a second chance (moved to the front,
//     its handler is probably still running), at most 4 times per
//     eviction, after which the oldest record is evicted whatever it is;
//   - a live done record: evicted.
//
// With one keep for all keys, as the middleware uses, the oldest done
// record is also the done record closest to expiry, so "evict the entry
// closest to expiry" and "the newest keys survive" agree; with mixed keeps
// the order is by write time. Every eviction of a still-live record is
// counted in Stats: each one re-opens replay for its ID (a retry of that
// event would be processed again), and an evicted in-flight claim lets a
// concurrent duplicate run. If Stats.Evicted grows, raise the capacity or
// use a shared store.
//
// The store keeps a 128-bit keyed digest of each key, not the key itself,
// so its memory does not depend on key length (at most 32 bytes of entry
// plus 16 of index per record: under 5 MiB for a full store of 100 000, in
// arrays that grow with use) and it never retains a caller's string.
type Memory struct {
	shards   []shard
	mask     uint64
	seeds    [2]maphash.Seed
	clk      // expiry times are nanoseconds on this clock
	capacity int
	// prefetching is set by the first Prefetch: only then do changes
	// publish what Prefetch reads (shard.publish), so a store that is
	// never prefetched pays nothing for it.
	prefetching atomic.Bool
}

// clk is the store's clock, embedded under an unexported name: the
// middleware learns through it whether the store reads the real clock
// (see package internal/clock).
type clk = clock.Source

// digest identifies a key inside the store: two 64-bit maphashes of it
// under independent random seeds. Holding a fixed-size digest instead of
// the key string bounds memory whatever the keys' length, never pins a
// caller's buffer, and keeps an entry at 32 bytes; a false match
// needs a 128-bit collision under seeds chosen at random per store.
type digest [2]uint64

// record is the value held per key, 8 bytes: the expiry (nanoseconds on
// the store's clock, live while now < expiry) shifted left by one, with the
// low bit set for a done record, so that an entry fits in 32 bytes. Times
// are clamped to ±2^62 ns (±146 years around the store's creation), far
// beyond any lease or keep.
type record int64

const (
	maxTime = math.MaxInt64 >> 1
	minTime = math.MinInt64 >> 1
)

// clampTime brings t into the range a record can hold.
func clampTime(t int64) int64 { return min(max(t, minTime), maxTime) }

func newRecord(exp int64, done bool) record {
	r := record(clampTime(exp) << 1)
	if done {
		r |= 1
	}
	return r
}

// done reports whether the record is a completed event (else in flight).
func (r record) done() bool { return r&1 != 0 }

// live reports whether the record has not expired at now.
func (r record) live(now int64) bool { return clampTime(now) < int64(r>>1) }

// shard is one lock's worth of a Memory. Its size is a multiple of 64 bytes
// and its mutex is followed by the list fields every new key writes, so a
// shard's hot fields share one cache line and no two shards share one.
type shard struct {
	mu              sync.Mutex
	lru             lru
	evicted         uint64
	evictedInFlight uint64
	// idx and victim are what Prefetch reads without the lock, published
	// under it (publish): a snapshot of lru.idx, replaced when it grows,
	// and the fragment of the digest of the record the next new key will
	// evict, the list's tail.
	idx    atomic.Pointer[[]uint64]
	victim atomic.Uint32
	_      [4]byte // to 128 bytes (TestShardLayout)
}

// publish refreshes what Prefetch reads, after a change. s.mu is held.
func (s *shard) publish() {
	l := &s.lru
	if p := s.idx.Load(); p == nil || len(*p) != len(l.idx) {
		idx := l.idx // idx only grows: a new length is a new array
		s.idx.Store(&idx)
	}
	if l.tail != none {
		if f := fragment(l.ents[l.tail].d); f != s.victim.Load() {
			s.victim.Store(f)
		}
	}
}

// NewMemory returns an in-memory Store holding at most capacity keys
// (capacity <= 0 means DefaultCapacity, 100 000), reading time.Now. See
// Memory for the eviction policy and NewMemoryWithOptions for a clock.
func NewMemory(capacity int) *Memory {
	return NewMemoryWithOptions(MemoryOptions{Capacity: capacity})
}

// NewMemoryWithOptions returns an in-memory Store configured by o; zero
// fields mean the documented defaults.
func NewMemoryWithOptions(o MemoryOptions) *Memory {
	capacity := o.Capacity
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	n := o.Shards
	if n <= 0 {
		n = min(max(capacity/minShardCap, 1), maxShards)
		n = 1 << (bits.Len(uint(n)) - 1) // round down to a power of two
		for capacity/n >= maxLRUCap {
			n <<= 1
		}
	} else {
		n = min(n, capacity)
		if n&(n-1) != 0 {
			n = 1 << bits.Len(uint(n)) // round up to a power of two
		}
		for n > capacity {
			n >>= 1
		}
		for capacity/n >= maxLRUCap {
			n <<= 1
		}
	}
	m := &Memory{
		shards:   make([]shard, n),
		mask:     uint64(n - 1),
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		clk:      clock.New(o.Now),
		capacity: capacity,
	}
	for i := range m.shards {
		c := capacity / n
		if i < capacity%n {
			c++
		}
		m.shards[i].lru.init(c)
	}
	return m
}

// lookup returns the shard holding key and the key's digest.
func (m *Memory) lookup(key string) (*shard, digest) {
	d := digest{maphash.String(m.seeds[0], key), maphash.String(m.seeds[1], key)}
	return &m.shards[d[0]&m.mask], d
}

// clock returns the store's current time in nanoseconds on its clock
// (with the real clock, a read of the monotonic clock alone).
func (m *Memory) clock() int64 { return clock.Now(&m.clk) }

// expiry returns now+d, saturating instead of overflowing.
func expiry(now int64, d time.Duration) int64 {
	if e := now + int64(d); e >= now {
		return e
	}
	return math.MaxInt64
}

// Claim implements Store. On a cancelled context it changes nothing and
// returns InFlight with the context's error.
func (m *Memory) Claim(ctx context.Context, key string, lease time.Duration) (State, error) {
	if err := ctx.Err(); err != nil {
		return InFlight, err
	}
	sh, d := m.lookup(key)
	return m.claim(sh, d, lease, m.clock()), nil
}

// ClaimAt is Claim at the explicit time now instead of a reading of the
// store's clock, the twin of ratelimit's Memory.TakeAt: for a caller that
// has just read the clock (the middleware reads it once per delivery) and
// for tests. now is taken on the store's clock: a time.Now reading for a
// store made without MemoryOptions.Now (its monotonic part is used), a
// reading of that Now otherwise. It takes no context and never fails.
func (m *Memory) ClaimAt(key string, lease time.Duration, now time.Time) State {
	s, d := m.lookup(key)
	return m.claim(s, d, lease, clock.At(&m.clk, now))
}

// claim is Claim of the key with digest d, in shard s, at now in
// nanoseconds on the store's clock.
func (m *Memory) claim(s *shard, d digest, lease time.Duration, now int64) State {
	if lease <= 0 {
		lease = DefaultLease
	}
	s.mu.Lock()
	l := &s.lru
	if e, _, ok := l.get(d); ok {
		r := l.ents[e].r
		if r.live(now) {
			s.mu.Unlock()
			if r.done() {
				return Done
			}
			return InFlight
		}
		l.set(e, newRecord(expiry(now, lease), false))
	} else {
		s.insert(d, newRecord(expiry(now, lease), false), now)
	}
	if m.prefetching.Load() {
		s.publish()
	}
	s.mu.Unlock()
	return Fresh
}

// Prefetch tells the store that key is about to be claimed: it starts
// loading, without waiting, the memory a Claim of key will write (key's
// slot in its shard's index, and that of the record a new key would evict),
// so that those cache misses overlap with whatever the caller does next.
// The middleware calls it with a delivery's event ID before it checks the
// signature, whose hashing takes long enough to hide them. It changes
// nothing, takes no lock and never blocks. A store that has been
// prefetched once keeps what Prefetch reads up to date on every change
// (a few nanoseconds each); one that never is pays nothing.
func (m *Memory) Prefetch(key string) {
	if !m.prefetching.Load() {
		m.prefetching.Store(true) // from now on, changes publish
	}
	s, d := m.lookup(key)
	p := s.idx.Load()
	if p == nil {
		return // nothing published in this shard yet
	}
	idx := *p
	mask := len(idx) - 1
	prefetch.Write(unsafe.Pointer(&idx[int(fragment(d))&mask]))
	prefetch.Write(unsafe.Pointer(&idx[int(s.victim.Load())&mask]))
}

// Complete implements Store. On a cancelled context it changes nothing.
func (m *Memory) Complete(ctx context.Context, key string, keep time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, d := m.lookup(key)
	m.complete(s, d, keep, m.clock())
	return nil
}

// CompleteAt is Complete at the explicit time now (see ClaimAt): key is
// remembered as processed until now+keep on the store's clock. It takes no
// context and never fails.
func (m *Memory) CompleteAt(key string, keep time.Duration, now time.Time) {
	s, d := m.lookup(key)
	m.complete(s, d, keep, clock.At(&m.clk, now))
}

// complete is Complete of the key with digest d, in shard s, at now in
// nanoseconds on the store's clock.
func (m *Memory) complete(s *shard, d digest, keep time.Duration, now int64) {
	if keep <= 0 {
		keep = DefaultKeep
	}
	r := newRecord(expiry(now, keep), true)
	s.mu.Lock()
	if e, _, ok := s.lru.get(d); ok {
		s.lru.set(e, r)
	} else {
		s.insert(d, r, now)
	}
	if m.prefetching.Load() {
		s.publish()
	}
	s.mu.Unlock()
}

// Release implements Store. On a cancelled context it changes nothing.
func (m *Memory) Release(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, d := m.lookup(key)
	s.mu.Lock()
	if e, pos, ok := s.lru.get(d); ok {
		if r := s.lru.ents[e].r; !r.done() || !r.live(m.clock()) {
			s.lru.remove(e, pos)
			if m.prefetching.Load() {
				s.publish()
			}
		}
	}
	s.mu.Unlock()
	return nil
}

// insert adds d, known absent, as the most recent record, first evicting
// one record if the shard is full. s.mu is held.
func (s *shard) insert(d digest, r record, now int64) {
	if s.lru.n >= s.lru.cap {
		s.evict(now)
	}
	s.lru.add(d, r)
}

// evict drops one record of a full shard. s.mu is held.
func (s *shard) evict(now int64) {
	l := &s.lru
	// Each second chance moves the oldest record to the front; at most
	// n-1 of them, so the record evicted after them was never given one
	// during this eviction.
	chances := min(secondChances, l.n-1)
	for chance := 0; ; chance++ {
		e := l.tail
		r := l.ents[e].r
		live := r.live(now)
		if live && !r.done() && chance < chances {
			l.toFront(e) // a second chance
			continue
		}
		l.removeOldest()
		if live {
			s.evicted++
			if !r.done() {
				s.evictedInFlight++
			}
		}
		return
	}
}

// Stats is a snapshot of a memory store's size and evictions, for sizing
// it. The counters only grow.
type Stats struct {
	// Capacity is the hard bound on records held.
	Capacity int
	// Len is the number of records held now, including expired ones not
	// yet dropped (expiry is lazy).
	Len int
	// Evicted counts records dropped to make room while still live. Each
	// re-opened replay for its ID: a retry of that event inside its keep
	// would be processed again. Expired records dropped are not counted.
	Evicted uint64
	// EvictedInFlight is the part of Evicted that were claims still in
	// flight, which let a concurrent duplicate run; it should stay zero.
	EvictedInFlight uint64
}

// Stats returns current counters. It locks each shard in turn, so it is a
// consistent snapshot per shard, not across shards.
func (m *Memory) Stats() Stats {
	st := Stats{Capacity: m.capacity}
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		st.Len += s.lru.n
		st.Evicted += s.evicted
		st.EvictedInFlight += s.evictedInFlight
		s.mu.Unlock()
	}
	return st
}
