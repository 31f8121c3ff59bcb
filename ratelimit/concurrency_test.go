package ratelimit_test

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

// The tests below drive takes from many goroutines on overlapping keys while
// the table grows and evicts, at a fixed instant and a rate of one token an
// hour, so that the exact outcome is known: no update is lost, no token
// spent twice, no bucket misplaced. Run them with -race too.

// convoy hands out the takes of a test, n = 0, 1, 2, ... to whichever
// goroutine asks next, so that goroutines running at once take from the same
// key at nearly the same instant.
type convoy struct{ next atomic.Int64 }

func (c *convoy) take(total int64) (int64, bool) {
	n := c.next.Add(1) - 1
	return n, n < total
}

// TestConcurrentGrowthExact has eight goroutines take from eight hot keys in
// a convoy while another inserts 4 000 keys, so that one shard's index grows
// from 64 slots to 8 192 between takes of held keys. The buckets are too deep
// to drain, so every take is admitted, and each hot key must end with exactly
// as many tokens fewer as it admitted: a take lost to a copy would show.
func TestConcurrentGrowthExact(t *testing.T) {
	const hot, inserts, workers, burst = 8, 4000, 8, 1 << 20
	names := make([]string, hot+inserts)
	for k := range names {
		names[k] = "key-" + strconv.Itoa(k)
	}
	for range 5 {
		m := oneShard(t, 1, burst, hot+inserts)
		t0 := time.Unix(1000, 0)
		var admitted [hot]atomic.Int64
		var refused atomic.Int64
		var c convoy
		var done atomic.Bool
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for !done.Load() {
					n, _ := c.take(0)
					if k := n / 32 % hot; m.TakeAt(names[k], t0).Allowed {
						admitted[k].Add(1)
					} else {
						refused.Add(1)
					}
				}
			})
		}
		for _, name := range names[hot:] {
			require.True(t, m.TakeAt(name, t0).Allowed)
		}
		done.Store(true)
		wg.Wait()
		require.Zero(t, refused.Load())
		for k := range admitted {
			d := m.TakeAt(names[k], t0)
			require.Equal(t, burst-1-int(admitted[k].Load()), d.Remaining, "key-%d", k)
		}
		st := m.Stats()
		require.Equal(t, hot+inserts, st.Keys)
		require.Zero(t, st.Evictions)
	}
}

// TestConcurrentEvictionAccounting has eight goroutines take from a few hot
// keys (in a convoy, as above) and many cold ones through a shard capped far
// below the key count, so that insertions, evictions and backward shifts run
// all the time beside takes of held keys. Every bucket starts full and, with
// no refill, its allowed takes report Remaining burst-1, burst-2, ... once
// each. So, per key and over all its buckets' lifetimes, no Remaining value is
// reported more often than the one above it (a lost update would repeat one),
// and the number of burst-1 reports is the number of buckets created for it,
// whose total Stats reports as Keys + Evictions.
func TestConcurrentEvictionAccounting(t *testing.T) {
	// 96 keys in one shard, or 48 in each of two, fill their tables to the
	// maximum load of 3/4: long probe runs, so evictions shift buckets.
	const burst, hot, cold, maxKeys, workers, total = 8, 8, 500, 96, 8, 300_000
	names := make([]string, hot+cold)
	for k := range names {
		names[k] = "key-" + strconv.Itoa(k)
	}
	for _, shards := range []int{1, 2} {
		m, err := ratelimit.NewMemoryWithOptions(ratelimit.MemoryOptions{
			Rate: rate.Every(time.Hour), Burst: burst, MaxKeys: maxKeys, Shards: shards,
		})
		require.NoError(t, err)
		t0 := time.Unix(1000, 0)
		// seen[k][r] counts allowed takes of key k that reported Remaining r.
		var seen [hot + cold][burst]atomic.Int64
		var badRefusals atomic.Int64
		var c convoy
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), uint64(shards)))
				for n, ok := c.take(total); ok; n, ok = c.take(total) {
					k := int(n/32) % hot
					if n%4 == 0 {
						k = hot + rng.IntN(cold)
					}
					d := m.TakeAt(names[k], t0)
					switch {
					case d.Allowed:
						seen[k][d.Remaining].Add(1)
					case d.Remaining != 0:
						badRefusals.Add(1)
					}
				}
			})
		}
		wg.Wait()
		require.Zero(t, badRefusals.Load(), "refusals reporting tokens left")
		var buckets int64
		for k := range seen {
			for r := range burst - 1 {
				require.LessOrEqual(t, seen[k][r].Load(), seen[k][r+1].Load(),
					"key-%d: Remaining %d reported more often than %d", k, r, r+1)
			}
			buckets += seen[k][burst-1].Load()
		}
		st := m.Stats()
		require.LessOrEqual(t, st.Keys, maxKeys)
		require.Positive(t, st.Evictions)
		require.Positive(t, st.EvictedLive)
		require.Equal(t, buckets, int64(st.Keys)+int64(st.Evictions), "buckets created")
	}
}
