package replay_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookguard/hookguard/replay"
)

// keyRing holds n distinct keys of equal width as substrings of one big
// string: built before the timer, costing no allocation per key.
type keyRing struct {
	s    string
	w, n int
}

func newKeyRing(n int) keyRing { return newKeyRingPrefix(n, 's') }

// newKeyRingPrefix is newKeyRing whose keys start with source letter c:
// rings of different letters share no key.
func newKeyRingPrefix(n int, c byte) keyRing {
	const w = len("6:stripe:evt_0000000000000000")
	var sb strings.Builder
	sb.Grow(n * w)
	for i := range n {
		fmt.Fprintf(&sb, "6:%ctripe:evt_%016x", c, uint64(i)*0x9E3779B97F4A7C15)
	}
	return keyRing{s: sb.String(), w: w, n: n}
}

// cpuPerOp reports the process's CPU time per op (all threads, GC
// included) as cpu-ns/op when b stops; call it right after ResetTimer.
func cpuPerOp(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func (r keyRing) key(i int) string {
	i %= r.n
	return r.s[i*r.w : (i+1)*r.w]
}

// ring is larger than the default capacity, so by the time a key comes
// round again it has been evicted and its Claim is Fresh.
var ring = newKeyRing(1 << 18)

// BenchmarkMemoryClaimComplete is the cost of a new event: Claim of an
// unknown key plus Complete, in a full store (each claim evicts the oldest
// record), the steady state of a busy receiver.
func BenchmarkMemoryClaimComplete(b *testing.B) {
	benchFullStore(b, replay.DefaultCapacity)
}

// benchFullStore times Claim+Complete of new keys in a NewMemory(capacity)
// filled to its steady state first, so every claim evicts.
func benchFullStore(b *testing.B, capacity int) {
	m := replay.NewMemory(capacity)
	for i := range capacity {
		_, _ = m.Claim(ctx, ring.key(i), 0)
		_ = m.Complete(ctx, ring.key(i), 0)
	}
	i := capacity
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for range b.N {
		k := ring.key(i)
		i++
		if st, _ := m.Claim(ctx, k, 0); st != replay.Fresh {
			b.Fatalf("Claim = %v, want Fresh", st)
		}
		_ = m.Complete(ctx, k, 0)
	}
}

// BenchmarkMemoryClaimCompleteParallel is the same from GOMAXPROCS
// goroutines at once; with no global lock its ns/op (wall time per
// operation across all goroutines) is below the serial figure.
func BenchmarkMemoryClaimCompleteParallel(b *testing.B) {
	m := replay.NewMemory(replay.DefaultCapacity)
	for i := range replay.DefaultCapacity {
		_, _ = m.Claim(ctx, ring.key(i), 0)
		_ = m.Complete(ctx, ring.key(i), 0)
	}
	// Each goroutine walks a ring of its own, larger than the capacity,
	// so a key it reaches again was evicted long ago, however unevenly
	// the goroutines are scheduled.
	rings := make([]keyRing, runtime.GOMAXPROCS(0))
	for g := range rings {
		rings[g] = newKeyRingPrefix(ring.n, 'a'+byte(g%26))
	}
	var next atomic.Int64
	var notFresh atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	b.RunParallel(func(pb *testing.PB) {
		r := rings[int(next.Add(1)-1)%len(rings)]
		i := 0
		for pb.Next() {
			k := r.key(i)
			i++
			if st, _ := m.Claim(ctx, k, 0); st != replay.Fresh {
				notFresh.Add(1)
			}
			_ = m.Complete(ctx, k, 0)
		}
	})
	b.ReportMetric(float64(notFresh.Load())/float64(b.N), "dup/op")
}

// BenchmarkMemoryClaimCompleteSizes is BenchmarkMemoryClaimComplete at
// three capacities, all full and evicting on every claim: 1 024 keys stay
// in the CPU caches (the work of the store alone), 100 000 (the default)
// mostly do not, so each claim also pays cache misses for the new key's
// index slot and for the evicted record and its index slot.
func BenchmarkMemoryClaimCompleteSizes(b *testing.B) {
	for _, c := range []int{1 << 10, 1 << 14, replay.DefaultCapacity} {
		b.Run(fmt.Sprint(c), func(b *testing.B) { benchFullStore(b, c) })
	}
}

// BenchmarkMemoryClaimCompleteRoom is Claim+Complete of a new key in a
// store that has room (no eviction): the first 100 000 events a process
// sees. Each round of 50 000 keys goes into a fresh store outside the
// timer.
func BenchmarkMemoryClaimCompleteRoom(b *testing.B) {
	const round = replay.DefaultCapacity / 2
	m := replay.NewMemory(replay.DefaultCapacity)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range b.N {
		if i > 0 && i%round == 0 {
			b.StopTimer()
			m = replay.NewMemory(replay.DefaultCapacity)
			b.StartTimer()
		}
		k := ring.key(i)
		if st, _ := m.Claim(ctx, k, 0); st != replay.Fresh {
			b.Fatalf("Claim = %v, want Fresh", st)
		}
		_ = m.Complete(ctx, k, 0)
	}
}

// BenchmarkMemoryClaimDuplicate is the cost of answering a duplicate.
func BenchmarkMemoryClaimDuplicate(b *testing.B) {
	m := replay.NewMemory(replay.DefaultCapacity)
	const n = 1024
	for i := range n {
		_ = m.Complete(ctx, ring.key(i), 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range b.N {
		if st, _ := m.Claim(ctx, ring.key(i%n), 0); st != replay.Done {
			b.Fatalf("Claim = %v, want Done", st)
		}
	}
}

// BenchmarkMemoryLiveHeap1M reports the live heap a NewMemory(100_000)
// retains after one million distinct claims (each completed), keys
// included: the hard memory bound.
func BenchmarkMemoryLiveHeap1M(b *testing.B) {
	var heap uint64
	for range b.N {
		heap = max(heap, liveHeapOfMillionClaims())
	}
	b.ReportMetric(float64(heap)/(1<<20), "MiB-live")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkWindowCheck(b *testing.B) {
	now := time.Now()
	ts := now.Add(-time.Minute)
	w := replay.Window{}
	b.ReportAllocs()
	for range b.N {
		if w.Check(ts, now) != nil {
			b.Fatal("unexpected error")
		}
	}
}

func BenchmarkKey(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		_ = replay.Key("stripe", "evt_1NG8Du2eZvKYlo2C")
	}
}
