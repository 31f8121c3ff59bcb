package ratelimittest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// The concurrent cases use a rate of one token an hour so that a real clock
// running during the test cannot add a token.
func concurrentOneKey(s *suite) {
	const burst, workers, each = 50, 16, 20
	l, _ := s.limiter(rate.Every(time.Hour), burst)
	var admitted, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				d, err := l.Take(context.Background(), "hot")
				switch {
				case err != nil:
					errs <- err
					return
				case d.Allowed:
					admitted.Add(1)
				default:
					refused.Add(1)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		s.Fatalf("concurrent Take: %v", err)
	}
	if got := admitted.Load(); got != burst {
		s.Errorf("%d goroutines × %d takes on one key admitted %d, want exactly burst %d", workers, each, got, burst)
	}
	if got := refused.Load(); got != workers*each-burst {
		s.Errorf("refused %d, want %d", got, workers*each-burst)
	}
}

func concurrentManyKeys(s *suite) {
	const burst, keys, workers = 5, 64, 8
	l, _ := s.limiter(rate.Every(time.Hour), burst)
	var admitted [keys]atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			// Every worker takes from every key, each starting at a
			// different key, twice the burst in total per key per worker.
			for round := range 2 * burst {
				for j := range keys {
					k := (j + w*7 + round) % keys
					d, err := l.Take(context.Background(), fmt.Sprintf("key-%d", k))
					if err != nil {
						errs <- err
						return
					}
					if d.Allowed {
						admitted[k].Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		s.Fatalf("concurrent Take: %v", err)
	}
	for k := range admitted {
		if got := admitted[k].Load(); got != burst {
			s.Errorf("key-%d admitted %d, want exactly burst %d", k, got, burst)
		}
	}
}
