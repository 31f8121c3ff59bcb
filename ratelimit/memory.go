package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/internal/clock"
	"github.com/hookguard/hookguard/internal/prefetch"
)

// Memory is an in-process Limiter: one token bucket per key, sharded across
// independently locked partitions, holding at most MaxKeys buckets.
//
// Each key's bucket holds up to burst tokens and refills at r tokens per
// second, exactly like a golang.org/x/time/rate.Limiter of the same rate and
// burst; a key seen for the first time starts full. Take consumes one token
// when one is available. A refused request consumes nothing.
//
// # Memory bound
//
// Memory never holds more than MaxKeys buckets. A bucket is a 16-byte slot in
// an open-addressing table per shard, sized to a power of two that keeps the
// load at or below 3/4, so the tables reach at most 22 to 43 bytes per key
// (about 4 MiB for 100 000 keys), and a new key allocates nothing but table
// growth. Keys themselves are not stored: a bucket is identified by 61 bits
// of a hash of its key under a random per-Memory seed (hash/maphash), so a
// Memory holds no personal data. Two distinct keys share a bucket only if
// those bits collide: about n²/2⁶² for n live keys (2×10⁻⁹ at 100 000), and
// the seed is secret, so a client cannot aim for a collision. The bound is
// enforced per shard (MaxKeys is split evenly across shards), so eviction may
// start a little before the total reaches MaxKeys. When a shard
// is at its share and a new key arrives, one bucket is evicted:
//
//   - a full bucket first: it has refilled completely, so forgetting it loses
//     nothing (a missing key starts full). The eviction hand examines at
//     least 8 buckets for one;
//   - else the least recently used, approximated by CLOCK (second chance):
//     the first bucket not used since the hand last passed it. New buckets
//     start unmarked, so a flood of one-off keys evicts its own buckets
//     before those of clients that come back.
//
// A bucket evicted before it is full was still refilling: if its key returns,
// it gets a full bucket back, so it can gain up to burst tokens more than the
// rate allows. Stats counts such evictions apart (EvictedDraining); size
// MaxKeys above the number of keys active within one refill window
// (burst/r) so that it stays zero in normal operation, and watch it during a
// flood of spoofed or rotating keys.
//
// # Time
//
// Take reads the clock from MemoryOptions.Now (time.Now by default, so
// testing/synctest's fake clock applies). TakeAt is the explicit-time twin,
// as in x/time/rate: tests drive time instead of sleeping. Time going
// backwards is tolerated (nothing refills; a bucket never gains tokens).
//
// # Concurrency
//
// A Memory is safe for concurrent use, and Take is atomic per key. A take of
// a key that already has a bucket locks that bucket alone (a bit in its
// table slot), so cores taking from different keys write no shared memory;
// a new key, and with it any eviction, locks its shard.
//
// The zero Memory is not usable; construct one with NewMemory or
// NewMemoryWithOptions.
type Memory struct {
	p      policy
	clk    // bucket times are nanoseconds on this clock
	seed   maphash.Seed
	shift  uint // h>>shift is a key's shard: its hash's top bits
	shards []shard
	max    int
}

var _ Limiter = (*Memory)(nil)

// clk is the limiter's clock, embedded under an unexported name: the
// middleware learns through it whether the limiter reads the real clock
// (see package internal/clock).
type clk = clock.Source

// MemoryOptions configures NewMemoryWithOptions. Rate, Burst and MaxKeys are
// required; zero values of the other fields mean the documented defaults.
type MemoryOptions struct {
	// Rate is the refill rate in tokens per second; rate.Inf admits every
	// request (Decision.Remaining stays at Burst). Rate.Every builds one
	// from an interval. Must be > 0.
	Rate rate.Limit
	// Burst is the bucket capacity: the most requests a key may make at
	// once. Must be >= 1.
	Burst int
	// MaxKeys is the hard cap on buckets held at once. Must be >= 1.
	MaxKeys int
	// Now is the clock Take reads; nil means time.Now.
	Now func() time.Time
	// Shards is the number of independently locked partitions (each
	// serialises the insertions and evictions of its keys), rounded up
	// to a power of two and lowered to at most MaxKeys; 0 means
	// 4×GOMAXPROCS (at most 256).
	Shards int
	// Policy names the quota policy in the RateLimit header fields written
	// from this limiter's decisions; empty means DefaultPolicy.
	Policy string
}

// NewMemory returns a Memory allowing r requests per second per key with the
// given burst, holding at most maxKeys keys. It panics if burst < 1, r <= 0
// (rate.Inf is allowed) or maxKeys < 1: limits are configuration, checked
// once at start-up. Use NewMemoryWithOptions for an error instead, a clock,
// or a policy name.
func NewMemory(r rate.Limit, burst, maxKeys int) *Memory {
	m, err := NewMemoryWithOptions(MemoryOptions{Rate: r, Burst: burst, MaxKeys: maxKeys})
	if err != nil {
		panic(err)
	}
	return m
}

