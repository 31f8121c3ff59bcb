package replay_test

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/replay"
)

var ctx = context.Background()

func claim(t *testing.T, s replay.Store, key string, lease time.Duration) replay.State {
	t.Helper()
	st, err := s.Claim(ctx, key, lease)
	require.NoError(t, err)
	return st
}

// newSingleLRU returns a one-shard store with a fake clock, so eviction
// order is that of a single LRU.
func newSingleLRU(capacity int) (*replay.Memory, *fakeClock) {
	c := newFakeClock()
	return replay.NewMemoryWithOptions(replay.MemoryOptions{Capacity: capacity, Shards: 1, Now: c.Now}), c
}

func TestMemoryDefaults(t *testing.T) {
	for _, c := range []int{0, -1} {
		st := replay.NewMemory(c).Stats()
		require.Equal(t, replay.DefaultCapacity, st.Capacity)
		require.Zero(t, st.Keys)
	}
	require.Equal(t, replay.NewMemory(0).Stats(), replay.NewMemoryWithOptions(replay.MemoryOptions{}).Stats())
}

func TestMemoryEvictsOldestDoneFirst(t *testing.T) {
	m, _ := newSingleLRU(4)
	for _, k := range []string{"a", "b", "c", "d"} {
		require.Equal(t, replay.Fresh, claim(t, m, k, time.Minute))
		require.NoError(t, m.Complete(ctx, k, time.Hour))
	}
	require.Equal(t, replay.Fresh, claim(t, m, "e", time.Minute))
	st := m.Stats()
	require.Equal(t, replay.Stats{Keys: 4, Capacity: 4, Evictions: 1, EvictedLive: 1}, st)
	require.Equal(t, replay.Done, claim(t, m, "b", time.Minute))
	require.Equal(t, replay.Fresh, claim(t, m, "a", time.Minute), "the evicted live ID is open to replay again")
	require.Equal(t, uint64(2), m.Stats().EvictedLive) // "b" went to make room for "a"
}

func TestMemoryCompleteMovesToFront(t *testing.T) {
	m, _ := newSingleLRU(3)
	for _, k := range []string{"a", "b", "c"} {
		require.NoError(t, m.Complete(ctx, k, time.Hour))
	}
	require.NoError(t, m.Complete(ctx, "a", time.Hour)) // a is now the newest
	require.NoError(t, m.Complete(ctx, "d", time.Hour)) // evicts b
	require.Equal(t, replay.Done, claim(t, m, "a", time.Minute))
	require.Equal(t, replay.Done, claim(t, m, "c", time.Minute))
	require.Equal(t, replay.Fresh, claim(t, m, "b", time.Minute))
}

func TestMemoryDropsExpiredBeforeLive(t *testing.T) {
	m, clock := newSingleLRU(3)
	require.NoError(t, m.Complete(ctx, "short", time.Minute))
	require.NoError(t, m.Complete(ctx, "b", time.Hour))
	require.NoError(t, m.Complete(ctx, "c", time.Hour))
	clock.Advance(2 * time.Minute)
	require.Equal(t, replay.Fresh, claim(t, m, "d", time.Minute))
	require.Equal(t, replay.Stats{Keys: 3, Capacity: 3, Evictions: 1}, m.Stats(), "an expired record costs no live eviction")
	require.Equal(t, replay.Done, claim(t, m, "b", time.Minute))
	require.Equal(t, replay.Done, claim(t, m, "c", time.Minute))
}

func TestMemoryInFlightGetsSecondChance(t *testing.T) {
	m, _ := newSingleLRU(3)
	require.Equal(t, replay.Fresh, claim(t, m, "inflight", time.Minute))
	require.NoError(t, m.Complete(ctx, "b", time.Hour))
	require.NoError(t, m.Complete(ctx, "c", time.Hour))
	require.Equal(t, replay.Fresh, claim(t, m, "d", time.Minute))
	require.Equal(t, replay.Stats{Keys: 3, Capacity: 3, Evictions: 1, EvictedLive: 1}, m.Stats())
	require.Equal(t, replay.InFlight, claim(t, m, "inflight", time.Minute))
	require.Equal(t, replay.Fresh, claim(t, m, "b", time.Minute), "the oldest done record went instead")
}

