package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/bits"
	"runtime"
	"time"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/internal/clock"
	"github.com/hookguard/hookguard/internal/lru"
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
// Memory never holds more than MaxKeys buckets. A bucket is 8 bytes of
// state (the time at which it is full again) in a pointer-free entry of an
// LRU list, found through an open-addressing index, plus one or two items
// of a heap of full times: at most about 100 bytes per key (7 MiB measured
// for 100 000 keys), and a new key allocates nothing but table growth. Keys
// themselves are not stored: a bucket is identified by a 64-bit hash of its
// key under a random per-Memory seed (hash/maphash), so a Memory holds no
// personal data. Two distinct keys share a bucket only if their hashes
// collide: about n²/2⁶⁵ for n live keys, and the seed is secret, so a
// client cannot aim for a collision. The bound is enforced per shard
// (MaxKeys is split evenly across shards), so eviction may start a little
// before the total reaches MaxKeys. When a shard is at its share and a new
// key arrives, one bucket is evicted:
//
//   - a full bucket if there is one: it has refilled completely, so
//     forgetting it loses nothing (a missing key starts full);
//   - else the least recently used bucket, every take counting as a use,
//     refused ones included: a client that keeps knocking keeps its
//     drained bucket.
//
// A bucket evicted before it is full was still refilling: if its key
// returns, it gets a full bucket back, so it can gain up to burst tokens
// more than the rate allows. Stats counts such evictions apart
// (EvictedLive); size MaxKeys above the number of keys active within one
// refill window (burst/r) so that it stays zero in normal operation, and
// watch it during a flood of spoofed or rotating keys.
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
// A Memory is safe for concurrent use, and Take is atomic per key: each
// shard has one mutex, as golang.org/x/time/rate's Limiter does, and keys
// are spread over the shards by their hash.
//
// The zero Memory is not usable; construct one with NewMemory or
// NewMemoryWithOptions.
type Memory struct {
	p      policy
	clk    clock.Clock // bucket times are nanoseconds on this clock
	seed   maphash.Seed
	mask   uint64 // h&mask is a key's shard
	shards []shard
	max    int
}

var _ Limiter = (*Memory)(nil)

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
	// serialises the takes of its keys), rounded up
	// to a power of two and lowered to at most MaxKeys; 0 means
	// 4×GOMAXPROCS (at most 256).
	Shards int
	// Policy names the quota policy in the RateLimit header fields written
	// from this limiter's decisions; empty means DefaultPolicy.
	Policy string
}

// NewMemory returns a Memory allowing r requests per second per key with the
// given burst, holding at most maxKeys keys, or an error if burst < 1,
// r <= 0 (rate.Inf is allowed) or maxKeys < 1. Use NewMemoryWithOptions for
// a clock or a policy name.
func NewMemory(r rate.Limit, burst, maxKeys int) (*Memory, error) {
	return NewMemoryWithOptions(MemoryOptions{Rate: r, Burst: burst, MaxKeys: maxKeys})
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
	if o.MaxKeys > lru.MaxCap {
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
		mask:   uint64(n - 1),
		shards: make([]shard, n),
		max:    o.MaxKeys,
	}
	for i := range m.shards {
		c := o.MaxKeys / n
		if i < o.MaxKeys%n {
			c++
		}
		m.shards[i].L.Init(c)
	}
	return m, nil
}

// Take implements Limiter: it consumes one token of key's bucket at the
// current time of the limiter's clock. It never returns an error and never
// blocks on anything but its shard's mutex; ctx is unused.
func (m *Memory) Take(ctx context.Context, key string) (Decision, error) {
	return m.take(key, m.clk.Now()), nil
}

// TakeAt is Take at the explicit time now, the twin of x/time/rate's
// AllowN(t, 1), for tests that drive time: the bucket is brought to now,
// then one token is taken if available. now is taken on the limiter's
// clock: a time.Now reading for a limiter made without MemoryOptions.Now
// (its monotonic part is used), a reading of that Now otherwise.
func (m *Memory) TakeAt(key string, now time.Time) Decision {
	return m.take(key, m.clk.At(now))
}

// take is Take at t, in nanoseconds on m's clock. It allocates nothing (a
// new key may grow its shard's table, up to the size MaxKeys needs).
func (m *Memory) take(key string, t int64) Decision {
	h := maphash.String(m.seed, key)
	return m.shards[h&m.mask].take(&m.p, lru.Digest{h}, t)
}

// Stats is a snapshot of a Memory's occupancy and evictions, in the words
// of replay.Stats.
type Stats struct {
	// Keys is the number of buckets currently held.
	Keys int
	// Capacity is the configured cap, MaxKeys.
	Capacity int
	// Evictions counts every bucket evicted to make room for a new key.
	Evictions uint64
	// EvictedLive is the part of Evictions that were not full: each one
	// may have handed its key up to burst extra tokens. Non-zero means
	// MaxKeys is too small for the traffic (or a key-spraying flood).
	EvictedLive uint64
}

// Stats returns current counters. It locks each shard in turn, so the
// snapshot is consistent per shard, not across shards.
func (m *Memory) Stats() Stats {
	keys, ev := lru.Total(len(m.shards), func(i int) *lru.Shard[int64] { return &m.shards[i].Shard })
	return Stats{Keys: keys, Capacity: m.max, Evictions: ev.All, EvictedLive: ev.Live}
}
