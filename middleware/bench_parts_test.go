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

// BenchmarkPartState is the per-request state and request copy of a layer
// chain (stateOf), kept alive as a chain keeps them.
func BenchmarkPartState(b *testing.B) {
	g := newTestGuard(b)
	r, _ := http.NewRequest("POST", "/", nil)
	b.ReportAllocs()
	defer reportCPU(b, processCPU())
	for range b.N {
		_, partStateSink = g.stateOf(r)
	}
}

var partStateSink *http.Request

// nopStore is a replay.Store that keeps nothing: every claim is fresh.
type nopStore struct{}

func (nopStore) Claim(context.Context, string, time.Duration) (replay.State, error) {
	return replay.Fresh, nil
}
func (nopStore) Complete(context.Context, string, time.Duration) error { return nil }
func (nopStore) Release(context.Context, string) error                 { return nil }

// BenchmarkGuardWithout is BenchmarkGuard with parts taken out, to read what
// each costs in place (cache and garbage-collector effects included, which
// the isolated Part benchmarks miss): the full Guard, without the memory
// replay store (a store that keeps nothing), without the allow list and
// rate limit, and bare (none of the three: TLS off, signature, window,
// body and the handler's context only).
func BenchmarkGuardWithout(b *testing.B) {
	for _, v := range []struct {
		name   string
		mutate func(*Config)
	}{
		{"nothing", nil},
		{"replay", func(c *Config) { c.Replay = nopStore{} }},
		{"allow+rate", func(c *Config) { c.Allow, c.Limiter = nil, nil }},
		{"bare", func(c *Config) { c.Replay, c.Allow, c.Limiter = nopStore{}, nil, nil }},
	} {
		b.Run(v.name, func(b *testing.B) {
			s := newBenchSetupWith(b, b.N, v.mutate)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i > 0 && i%benchBatch == 0 {
					b.StopTimer()
					s.sign(b, i)
					b.StartTimer()
				}
				s.serveOne(b, i)
			}
		})
	}
}

// reportCPU reports the process CPU time per iteration since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((processCPU()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
