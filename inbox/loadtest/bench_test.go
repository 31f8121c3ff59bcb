package main

import (
	"context"
	"testing"
	"time"

	"github.com/hookguard/hookguard/internal/pgtest"
)

// BenchmarkAcknowledge posts b.N signed deliveries from 8 concurrent senders
// over loopback HTTP to each scenario: the synchronous Guard, the inbox on
// SQLite and on Postgres (durable commits in both), and reports
// acknowledgements per second and the p50/p99 time to acknowledge.
func BenchmarkAcknowledge(b *testing.B) {
	ctx := context.Background()
	srv, err := pgtest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for i, sc := range Scenarios("", "") {
		b.Run(sc.Name, func(b *testing.B) {
			// A fresh SQLite file and Postgres database per b.N round.
			url, err := srv.NewDatabase(ctx)
			if err != nil {
				b.Fatal(err)
			}
			sc := Scenarios(b.TempDir(), url)[i]
			b.StopTimer()
			r, err := Measure(ctx, sc, b.N, func(on bool) {
				if on {
					b.StartTimer()
				} else {
					b.StopTimer()
				}
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(r.PerSecond(), "acks/s")
			b.ReportMetric(float64(r.P50)/float64(time.Millisecond), "p50-ms")
			b.ReportMetric(float64(r.P99)/float64(time.Millisecond), "p99-ms")
		})
	}
}
