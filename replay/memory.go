package replay

import (
	"context"
	"hash/maphash"
	"math"
	"math/bits"
	"time"

	"github.com/hookguard/hookguard/internal/clock"
	"github.com/hookguard/hookguard/internal/lru"
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
// index over a doubly linked list) laid out in two pointer-free arrays: a
// new key costs no allocation and no work for the garbage collector. It
// starts no goroutine: expired records are dropped lazily when a call
// touches them or when a full shard needs room, by the store's clock. A
// Memory is safe for concurrent use; its zero value is not usable, call
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
// counted in Stats.EvictedLive: each one re-opens replay for its ID (a
// retry of that event would be processed again), and an evicted in-flight
// claim lets a concurrent duplicate run. If it grows, raise the capacity or
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
	clk      clock.Clock // expiry times are nanoseconds on this clock
	capacity int
}

// shard is one lock's worth of a Memory.
type shard = lru.Shard[record]

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
		for capacity/n >= lru.MaxCap {
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
		for capacity/n >= lru.MaxCap {
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
		m.shards[i].L.Init(c)
	}
	return m
}

// lookup returns the shard holding key and the key's digest: two 64-bit
// maphashes under independent random seeds, so a false match needs a
// 128-bit collision under seeds chosen at random per store.
func (m *Memory) lookup(key string) (*shard, lru.Digest) {
	d := lru.Digest{maphash.String(m.seeds[0], key), maphash.String(m.seeds[1], key)}
	return &m.shards[d[0]&m.mask], d
}

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
	return m.claim(sh, d, lease, m.clk.Now()), nil
}

// ClaimAt is Claim at the explicit time now instead of a reading of the
// store's clock, the twin of ratelimit's Memory.TakeAt, for tests that
// drive time. now is taken on the store's clock: a time.Now reading for a
// store made without MemoryOptions.Now (its monotonic part is used), a
// reading of that Now otherwise. It takes no context and never fails.
func (m *Memory) ClaimAt(key string, lease time.Duration, now time.Time) State {
	s, d := m.lookup(key)
	return m.claim(s, d, lease, m.clk.At(now))
}

// claim is Claim of the key with digest d, in shard s, at now in
// nanoseconds on the store's clock.
func (m *Memory) claim(s *shard, d lru.Digest, lease time.Duration, now int64) State {
	if lease <= 0 {
		lease = DefaultLease
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	e, _, ok := s.L.Get(d)
	if ok {
		if r := *s.L.Value(e); r.live(now) {
			if r.done() {
				return Done
			}
			return InFlight
		}
	}
	put(s, d, e, ok, newRecord(expiry(now, lease), false), now)
	return Fresh
}

// Complete implements Store. On a cancelled context it changes nothing.
func (m *Memory) Complete(ctx context.Context, key string, keep time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, d := m.lookup(key)
	m.complete(s, d, keep, m.clk.Now())
	return nil
}

// CompleteAt is Complete at the explicit time now (see ClaimAt): key is
// remembered as processed until now+keep on the store's clock. It takes no
// context and never fails.
func (m *Memory) CompleteAt(key string, keep time.Duration, now time.Time) {
	s, d := m.lookup(key)
	m.complete(s, d, keep, m.clk.At(now))
}

// complete is Complete of the key with digest d, in shard s, at now in
// nanoseconds on the store's clock.
func (m *Memory) complete(s *shard, d lru.Digest, keep time.Duration, now int64) {
	if keep <= 0 {
		keep = DefaultKeep
	}
	s.Mu.Lock()
	e, _, ok := s.L.Get(d)
	put(s, d, e, ok, newRecord(expiry(now, keep), true), now)
	s.Mu.Unlock()
}

// Release implements Store. On a cancelled context it changes nothing.
func (m *Memory) Release(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, d := m.lookup(key)
	s.Mu.Lock()
	if e, pos, ok := s.L.Get(d); ok {
		if r := *s.L.Value(e); !r.done() || !r.live(m.clk.Now()) {
			s.L.Remove(e, pos)
		}
	}
	s.Mu.Unlock()
	return nil
}

// put gives d the record r as the most recent: in its entry e when held
// (ok), else in a new one, first evicting a record if the shard is full.
// s.Mu is held.
func put(s *shard, d lru.Digest, e uint32, ok bool, r record, now int64) {
	if ok {
		*s.L.Value(e) = r
		s.L.ToFront(e)
		return
	}
	if s.L.Full() {
		evict(s, now)
	}
	s.L.Add(d, r)
}

// evict drops one record of a full shard. s.Mu is held.
func evict(s *shard, now int64) {
	// Each second chance moves the oldest record to the front; at most
	// n-1 of them, so the record evicted after them was never given one
	// during this eviction.
	chances := min(secondChances, s.L.Len()-1)
	for chance := 0; ; chance++ {
		e := s.L.Oldest()
		r := *s.L.Value(e)
		live := r.live(now)
		if live && !r.done() && chance < chances {
			s.L.ToFront(e) // a second chance
			continue
		}
		s.L.RemoveEntry(e)
		s.All++
		if live {
			s.Live++
			if !r.done() {
				s.InFlight++
			}
		}
		return
	}
}

// Stats is a snapshot of a memory store's size and evictions, for sizing
// it. The counters only grow. ratelimit.Stats uses the same words.
type Stats struct {
	// Keys is the number of records held now, including expired ones not
	// yet dropped (expiry is lazy).
	Keys int
	// Capacity is the hard bound on records held.
	Capacity int
	// Evictions counts every record dropped to make room for a new key.
	Evictions uint64
	// EvictedLive is the part of Evictions that were still live. Each
	// re-opened replay for its ID: a retry of that event inside its keep
	// would be processed again.
	EvictedLive uint64
	// EvictedInFlight is the part of EvictedLive that were claims still
	// in flight, which let a concurrent duplicate run; it should stay zero.
	EvictedInFlight uint64
}

// Stats returns current counters. It locks each shard in turn, so it is a
// consistent snapshot per shard, not across shards.
func (m *Memory) Stats() Stats {
	keys, ev := lru.Total(len(m.shards), func(i int) *shard { return &m.shards[i] })
	return Stats{Keys: keys, Capacity: m.capacity, Evictions: ev.All, EvictedLive: ev.Live, EvictedInFlight: ev.InFlight}
}
