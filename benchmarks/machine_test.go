package benchmarks

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// BenchmarkCoreToCore measures the machine rather than a library: two
// goroutines, each locked to its own OS thread, pass a counter back and
// forth through one cache line. ns/op is one one-way hand-off between
// cores. It explains the parallel figures: every cache line that one core
// wrote and the other then touches costs about this much, so a shared
// structure that touches k such lines per operation pays roughly k/2 of
// them per operation in a parallel run. On a machine whose cores share a
// cache the figure is tens of nanoseconds; across chiplets or sockets, or
// with virtual CPUs placed far apart, it is hundreds.
func BenchmarkCoreToCore(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	var x atomic.Int64
	n := int64(b.N)
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := int64(1); i < n; i += 2 {
			for x.Load() != i {
			}
			x.Store(i + 1)
		}
		close(done)
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for i := int64(0); i < n; i += 2 {
		for x.Load() != i {
		}
		x.Store(i + 1)
	}
	<-done
}
