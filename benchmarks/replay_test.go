package benchmarks

import (
	"context"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/hookguard/hookguard/replay"
)

// No peer library offers an atomic claim / complete / release dedup store,
// so replay.Memory is measured against the design the project's style guide
// started from: golang-lru/v2's simplelru under sharded mutexes with lazy
// expiry (and the same second-chance eviction for in-flight claims, the
// same 128-bit key digests), which replay.Memory used until it moved the
// same structure into pointer-free arrays.

// lruStore is that baseline, a replay.Store; TestReplayStoresAgree checks
// that it answers like replay.Memory.
type lruStore struct {
	shards []lruShard
	seeds  [2]maphash.Seed
	base   time.Time
}

type lruShard struct {
	mu  sync.Mutex
	lru *simplelru.LRU[[2]uint64, int64] // expiry<<1 | done
	cap int
	_   [64]byte
}

func newLRUStore(capacity int) *lruStore {
	n := 64
	s := &lruStore{shards: make([]lruShard, n), seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, base: time.Now()}
	for i := range s.shards {
		c := capacity / n
		if i < capacity%n {
			c++
		}
		l, err := simplelru.NewLRU[[2]uint64, int64](c+1, nil)
		if err != nil {
			panic(err)
		}
		s.shards[i] = lruShard{lru: l, cap: c}
	}
	return s
}

func (s *lruStore) lookup(key string) (*lruShard, [2]uint64) {
	d := [2]uint64{maphash.String(s.seeds[0], key), maphash.String(s.seeds[1], key)}
	return &s.shards[d[0]&uint64(len(s.shards)-1)], d
}

func (s *lruStore) Claim(ctx context.Context, key string, lease time.Duration) (replay.State, error) {
	if err := ctx.Err(); err != nil {
		return replay.InFlight, err
	}
	if lease <= 0 {
		lease = replay.DefaultLease
	}
	sh, d := s.lookup(key)
	now := int64(time.Since(s.base))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	r, ok := sh.lru.Peek(d)
	if ok && now < r>>1 {
		if r&1 != 0 {
			return replay.Done, nil
		}
		return replay.InFlight, nil
	}
	if !ok && sh.lru.Len() >= sh.cap {
		sh.evict(now)
	}
	sh.lru.Add(d, (now+int64(lease))<<1)
	return replay.Fresh, nil
}

func (s *lruStore) Complete(ctx context.Context, key string, keep time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if keep <= 0 {
		keep = replay.DefaultKeep
	}
	sh, d := s.lookup(key)
	now := int64(time.Since(s.base))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !sh.lru.Contains(d) && sh.lru.Len() >= sh.cap {
		sh.evict(now)
	}
	sh.lru.Add(d, (now+int64(keep))<<1|1)
	return nil
}

func (s *lruStore) Release(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sh, d := s.lookup(key)
	now := int64(time.Since(s.base))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if r, ok := sh.lru.Peek(d); ok && (r&1 == 0 || now >= r>>1) {
		sh.lru.Remove(d)
	}
	return nil
}

// evict drops the oldest record, giving live in-flight claims up to four
// second chances, as replay.Memory does.
func (sh *lruShard) evict(now int64) {
	chances := min(4, sh.lru.Len()-1)
	for chance := 0; ; chance++ {
		d, r, ok := sh.lru.GetOldest()
		if !ok {
			return
		}
		if now < r>>1 && r&1 == 0 && chance < chances {
			sh.lru.Get(d)
			continue
		}
		sh.lru.RemoveOldest()
		return
	}
}

// replayStores are the stores compared.
var replayStores = []struct {
	name string
	new  func(capacity int) replay.Store
}{
	{"hookguard", func(c int) replay.Store { return replay.NewMemory(c) }},
	{"simplelru-sharded", func(c int) replay.Store { return newLRUStore(c) }},
}

// TestReplayStoresAgree checks both stores give the same answers to one
// sequence of claims, completions and releases.
func TestReplayStoresAgree(t *testing.T) {
	ctx := context.Background()
	for _, s := range replayStores {
		t.Run(s.name, func(t *testing.T) {
			st := s.new(1000)
			check := func(key string, want replay.State) {
				t.Helper()
				got, err := st.Claim(ctx, key, time.Minute)
				if err != nil || got != want {
					t.Fatalf("Claim(%q) = %v, %v; want %v", key, got, err, want)
				}
			}
			check("a", replay.Fresh)
			check("a", replay.InFlight)
			if err := st.Complete(ctx, "a", time.Hour); err != nil {
				t.Fatal(err)
			}
			check("a", replay.Done)
			check("b", replay.Fresh)
			if err := st.Release(ctx, "b"); err != nil {
				t.Fatal(err)
			}
			check("b", replay.Fresh)
			for i := range 5000 { // churn well past capacity
				k := fmt.Sprint("k", i)
				check(k, replay.Fresh)
				if err := st.Complete(ctx, k, time.Hour); err != nil {
					t.Fatal(err)
				}
			}
			check("k4999", replay.Done)
			check("a", replay.Fresh) // evicted long ago
		})
	}
}

// BenchmarkReplayClaimComplete is Claim + Complete of a new event ID in a
// full store of the default capacity (100 000): every claim evicts the
// oldest record, the steady state of a busy receiver. Keys are built
// before the timer.
func BenchmarkReplayClaimComplete(b *testing.B) {
	const capacity = replay.DefaultCapacity
	const w = len("6:stripe:evt_0000000000000000")
	const n = 1 << 18 // more keys than capacity: a key seen again was evicted
	var sb strings.Builder
	sb.Grow(n * w)
	for i := range n {
		fmt.Fprintf(&sb, "6:stripe:evt_%016x", uint64(i)*0x9E3779B97F4A7C15)
	}
	all := sb.String()
	key := func(i int) string { i %= n; return all[i*w : (i+1)*w] }
	ctx := context.Background()
	for _, s := range replayStores {
		b.Run(s.name, func(b *testing.B) {
			st := s.new(capacity)
			for i := range capacity {
				_, _ = st.Claim(ctx, key(i), 0)
				_ = st.Complete(ctx, key(i), 0)
			}
			i := capacity
			timeOps(b, 256, func() error {
				k := key(i)
				i++
				if got, err := st.Claim(ctx, k, 0); got != replay.Fresh || err != nil {
					return fmt.Errorf("Claim = %v, %v; want Fresh", got, err)
				}
				return st.Complete(ctx, k, 0)
			})
		})
	}
}
