package ratelimit_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

func oneShard(t *testing.T, r rate.Limit, burst, maxKeys int) *ratelimit.Memory {
	t.Helper()
	m, err := ratelimit.NewMemoryWithOptions(ratelimit.MemoryOptions{Rate: r, Burst: burst, MaxKeys: maxKeys, Shards: 1})
	require.NoError(t, err)
	return m
}

func TestEvictsFullBucketsFirst(t *testing.T) {
	m := oneShard(t, 1, 2, 3)
	t0 := time.Unix(1000, 0)
	m.TakeAt("a", t0)                    // full again at t0+1s
	m.TakeAt("b", t0)                    //
	m.TakeAt("b", t0)                    // full again at t0+2s
	m.TakeAt("c", t0.Add(time.Second/2)) // full again at t0+1.5s
	now := t0.Add(1500 * time.Millisecond)
	m.TakeAt("d", now) // at the cap: a and c are full, b is not
	m.TakeAt("e", now)
	st := m.Stats()
	require.Equal(t, ratelimit.Stats{Keys: 3, Capacity: 3, Evictions: 2}, st)
	// b kept its state: 0.5 token left plus this take's refill.
	d := m.TakeAt("b", now)
	require.True(t, d.Allowed)
	require.Equal(t, 0, d.Remaining, "b must not have been evicted")
}

func TestEvictionWhenNoneFull(t *testing.T) {
	for range 20 { // the table order of keys depends on the random hash seed
		m := oneShard(t, rate.Every(time.Hour), 2, 2)
		t0 := time.Unix(1000, 0)
		for _, k := range []string{"a", "b", "a"} { // a drained and used last, b used once
			require.True(t, m.TakeAt(k, t0).Allowed)
		}
		require.True(t, m.TakeAt("c", t0).Allowed) // evicts b, still draining
		st := m.Stats()
		require.Equal(t, uint64(1), st.Evictions)
		require.Equal(t, uint64(1), st.EvictedLive)
		require.False(t, m.TakeAt("a", t0).Allowed, "a kept its drained bucket")
		// The evicted key comes back with a full bucket: the documented cost.
		d := m.TakeAt("b", t0)
		require.True(t, d.Allowed)
		require.Equal(t, 1, d.Remaining, "b regained the token it had spent")
	}
}

func TestLeastRecentlyUsed(t *testing.T) {
	for range 20 { // the table order of keys depends on the random hash seed
		m := oneShard(t, rate.Every(time.Hour), 5, 4)
		t0 := time.Unix(1000, 0)
		for _, k := range []string{"a", "b", "c", "d", "a", "b"} {
			m.TakeAt(k, t0)
		}
		m.TakeAt("e", t0) // evicts c, the least recently used
		require.Equal(t, 2, m.TakeAt("a", t0).Remaining, "a kept its state")
		require.Equal(t, 2, m.TakeAt("b", t0).Remaining, "b kept its state")
		require.Equal(t, uint64(1), m.Stats().Evictions)
		require.Equal(t, 3, m.TakeAt("d", t0).Remaining, "d kept its state")
		require.Equal(t, 4, m.TakeAt("c", t0).Remaining, "c was evicted and came back full")
	}
}

func TestHardCapAcrossShards(t *testing.T) {
	const maxKeys = 1000
	m := must(ratelimit.NewMemory(1, 3, maxKeys))
	ctx := context.Background()
	for i := range 50_000 {
		_, err := m.Take(ctx, "k"+strconv.Itoa(i))
		require.NoError(t, err)
		if i%997 == 0 {
			require.LessOrEqual(t, m.Stats().Keys, maxKeys)
		}
	}
	st := m.Stats()
	require.LessOrEqual(t, st.Keys, maxKeys)
	require.Greater(t, st.Keys, maxKeys*9/10, "per-shard shares fill up")
	require.Equal(t, uint64(50_000-st.Keys), st.Evictions)
}

func TestTinyCaps(t *testing.T) {
	for _, maxKeys := range []int{1, 2, 3, 5} {
		m := must(ratelimit.NewMemory(1, 1, maxKeys))
		t0 := time.Unix(0, 0)
		for i := range 100 {
			m.TakeAt(strconv.Itoa(i), t0)
		}
		require.Equal(t, maxKeys, m.Stats().Keys)
	}
}

func TestTakeAllocatesNothing(t *testing.T) {
	keys := ipKeys(liveKeys)
	m := warm(keys)
	ctx := context.Background()
	i := 0
	allocs := testing.AllocsPerRun(10_000, func() {
		m.Take(ctx, keys[i%len(keys)])
		i++
	})
	require.Zero(t, allocs, "Take on live keys")
	// Nor does replacing keys at the cap once the shards are full.
	full := must(ratelimit.NewMemory(1, 1, 1000))
	for j := range 5000 {
		full.Take(ctx, keys[j])
	}
	j := 5000
	allocs = testing.AllocsPerRun(1000, func() {
		full.Take(ctx, keys[j])
		j++
	})
	require.LessOrEqual(t, allocs, 0.01, "Take evicting at the cap")
}

// TestMemoryBoundMillionKeys feeds 1 000 000 distinct keys to a Memory capped
// at 100 000 and checks the live heap it holds stays under 32 MiB.
func TestMemoryBoundMillionKeys(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("1M keys; heap figures are meaningless under the race detector")
	}
	before := liveHeap()
	m := must(ratelimit.NewMemory(1, 10, 100_000))
	ctx := context.Background()
	var buf [32]byte
	for i := range 1_000_000 {
		m.Take(ctx, string(strconv.AppendInt(append(buf[:0], "client-"...), int64(i), 10)))
	}
	after := liveHeap()
	st := m.Stats()
	runtime.KeepAlive(m)
	mib := float64(int64(after)-int64(before)) / (1 << 20)
	t.Logf("1M distinct keys, maxKeys 100 000: live heap %.2f MiB, %d keys, %d evictions (%d draining)",
		mib, st.Keys, st.Evictions, st.EvictedLive)
	require.LessOrEqual(t, mib, 32.0)
	require.LessOrEqual(t, st.Keys, 100_000)
}
