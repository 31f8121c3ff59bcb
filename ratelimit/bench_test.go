package ratelimit_test

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

const liveKeys = 100_000

// ipKeys builds n distinct realistic keys (IPv4 addresses and IPv6 /64s)
// outside any timer.
func ipKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		if i%2 == 0 {
			a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
			keys[i] = ratelimit.IPKey(a, 0, 0)
		} else {
			a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i), 15: 1})
			keys[i] = ratelimit.IPKey(a, 0, 0)
		}
	}
	return keys
}

// must returns m, panicking on err: for tests and benchmarks whose limits
// are constants.
func must(m *ratelimit.Memory, err error) *ratelimit.Memory {
	if err != nil {
		panic(err)
	}
	return m
}

// warm returns a Memory holding every key in keys, at a rate high enough that
// the benchmark mixes admissions and refusals realistically.
func warm(keys []string) *ratelimit.Memory {
	m := must(ratelimit.NewMemory(100, 50, 2*len(keys)))
	ctx := context.Background()
	for _, k := range keys {
		m.Take(ctx, k)
	}
	return m
}

// BenchmarkTake is Take with 100 000 live keys, cycled so that nearly every
// call misses the CPU caches, as a real key population does.
func BenchmarkTake(b *testing.B) {
	keys := ipKeys(liveKeys)
	m := warm(keys)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Take(ctx, keys[i])
		i++
		if i == len(keys) {
			i = 0
		}
	}
}

// BenchmarkTakeParallel is BenchmarkTake from GOMAXPROCS goroutines: ns/op
// is per Take across all of them. With a mutex per shard it should stay at
// or below 1.5 × BenchmarkTake's figure (on 2 cores); compare the two from
// one run.
func BenchmarkTakeParallel(b *testing.B) {
	keys := ipKeys(liveKeys)
	m := warm(keys)
	ctx := context.Background()
	var worker atomic.Uint32
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// Each worker walks the keys from its own offset.
		i := int(worker.Add(1)) * 7919 % len(keys)
		for pb.Next() {
			m.Take(ctx, keys[i])
			i++
			if i == len(keys) {
				i = 0
			}
		}
	})
}

// BenchmarkTakeOneKey measures the hot path without cache misses.
func BenchmarkTakeOneKey(b *testing.B) {
	m := must(ratelimit.NewMemory(rate.Inf, 10, 10))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		m.Take(ctx, "fixed:stripe")
	}
}

// BenchmarkDistinctKeys feeds a million distinct keys to a Memory capped at
// 100 000 and reports the live heap afterwards (after a GC, with the key
// strings themselves, which the caller built, released).
func BenchmarkDistinctKeys(b *testing.B) {
	const total, maxKeys = 1_000_000, 100_000
	for b.Loop() {
		before := liveHeap()
		m := must(ratelimit.NewMemory(1, 10, maxKeys))
		ctx := context.Background()
		var buf [32]byte
		for i := range total {
			k := fmt.Appendf(buf[:0], "client-%d", i)
			m.Take(ctx, string(k))
		}
		after := liveHeap()
		st := m.Stats()
		b.ReportMetric(float64(after-before)/(1<<20), "MiB-live")
		b.ReportMetric(float64(st.Evictions), "evictions")
		runtime.KeepAlive(m)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkTakeAtFixed is BenchmarkTake without the clock read: TakeAt at a
// fixed instant.
func BenchmarkTakeAtFixed(b *testing.B) {
	keys := ipKeys(liveKeys)
	m := warm(keys)
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.TakeAt(keys[i], now)
		i++
		if i == len(keys) {
			i = 0
		}
	}
}
