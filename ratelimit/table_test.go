package ratelimit_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// TestTableModel drives one shard through growth, eviction and backward-shift
// deletion with random keys and checks every decision against a model: a key
// either kept its bucket (one token fewer than last time) or was evicted and
// came back full, and every insertion is accounted for as a live key or an
// eviction.
func TestTableModel(t *testing.T) {
	const burst = 1000
	for _, maxKeys := range []int{1, 7, 64, 500, 3000} {
		m := oneShard(t, rate.Every(time.Hour), burst, maxKeys)
		t0 := time.Unix(1000, 0)
		rng := rand.New(rand.NewPCG(1, uint64(maxKeys)))
		model := map[string]int{} // tokens left per key, as last seen
		inserts := 0
		for range 20_000 {
			k := strconv.Itoa(rng.IntN(2 * maxKeys))
			d := m.TakeAt(k, t0)
			require.True(t, d.Allowed)
			left, seen := model[k]
			switch {
			case seen && d.Remaining == left-1:
				// kept its bucket
			case d.Remaining == burst-1:
				inserts++ // new, or evicted earlier and back full
			default:
				t.Fatalf("maxKeys %d key %s: Remaining %d, last seen %d (seen %v)", maxKeys, k, d.Remaining, left, seen)
			}
			model[k] = d.Remaining
			st := m.Stats()
			require.LessOrEqual(t, st.Keys, maxKeys)
			require.Equal(t, inserts, st.Keys+int(st.Evictions), "maxKeys %d", maxKeys)
		}
	}
}
