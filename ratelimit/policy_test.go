package ratelimit_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

// TestHotKeyKeepsDrainedBucket is the case that once refilled a drained
// client under churn: a key refused on every visit, one request in ten,
// among a stream of one-off keys, each drained by its single take. No
// bucket is ever full, so the least recently used goes, and the hot key,
// used every tenth request, is never that one: it must stay refused.
func TestHotKeyKeepsDrainedBucket(t *testing.T) {
	m := must(ratelimit.NewMemory(rate.Limit(0.001), 1, 100))
	t0 := time.Unix(1000, 0)
	for i := range 20_000 {
		now := t0.Add(time.Duration(i) * time.Millisecond) // 20 s: no token refills
		if i%10 != 0 {
			require.True(t, m.TakeAt("one-off-"+strconv.Itoa(i), now).Allowed)
			continue
		}
		d := m.TakeAt("hot", now)
		require.Equal(t, i == 0, d.Allowed, "take %d of the hot key (after %d other keys)", i/10, i-i/10)
	}
	st := m.Stats()
	require.Equal(t, st.Evictions, st.EvictedLive, "no bucket was full")
}

// TestEvictionPolicyAgainstModel drives one shard at several sizes with
// random keys and times and compares every decision with a model built on
// golang.org/x/time/rate: a Limiter per key, and at the cap a full one
// evicted if any, else the least recently used, refused takes counting as
// use. Full buckets are alike: which one goes changes no decision, nor the
// count of keys or of evictions of buckets that were not full, but it can
// change whether a later take re-creates a bucket, so the total of
// evictions is not compared.
func TestEvictionPolicyAgainstModel(t *testing.T) {
	const burst = 3
	r := rate.Every(time.Second)
	for _, maxKeys := range []int{1, 2, 3, 5, 12, 40, 300} {
		t.Run(strconv.Itoa(maxKeys), func(t *testing.T) {
			m := oneShard(t, r, burst, maxKeys)
			type bucket struct {
				lim  *rate.Limiter
				used int
			}
			model := map[string]*bucket{}
			var live uint64
			rng := rand.New(rand.NewPCG(2, uint64(maxKeys)))
			now := time.Unix(1000, 0)
			for step := range 20_000 {
				// Steps of 1/4 s keep x/time/rate's float tokens exact;
				// about one per maxKeys takes keeps most buckets draining.
				if rng.IntN(maxKeys) == 0 {
					now = now.Add(time.Duration(rng.IntN(3)) * time.Second / 4)
				}
				k := strconv.Itoa(rng.IntN(2*maxKeys + 2))
				if rng.IntN(4) == 0 {
					k = "hot" // a key that is often refused
				}
				b, ok := model[k]
				if !ok && len(model) == maxKeys {
					victim, full := "", false
					for name, c := range model {
						switch isFull := c.lim.TokensAt(now) >= burst; {
						case isFull && !full, !full && (victim == "" || c.used < model[victim].used):
							victim, full = name, isFull
						}
					}
					delete(model, victim)
					if !full {
						live++
					}
				}
				if !ok {
					b = &bucket{lim: rate.NewLimiter(r, burst)}
					model[k] = b
				}
				b.used = step
				want := b.lim.AllowN(now, 1)
				require.Equal(t, want, m.TakeAt(k, now).Allowed, "step %d key %s", step, k)
				st := m.Stats()
				require.Equal(t, len(model), st.Keys, "step %d", step)
				require.Equal(t, live, st.EvictedLive, "step %d", step)
			}
			require.Positive(t, live, "some evictions found no full bucket")
		})
	}
}
