package ratelimit_test

import (
	"context"
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

// BenchmarkTakeCPUTime reports, beside the usual wall-clock ns/op, the
// calling thread's CPU time per op (cpu-ns/op) for Take with 100 000 live
// keys, for TakeAt at a fixed and at an advancing instant, and for the clock
// read Take pays: the figures that stay meaningful on a shared machine.
//
//	go test -run '^$' -bench TakeCPUTime ./ratelimit/
func BenchmarkTakeCPUTime(b *testing.B) {
	keys := ipKeys(liveKeys)
	m := warm(keys)
	ctx := context.Background()
	cycle := func(body func(key string)) func(b *testing.B) {
		return func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			i := 0
			c0 := threadCPU()
			for b.Loop() {
				body(keys[i])
				i++
				if i == len(keys) {
					i = 0
				}
			}
			b.ReportMetric(float64(threadCPU()-c0)/float64(b.N), "cpu-ns/op")
		}
	}
	b.Run("Take", cycle(func(k string) { m.Take(ctx, k) }))
	now := time.Now()
	b.Run("TakeAtFixed", cycle(func(k string) { m.TakeAt(k, now) }))
	b.Run("TakeAtAdvancing", cycle(func(k string) {
		now = now.Add(150 * time.Nanosecond) // about Take's pace: most takes admitted
		m.TakeAt(k, now)
	}))
	var sink time.Duration
	b.Run("Clock", cycle(func(string) { sink += time.Since(now) }))
	if sink == 0 {
		b.Log("clock did not advance")
	}
}
