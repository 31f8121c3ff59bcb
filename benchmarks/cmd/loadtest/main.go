// Command loadtest runs the loopback HTTP load test: a bare webhook handler
// against the same handler behind hookguard's full Guard. Every run is
// bounded by -requests and by -duration; the server listens on 127.0.0.1.
//
//	go run ./cmd/loadtest -requests 5000 -duration 10s -workers 8 -rounds 10
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/hookguard/hookguard/benchmarks/loadtest"
)

func main() {
	var c loadtest.Config
	flag.IntVar(&c.Requests, "requests", 5_000, "requests per run (upper bound)")
	flag.DurationVar(&c.Duration, "duration", 0, "time per run (upper bound; 0: 10s)")
	flag.IntVar(&c.Workers, "workers", 8, "concurrent keep-alive client workers")
	flag.IntVar(&c.BodySize, "body", 1024, "body bytes per delivery")
	flag.IntVar(&c.Rounds, "rounds", 10, "runs of each handler, alternated")
	flag.IntVar(&c.Prefixes, "prefixes", 1000, "allow-list prefixes (plus 127.0.0.0/8)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole test (client and server) to this file")
	flag.Parse()
	log.SetFlags(0)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := loadtest.Execute(ctx, c, log.Printf)
	for _, s := range []loadtest.Summary{rep.Bare, rep.Guard} {
		fmt.Printf("%-12s %8.0f req/s  p50 %-12v p99 %-12v CPU %v/req (%d runs, %d requests, %d failed)\n",
			s.Handler, s.RPS, s.P50, s.P99, s.CPUPerReq, s.Runs, s.Requests, s.Failures)
	}
	fmt.Printf("Guard / bare: %.1f %% (median of the per-round ratios)\n", 100*rep.GuardShare())
	if err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}
