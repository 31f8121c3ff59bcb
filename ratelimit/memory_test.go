package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/internal/fakeclock"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/ratelimit/ratelimittest"
)

// fakeClock is the shared manually advanced test clock.
type fakeClock = fakeclock.Clock

func newFakeClock() *fakeClock { return fakeclock.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

func newFakeMemory(t testing.TB, r rate.Limit, burst, maxKeys int) (*ratelimit.Memory, *fakeClock) {
	t.Helper()
	c := newFakeClock()
	m, err := ratelimit.NewMemoryWithOptions(ratelimit.MemoryOptions{
		Rate: r, Burst: burst, MaxKeys: maxKeys, Now: c.Now,
	})
	require.NoError(t, err)
	return m, c
}

func TestMemoryConformance(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T, r rate.Limit, burst int) (ratelimit.Limiter, func(time.Duration)) {
		m, c := newFakeMemory(t, r, burst, 10_000)
		return m, c.Advance
	})
}

// The suite also passes with a single shard and a tiny key cap large enough
// for its keys: sharding and eviction do not change the arithmetic.
func TestMemoryConformanceOneShard(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T, r rate.Limit, burst int) (ratelimit.Limiter, func(time.Duration)) {
		c := newFakeClock()
		m, err := ratelimit.NewMemoryWithOptions(ratelimit.MemoryOptions{
			Rate: r, Burst: burst, MaxKeys: 100, Now: c.Now, Shards: 1,
		})
		require.NoError(t, err)
		return m, c.Advance
	})
}

// A tolerance, as a server-backed limiter would pass, keeps exact limiters
// passing too.
func TestMemoryConformanceWithTolerance(t *testing.T) {
	ratelimittest.RunWithOptions(t, func(t *testing.T, r rate.Limit, burst int) (ratelimit.Limiter, func(time.Duration)) {
		m, c := newFakeMemory(t, r, burst, 10_000)
		return m, c.Advance
	}, ratelimittest.Options{Tolerance: 5 * time.Millisecond})
}

func TestSubtestsListed(t *testing.T) {
	names := ratelimittest.Subtests()
	require.Contains(t, names, "ConcurrentOneKey")
	require.Contains(t, names, "RetryAfterExact")
}

func TestTakeAtMatchesXTimeRate(t *testing.T) {
	// Drive a rate.Limiter and a Memory with the same explicit times and
	// compare every admission.
	const burst = 7
	r := rate.Limit(3.5)
	lim := rate.NewLimiter(r, burst)
	m := must(ratelimit.NewMemory(r, burst, 10))
	start := time.Unix(1_700_000_000, 0)
	now := start
	steps := []time.Duration{0, 0, 0, 10 * time.Millisecond, 0, 0, 0, 0, 0, 300 * time.Millisecond,
		time.Millisecond, 0, 2 * time.Second, 0, 0, 0, 0, 0, 0, 0, 0, 285714286, 0, 1}
	for i, st := range steps {
		now = now.Add(st)
		want := lim.AllowN(now, 1)
		d := m.TakeAt("k", now)
		require.Equal(t, want, d.Allowed, "step %d at %v", i, now.Sub(start))
	}
}

func TestClockBackwards(t *testing.T) {
	m := must(ratelimit.NewMemory(1, 2, 10))
	t0 := time.Unix(1000, 0)
	require.True(t, m.TakeAt("k", t0).Allowed)
	require.True(t, m.TakeAt("k", t0).Allowed)
	d := m.TakeAt("k", t0.Add(-time.Hour)) // clock stepped back: nothing refills
	require.False(t, d.Allowed)
	require.Equal(t, 0, d.Remaining)
	require.Equal(t, time.Hour+time.Second, d.RetryAfter)
	d = m.TakeAt("k", t0.Add(time.Second))
	require.True(t, d.Allowed)
}

func TestInfiniteRate(t *testing.T) {
	m := must(ratelimit.NewMemory(rate.Inf, 3, 10))
	for range 100 {
		d, err := m.Take(context.Background(), "k")
		require.NoError(t, err)
		require.Equal(t, ratelimit.Decision{Allowed: true, Limit: 3, Remaining: 3, Policy: "default"}, d)
	}
}

func TestDecisionFields(t *testing.T) {
	c := newFakeClock()
	m, err := ratelimit.NewMemoryWithOptions(ratelimit.MemoryOptions{
		Rate: rate.Every(time.Second), Burst: 60, MaxKeys: 10, Now: c.Now, Policy: "webhooks",
	})
	require.NoError(t, err)
	d, err := m.Take(context.Background(), "k")
	require.NoError(t, err)
	require.Equal(t, ratelimit.Decision{
		Allowed: true, Limit: 60, Remaining: 59, ResetAfter: time.Second,
		Window: time.Minute, Policy: "webhooks",
	}, d)
	require.NoError(t, d.Err())
}

func TestInvalidConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    ratelimit.MemoryOptions
	}{
		{"burst 0", ratelimit.MemoryOptions{Rate: 1, Burst: 0, MaxKeys: 1}},
		{"negative burst", ratelimit.MemoryOptions{Rate: 1, Burst: -1, MaxKeys: 1}},
		{"rate 0", ratelimit.MemoryOptions{Rate: 0, Burst: 1, MaxKeys: 1}},
		{"negative rate", ratelimit.MemoryOptions{Rate: -1, Burst: 1, MaxKeys: 1}},
		{"negative infinite rate", ratelimit.MemoryOptions{Rate: -rate.Inf, Burst: 1, MaxKeys: 1}},
		{"rate too fine", ratelimit.MemoryOptions{Rate: 1e-12, Burst: 1_000_000, MaxKeys: 1}},
		{"rate above 1e9", ratelimit.MemoryOptions{Rate: 1e10, Burst: 1, MaxKeys: 1}},
		{"maxKeys 0", ratelimit.MemoryOptions{Rate: 1, Burst: 1, MaxKeys: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ratelimit.NewMemoryWithOptions(tc.o)
			require.Error(t, err)
			require.Contains(t, err.Error(), "ratelimit:")
			m, err := ratelimit.NewMemory(tc.o.Rate, tc.o.Burst, tc.o.MaxKeys)
			require.Error(t, err)
			require.Nil(t, m)
		})
	}
}

func TestSynctestClock(t *testing.T) {
	// The default clock is time.Now, so testing/synctest's fake time drives
	// Take without any injection.
	synctestRun(t, func(t *testing.T) {
		m := must(ratelimit.NewMemory(10, 1, 10))
		ctx := context.Background()
		d, _ := m.Take(ctx, "k")
		require.True(t, d.Allowed)
		d, _ = m.Take(ctx, "k")
		require.False(t, d.Allowed)
		require.Equal(t, 100*time.Millisecond, d.RetryAfter)
		time.Sleep(d.RetryAfter) // fake time: returns at once
		d, _ = m.Take(ctx, "k")
		require.True(t, d.Allowed)
	})
}
