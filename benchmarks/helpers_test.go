package benchmarks

import (
	"slices"
	"testing"
	"time"
)

// timeOps runs op b.N times. Besides the usual ns/op, B/op and allocs/op it
// reports med-ns/op: the median time per op over chunks of chunk
// consecutive ops. On a shared machine a chunk that the scheduler preempts
// is an outlier that the median ignores, while ns/op (total time over b.N)
// absorbs it. The report uses med-ns/op where it is present.
func timeOps(b *testing.B, chunk int, op func() error) {
	b.Helper()
	chunk = max(chunk, 1)
	lat := make([]float64, 0, b.N/chunk+1)
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		if err := op(); err != nil {
			b.Fatal(err)
		}
		if (i+1)%chunk == 0 {
			t := time.Now()
			lat = append(lat, float64(t.Sub(t0).Nanoseconds())/float64(chunk))
			t0 = t
		}
	}
	b.StopTimer()
	if len(lat) > 0 {
		b.ReportMetric(medianOf(lat), "med-ns/op")
	}
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
