package redisstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/replay"
)

// BenchmarkGuardDelivery measures deliveries per second through one Guard
// whose replay store and rate limiter are on the local redis-server: each
// delivery is a new event (Take, Claim, Complete: 3 round trips) signed in
// advance. Serial is one sender (latency-bound); Parallel is GOMAXPROCS×8
// senders on one Guard.
func BenchmarkGuardDelivery(b *testing.B) {
	for _, parallel := range []bool{false, true} {
		name := "Serial"
		if parallel {
			name = "Parallel"
		}
		b.Run(name, func(b *testing.B) {
			p := newProcessed()
			r := newReplica(b, replicaConfig{
				server: shared, storePrefix: uniquePrefix("bench"), rlPrefix: uniquePrefix("bench-rl"),
				rate: 1e9, burst: 1 << 30, handler: p.handler(),
				clientOpts: func(o *redis.Options) { o.PoolSize = 64 },
			})
			signer := hmac.NewSigner(hmac.StandardWebhooks, guardKeyring(b))
			list := make([]delivery, b.N)
			for i := range list {
				list[i] = newDelivery(b, signer, fmt.Sprintf("bench_%d", i))
			}
			var next atomic.Int64
			var bad atomic.Int64
			one := func() {
				i := next.Add(1) - 1
				if w := list[i].send(r.handler); w.Code/100 != 2 {
					bad.Add(1)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			if parallel {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						one()
					}
				})
			} else {
				for range b.N {
					one()
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
			if n := bad.Load(); n > 0 {
				b.Fatalf("%d deliveries not accepted", n)
			}
		})
	}
}

// BenchmarkStoreClaimComplete is the replay store alone: Claim and Complete
// of a new key, two round trips.
func BenchmarkStoreClaimComplete(b *testing.B) {
	c := newClient(b, shared)
	s, err := NewStore(c, StoreOptions{Prefix: uniquePrefix("bench-store")})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := range b.N {
		k := "k" + fmt.Sprint(i)
		if st, err := s.Claim(ctx, k, time.Minute); err != nil || st != replay.Fresh {
			b.Fatal(st, err)
		}
		if err := s.Complete(ctx, k, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLimiterTake is the limiter alone: one round trip.
func BenchmarkLimiterTake(b *testing.B) {
	c := newClient(b, shared)
	l, err := NewLimiter(c, LimiterOptions{Rate: 1e9, Burst: 1 << 30, Prefix: uniquePrefix("bench-take")})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		if _, err := l.Take(ctx, "k"); err != nil {
			b.Fatal(err)
		}
	}
}
