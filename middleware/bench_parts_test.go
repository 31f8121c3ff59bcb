package middleware

// Component benchmarks: what each package the Guard composes costs alone on
// the same workload as BenchmarkGuard, to read its figure against.

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"golang.org/x/time/rate"

	hghmac "github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// BenchmarkPartReplay is one memory-store Claim + Complete of a fresh key.
func BenchmarkPartReplay(b *testing.B) {
	m := replay.NewMemory(benchReplayCapacity)
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = "msg_" + strconv.Itoa(i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for i := range b.N {
		k := replay.Key("standard-webhooks", keys[i])
		m.Claim(ctx, k, DefaultLease)
		m.Complete(ctx, k, DefaultKeep)
	}
}

// BenchmarkPartRate is one rate-limit Take keyed by client IP.
func BenchmarkPartRate(b *testing.B) {
	l := ratelimit.NewMemory(rate.Inf, 1, 1000)
	ip := netip.MustParseAddr("192.0.2.10")
	ctx := context.Background()
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for range b.N {
		l.Take(ctx, ratelimit.IPKey(ip, 0, 64))
	}
}

// BenchmarkPartVerify is hmac.Verifier.VerifyAt on the benchmark delivery.
func BenchmarkPartVerify(b *testing.B) {
	s := newBenchSetup(b, 1)
	v := hghmac.NewVerifier(hghmac.StandardWebhooks, testKeyring(b))
	h := s.hdrs[0]
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for range b.N {
		if _, err := v.VerifyAt(h, s.raw, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPartState is the per-request state and request copy of a layer chain.
func BenchmarkPartState(b *testing.B) {
	g := newTestGuard(b)
	r, _ := http.NewRequest("POST", "/", nil)
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for range b.N {
		st := g.newState(r.Context())
		_ = r.WithContext(st)
	}
}

// reportCPU reports the process CPU time per iteration since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((processCPU()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
