package ratelimit_test

import (
	"context"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// threadCPU is the CPU time of the calling OS thread. ns/op in benchmarks is
// wall time, which on a shared, loaded machine mostly measures waiting for a
// core; CPU time per op does not.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestTakeCPUTime reports the thread CPU time per Take with 100 000 live
// keys (and per TakeAt, and per clock read). Run it with
// HOOKGUARD_CPUTIME=1 go test -run TakeCPUTime -v ./ratelimit/
func TestTakeCPUTime(t *testing.T) {
	if os.Getenv("HOOKGUARD_CPUTIME") == "" {
		t.Skip("set HOOKGUARD_CPUTIME=1 to measure")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	keys := ipKeys(liveKeys)
	m := warm(keys)
	ctx := context.Background()
	const n = 3_000_000
	best := time.Hour
	for range 5 {
		c0 := threadCPU()
		i := 0
		for range n {
			m.Take(ctx, keys[i])
			i++
			if i == len(keys) {
				i = 0
			}
		}
		if d := (threadCPU() - c0) / n; d < best {
			best = d
		}
	}
	t.Logf("Take: %v CPU per op (best of 5)", best)
	now := time.Now()
	best = time.Hour
	for range 5 {
		c0 := threadCPU()
		i := 0
		for range n {
			m.TakeAt(keys[i], now)
			i++
			if i == len(keys) {
				i = 0
			}
		}
		if d := (threadCPU() - c0) / n; d < best {
			best = d
		}
	}
	t.Logf("TakeAt, fixed instant (refusals write nothing): %v CPU per op (best of 5)", best)
	best = time.Hour
	for range 5 {
		c0 := threadCPU()
		i := 0
		for range n {
			now = now.Add(150 * time.Nanosecond) // about Take's pace: most takes admitted
			m.TakeAt(keys[i], now)
			i++
			if i == len(keys) {
				i = 0
			}
		}
		if d := (threadCPU() - c0) / n; d < best {
			best = d
		}
	}
	t.Logf("TakeAt, advancing instant: %v CPU per op (best of 5)", best)
	best = time.Hour
	var sink time.Duration
	for range 5 {
		c0 := threadCPU()
		for range n {
			sink += time.Since(now)
		}
		if d := (threadCPU() - c0) / n; d < best {
			best = d
		}
	}
	t.Logf("time.Since: %v CPU per op (best of 5) %v", best, sink > 0)
}