// NewMemoryWithOptions returns a Memory configured by o, or an error when
// o.Rate, o.Burst or o.MaxKeys is invalid (see MemoryOptions).
func NewMemoryWithOptions(o MemoryOptions) (*Memory, error) {
	name := o.Policy
	if name == "" {
		name = DefaultPolicy
	}
	p, err := newPolicy(o.Rate, o.Burst, name)
	if err != nil {
		return nil, err
	}
	if o.MaxKeys < 1 {
		return nil, fmt.Errorf("ratelimit: maxKeys %d < 1", o.MaxKeys)
	}
	if o.MaxKeys > 1<<30 {
		return nil, fmt.Errorf("ratelimit: maxKeys %d too large", o.MaxKeys)
	}
	n := o.Shards
	if n <= 0 {
		n = min(4*runtime.GOMAXPROCS(0), 256)
	}
	n = 1 << bits.Len(uint(n-1)) // round up to a power of two
	for n > o.MaxKeys {
		n >>= 1
	}
	m := &Memory{
		p:      p,
		clk:    clock.New(o.Now),
		seed:   maphash.MakeSeed(),
		shift:  uint(64 - bits.TrailingZeros(uint(n))),
		shards: make([]shard, n),
		max:    o.MaxKeys,
	}
	for i := range m.shards {
		c := o.MaxKeys / n
		if i < o.MaxKeys%n {
			c++
		}
		m.shards[i].init(c)
	}
	return m, nil
}

// Take implements Limiter: it consumes one token of key's bucket at the
// current time of the limiter's clock. It never returns an error and never
// blocks; ctx is unused.
func (m *Memory) Take(ctx context.Context, key string) (Decision, error) {
	h := maphash.String(m.seed, key)
	s := &m.shards[h>>m.shift]
	tb := s.tab.Load()
	want := keyTag(h)
	// Reading the clock waits for every load before it to complete (the
	// time stamp counter is read behind a fence), so a load of the bucket
	// issued before it would add its cache miss to the clock's cost. A
	// prefetch is not waited for: the bucket's line arrives while the
	// clock is read.
	prefetch.Write(unsafe.Pointer(&tb.slots[tb.home(want)]))
	return m.take(s, tb, want, clock.Now(&m.clk)), nil
}

// TakeAt is Take at the explicit time now, the twin of x/time/rate's
// AllowN(t, 1): the bucket is brought to now, then one token is taken if
// available. It allocates nothing (a new key may grow its shard's table, up
// to the size MaxKeys needs). now is taken on the limiter's clock: a
// time.Now reading for a limiter made without MemoryOptions.Now (its
// monotonic part is used), a reading of that Now otherwise.
func (m *Memory) TakeAt(key string, now time.Time) Decision {
	h := maphash.String(m.seed, key)
	s := &m.shards[h>>m.shift]
	return m.take(s, s.tab.Load(), keyTag(h), clock.At(&m.clk, now))
}

// take applies one request at t, in nanoseconds on m's clock, to the bucket
// of the key whose tag is want in shard s, whose table was tb when the take
// began. A key already held takes only its slot's lock; a new key, or one
// the lock-free probe cannot settle, takes the shard mutex (see shard).
func (m *Memory) take(s *shard, tb *table, want uint64, t int64) Decision {
	e, unlock := tb.acquire(want), want|tagRef
	if e == nil {
		s.mu.Lock()
		e, unlock = s.lookup(want, t)
		s.mu.Unlock()
	}
	d := m.p.take(&e.tat, t)
	e.tag.Store(unlock)
	return d
}

// Stats is a snapshot of a Memory's occupancy and evictions.
type Stats struct {
	// Keys is the number of buckets currently held.
	Keys int
	// MaxKeys is the configured cap.
	MaxKeys int
	// Evictions counts every bucket evicted to make room for a new key.
	Evictions uint64
	// EvictedDraining counts the evictions of buckets that were not full:
	// each one may have handed its key up to burst extra tokens. Non-zero
	// means MaxKeys is too small for the traffic (or a key-spraying flood).
	EvictedDraining uint64
}

// Stats returns current counters. It locks each shard in turn, so the
// snapshot is consistent per shard, not across shards.
func (m *Memory) Stats() Stats {
	st := Stats{MaxKeys: m.max}
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		st.Keys += s.n
		st.Evictions += s.evictions
		st.EvictedDraining += s.evictedDraining
		s.mu.Unlock()
	}
	return st
}