func TestMemoryAllInFlightEvictionIsCounted(t *testing.T) {
	m, _ := newSingleLRU(2)
	require.Equal(t, replay.Fresh, claim(t, m, "a", time.Minute))
	require.Equal(t, replay.Fresh, claim(t, m, "b", time.Minute))
	require.Equal(t, replay.Fresh, claim(t, m, "c", time.Minute))
	st := m.Stats()
	require.Equal(t, replay.Stats{Keys: 2, Capacity: 2, Evictions: 1, EvictedLive: 1, EvictedInFlight: 1}, st)
}

func TestMemoryCompleteOfNewKeyInFullShardEvicts(t *testing.T) {
	m, _ := newSingleLRU(1)
	require.NoError(t, m.Complete(ctx, "a", time.Hour))
	require.NoError(t, m.Complete(ctx, "b", time.Hour))
	require.Equal(t, replay.Stats{Keys: 1, Capacity: 1, Evictions: 1, EvictedLive: 1}, m.Stats())
}

func TestMemoryReleaseForgetsExpiredDone(t *testing.T) {
	m, clock := newSingleLRU(10)
	require.NoError(t, m.Complete(ctx, "a", time.Minute))
	clock.Advance(time.Hour)
	require.NoError(t, m.Release(ctx, "a"))
	require.Zero(t, m.Stats().Keys)
}

func TestMemoryHardBound(t *testing.T) {
	for _, tc := range []struct{ capacity, shards int }{
		{1, 0}, {3, 8}, {5, 3}, {1000, 0}, {1000, 64}, {1000, 1000}, {70_000, 0},
	} {
		t.Run(strconv.Itoa(tc.capacity)+"/"+strconv.Itoa(tc.shards), func(t *testing.T) {
			m := replay.NewMemoryWithOptions(replay.MemoryOptions{Capacity: tc.capacity, Shards: tc.shards})
			n := 3*tc.capacity + 100
			for i := range n {
				k := strconv.Itoa(i)
				require.Equal(t, replay.Fresh, claim(t, m, k, time.Minute))
				if i%3 != 0 {
					require.NoError(t, m.Complete(ctx, k, time.Hour))
				}
			}
			st := m.Stats()
			require.Equal(t, tc.capacity, st.Capacity)
			require.LessOrEqual(t, st.Keys, tc.capacity)
			require.GreaterOrEqual(t, st.Keys, tc.capacity*3/4, "shards fill evenly")
			require.Equal(t, uint64(n-st.Keys), st.Evictions)
			require.Equal(t, st.Evictions, st.EvictedLive, "nothing expired")
		})
	}
}

func TestMemoryNewestSurvive(t *testing.T) {
	const capacity = 10_000
	m := replay.NewMemory(capacity)
	for i := range 5 * capacity {
		require.NoError(t, m.Complete(ctx, strconv.Itoa(i), time.Hour))
	}
	// Per-shard LRU: the most recent half of capacity must all be present
	// whatever the hash distribution.
	for i := 5*capacity - capacity/2; i < 5*capacity; i++ {
		require.Equal(t, replay.Done, claim(t, m, strconv.Itoa(i), time.Minute), "key %d", i)
	}
}

// Under testing/synctest time.Now is the bubble's fake clock and
// time.Sleep advances it at once: the default store expires records with
// no injected clock and no goroutine (the bubble would report one left
// running).
func TestMemoryExpirySynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := replay.NewMemory(0)
		require.Equal(t, replay.Fresh, claim(t, m, "a", 0))
		time.Sleep(replay.DefaultLease - time.Second)
		require.Equal(t, replay.InFlight, claim(t, m, "a", 0))
		time.Sleep(2 * time.Second)
		require.Equal(t, replay.Fresh, claim(t, m, "a", 0), "lease expired: the claimer died")
		require.NoError(t, m.Complete(ctx, "a", 0))
		time.Sleep(replay.DefaultKeep - time.Second)
		require.Equal(t, replay.Done, claim(t, m, "a", 0))
		time.Sleep(2 * time.Second)
		require.Equal(t, replay.Fresh, claim(t, m, "a", 0), "keep expired")
	})
}

// TestMemoryClaimAtCompleteAt: the At methods take the caller's time on the
// store's clock, with a fake clock and with the real one, and mix with the
// methods that read the clock themselves.
func TestMemoryClaimAtCompleteAt(t *testing.T) {
	t.Run("fake clock", func(t *testing.T) {
		c := newFakeClock()
		m := replay.NewMemoryWithOptions(replay.MemoryOptions{Now: c.Now})
		t0 := c.Now()
		require.Equal(t, replay.Fresh, m.ClaimAt("a", time.Minute, t0))
		require.Equal(t, replay.InFlight, claim(t, m, "a", 0), "the store's clock agrees")
		require.Equal(t, replay.InFlight, m.ClaimAt("a", time.Minute, t0.Add(time.Minute-1)))
		require.Equal(t, replay.Fresh, m.ClaimAt("a", time.Minute, t0.Add(time.Minute)), "lease over at t0+lease")

		// CompleteAt in the past: remembered until then+keep, not now+keep.
		c.Advance(time.Hour)
		m.CompleteAt("a", 2*time.Hour, t0)
		require.Equal(t, replay.Done, claim(t, m, "a", 0))
		c.Advance(time.Hour - 1)
		require.Equal(t, replay.Done, claim(t, m, "a", 0))
		c.Advance(1)
		require.Equal(t, replay.Fresh, claim(t, m, "a", 0), "keep counted from t0")

		// Zero lease and keep mean the defaults, as for Claim and Complete.
		now := c.Now()
		require.Equal(t, replay.Fresh, m.ClaimAt("b", 0, now))
		require.Equal(t, replay.InFlight, m.ClaimAt("b", 0, now.Add(replay.DefaultLease-1)))
		m.CompleteAt("b", 0, now)
		require.Equal(t, replay.Done, m.ClaimAt("b", 0, now.Add(replay.DefaultKeep-1)))
		require.Equal(t, replay.Fresh, m.ClaimAt("b", 0, now.Add(replay.DefaultKeep)))
	})
	t.Run("real clock", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			m := replay.NewMemory(0)
			require.Equal(t, replay.Fresh, m.ClaimAt("a", time.Minute, time.Now()))
			require.Equal(t, replay.InFlight, claim(t, m, "a", time.Minute))
			time.Sleep(time.Minute)
			require.Equal(t, replay.Fresh, m.ClaimAt("a", time.Minute, time.Now()), "lease over")
			m.CompleteAt("a", time.Hour, time.Now())
			time.Sleep(time.Hour - time.Second)
			require.Equal(t, replay.Done, claim(t, m, "a", 0))
			time.Sleep(time.Second)
			require.Equal(t, replay.Fresh, claim(t, m, "a", 0), "keep over")
		})
	})
}

func TestMemoryConcurrentHandlersSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := replay.NewMemory(1000)
		var (
			mu      sync.Mutex
			handled = map[string]int{}
			wg      sync.WaitGroup
		)
		// 32 deliveries of 8 events, each handler takes 10 s, failures
		// retried every 30 s: each event is handled exactly once.
		for d := range 32 {
			wg.Go(func() {
				key := replay.Key("test", strconv.Itoa(d%8))
				for {
					st, err := m.Claim(ctx, key, time.Minute)
					if err != nil {
						panic(err)
					}
					switch st {
					case replay.Done:
						return
					case replay.InFlight:
						time.Sleep(30 * time.Second)
						continue
					}
					time.Sleep(10 * time.Second)
					mu.Lock()
					handled[key]++
					mu.Unlock()
					if err := m.Complete(ctx, key, time.Hour); err != nil {
						panic(err)
					}
					return
				}
			})
		}
		wg.Wait()
		require.Len(t, handled, 8)
		for k, n := range handled {
			require.Equal(t, 1, n, k)
		}
	})
}

func TestMemoryRaceStress(t *testing.T) {
	c := newFakeClock()
	m := replay.NewMemoryWithOptions(replay.MemoryOptions{Capacity: 256, Now: c.Now})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := strconv.Itoa((i * (g + 1)) % 512)
				st, err := m.Claim(ctx, k, time.Second)
				require.NoError(t, err)
				switch {
				case st != replay.Fresh:
				case i%2 == 0:
					require.NoError(t, m.Complete(ctx, k, time.Minute))
				default:
					require.NoError(t, m.Release(ctx, k))
				}
				if i%100 == 0 {
					c.Advance(time.Second)
					_ = m.Stats()
				}
			}
		})
	}
	wg.Wait()
	require.LessOrEqual(t, m.Stats().Keys, 256)
}

func TestMemoryClaimCompleteAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	m := replay.NewMemory(1000)
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = replay.Key("alloc", strconv.Itoa(i))
	}
	for _, k := range keys[:2000] { // fill: steady state evicts on every claim
		_, _ = m.Claim(ctx, k, 0)
		_ = m.Complete(ctx, k, 0)
	}
	i := 2000
	allocs := testing.AllocsPerRun(1000, func() {
		k := keys[i%len(keys)]
		i++
		if st, _ := m.Claim(ctx, k, 0); st != replay.Fresh {
			t.Fatalf("Claim = %v, want Fresh", st)
		}
		_ = m.Complete(ctx, k, 0)
	})
	require.LessOrEqual(t, allocs, 1.0)
	// A duplicate costs nothing.
	require.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = m.Claim(ctx, keys[(i-1)%len(keys)], 0) }))
}

// TestMemoryHeapBound claims one million distinct keys (fresh strings, so
// the store's copies count) into a store of the default capacity and
// checks the live heap the store retains.
func TestMemoryHeapBound(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("one million claims: skipped under -short and -race")
	}
	heap := liveHeapOfMillionClaims()
	t.Logf("live heap after 1 000 000 claims into NewMemory(100_000): %.1f MiB", float64(heap)/(1<<20))
	require.LessOrEqual(t, heap, uint64(32<<20))
}

// liveHeapOfMillionClaims returns the live heap retained by a
// NewMemory(100_000) after 1 000 000 distinct claims, each completed.
func liveHeapOfMillionClaims() uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := replay.NewMemory(replay.DefaultCapacity)
	var buf []byte
	for i := range 1_000_000 {
		buf = strconv.AppendInt(append(buf[:0], "evt_2NfDmxyz"...), int64(i), 10)
		k := replay.Key("stripe", string(buf))
		_, _ = m.Claim(ctx, k, 0)
		_ = m.Complete(ctx, k, 0)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

func TestMemoryNeverEvictsTheRecordJustAdded(t *testing.T) {
	for capacity := 1; capacity <= 6; capacity++ {
		m, _ := newSingleLRU(capacity)
		for i := range 3 * capacity {
			k := strconv.Itoa(i)
			require.Equal(t, replay.Fresh, claim(t, m, k, time.Hour))
			require.Equal(t, replay.InFlight, claim(t, m, k, time.Hour), "capacity %d, key %d", capacity, i)
		}
		st := m.Stats()
		require.Equal(t, capacity, st.Keys)
		require.Equal(t, uint64(2*capacity), st.EvictedInFlight)
	}
}
