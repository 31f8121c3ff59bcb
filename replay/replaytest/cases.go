package replaytest

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookguard/hookguard/replay"
)

const (
	lease = 30 * time.Second
	keep  = time.Hour
)

// harness wraps one subtest's store with assertion helpers.
type harness struct {
	*testing.T
	s       replay.Store
	advance func(time.Duration)
}

// key returns a key unique to the running subtest.
func (h *harness) key(name string) string {
	return replay.Key("replaytest", h.Name()+"/"+name)
}

func (h *harness) claim(key string, lease time.Duration, want replay.State) {
	h.Helper()
	got, err := h.s.Claim(context.Background(), key, lease)
	if err != nil {
		h.Fatalf("Claim(%q): unexpected error: %v", key, err)
	}
	if got != want {
		h.Fatalf("Claim(%q) = %v, want %v", key, got, want)
	}
}

func (h *harness) complete(key string, keep time.Duration) {
	h.Helper()
	if err := h.s.Complete(context.Background(), key, keep); err != nil {
		h.Fatalf("Complete(%q): unexpected error: %v", key, err)
	}
}

func (h *harness) release(key string) {
	h.Helper()
	if err := h.s.Release(context.Background(), key); err != nil {
		h.Fatalf("Release(%q): unexpected error: %v", key, err)
	}
}

var cases = []struct {
	name string
	f    func(h *harness)
}{
	{"ClaimUnknownIsFresh", func(h *harness) {
		h.claim(h.key("a"), lease, replay.Fresh)
	}},
	{"ClaimInFlightIsInFlight", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.claim(k, lease, replay.InFlight)
		h.claim(k, lease, replay.InFlight)
	}},
	{"ClaimDoneIsDone", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.complete(k, keep)
		h.claim(k, lease, replay.Done)
		h.claim(k, lease, replay.Done)
	}},
	{"ReleaseThenClaimIsFresh", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.release(k)
		h.claim(k, lease, replay.Fresh)
		h.claim(k, lease, replay.InFlight)
	}},
	{"ReleaseUnknownIsNoop", func(h *harness) {
		k := h.key("a")
		h.release(k)
		h.claim(k, lease, replay.Fresh)
	}},
	{"ReleaseTwiceIsNoop", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.release(k)
		h.release(k)
		h.claim(k, lease, replay.Fresh)
	}},
	{"ReleaseDoneKeepsDone", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.complete(k, keep)
		h.release(k)
		h.claim(k, lease, replay.Done)
	}},
	{"CompleteUnknownRecordsDone", func(h *harness) {
		k := h.key("a")
		h.complete(k, keep)
		h.claim(k, lease, replay.Done)
	}},
	{"CompleteAfterLeaseExpiry", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.advance(lease + time.Second)
		h.complete(k, keep)
		h.claim(k, lease, replay.Done)
	}},
	{"CompleteRestartsKeep", func(h *harness) {
		k := h.key("a")
		h.complete(k, keep)
		h.advance(keep - time.Minute)
		h.complete(k, keep)
		h.advance(2 * time.Minute)
		h.claim(k, lease, replay.Done)
	}},
	{"LeaseExpiryFreesKey", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.advance(lease - time.Second)
		h.claim(k, lease, replay.InFlight)
		h.advance(2 * time.Second)
		h.claim(k, lease, replay.Fresh) // the first claimer died mid-handler
		h.claim(k, lease, replay.InFlight)
	}},
	{"ClaimDoesNotExtendLease", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.advance(lease / 2)
		h.claim(k, 10*lease, replay.InFlight)
		h.advance(lease/2 + time.Second)
		h.claim(k, lease, replay.Fresh)
	}},
	{"KeepExpiryFreesKey", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.complete(k, keep)
		h.advance(keep - time.Second)
		h.claim(k, lease, replay.Done)
		h.advance(2 * time.Second)
		h.claim(k, lease, replay.Fresh)
	}},
	{"CompleteOutlivesLease", func(h *harness) {
		k := h.key("a")
		h.claim(k, lease, replay.Fresh)
		h.complete(k, keep)
		h.advance(10 * lease)
		h.claim(k, lease, replay.Done)
	}},
	{"ZeroLeaseMeansDefault", func(h *harness) {
		k, n := h.key("zero"), h.key("negative")
		h.claim(k, 0, replay.Fresh)
		h.claim(n, -time.Second, replay.Fresh)
		h.advance(replay.DefaultLease - time.Second)
		h.claim(k, lease, replay.InFlight)
		h.claim(n, lease, replay.InFlight)
		h.advance(2 * time.Second)
		h.claim(k, lease, replay.Fresh)
		h.claim(n, lease, replay.Fresh)
	}},
	{"ZeroKeepMeansDefault", func(h *harness) {
		k, n := h.key("zero"), h.key("negative")
		h.complete(k, 0)
		h.complete(n, -time.Second)
		h.advance(replay.DefaultKeep - time.Second)
		h.claim(k, lease, replay.Done)
		h.claim(n, lease, replay.Done)
		h.advance(2 * time.Second)
		h.claim(k, lease, replay.Fresh)
		h.claim(n, lease, replay.Fresh)
	}},
	{"IndependentKeys", func(h *harness) {
		a, b, c := h.key("a"), h.key("b"), h.key("c")
		h.claim(a, lease, replay.Fresh)
		h.claim(b, lease, replay.Fresh)
		h.complete(a, keep)
		h.claim(b, lease, replay.InFlight)
		h.release(b)
		h.claim(a, lease, replay.Done)
		h.claim(c, lease, replay.Fresh)
		h.claim(b, lease, replay.Fresh)
		h.advance(lease + time.Second) // b and c expire, a stays done
		h.claim(a, lease, replay.Done)
		h.claim(b, lease, replay.Fresh)
		h.claim(c, lease, replay.Fresh)
	}},
	{"SimilarKeysDoNotCollide", func(h *harness) {
		base := h.key("")
		long := strings.Repeat("x", 1000)
		keys := []string{
			base + "a", base + "A", base + "a ", base + " a", base + "ab",
			base + "a\x00", base + "a\xff", base + "ä",
			base + long, base + long + "y", base + long[:999] + "y",
			replay.Key(h.Name()+"a:b", "c"), replay.Key(h.Name()+"a", "b:c"),
			replay.Key(h.Name()+"src", long), replay.Key(h.Name()+"src", long+"y"),
		}
		for _, k := range keys {
			h.claim(k, lease, replay.Fresh)
		}
		for _, k := range keys {
			h.claim(k, lease, replay.InFlight)
		}
	}},
	{"ConcurrentClaimOneKey", func(h *harness) {
		if fresh := claimRace(h, h.key("a"), 64); fresh != 1 {
			h.Fatalf("64 concurrent claims of one key: %d answered Fresh, want exactly 1", fresh)
		}
	}},
	{"ConcurrentClaimAfterRelease", func(h *harness) {
		k := h.key("a")
		for round := range 5 {
			if fresh := claimRace(h, k, 64); fresh != 1 {
				h.Fatalf("round %d: %d of 64 concurrent claims answered Fresh, want exactly 1", round, fresh)
			}
			h.release(k)
		}
	}},
	{"ConcurrentManyKeys", func(h *harness) {
		const workers, n = 8, 512
		keys := make([]string, n)
		for i := range keys {
			keys[i] = h.key("k" + strconv.Itoa(i))
		}
		var fresh [n]int32
		var mu sync.Mutex
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				for j := range n {
					i := (j*7 + w*61) % n // a different order per worker
					st, err := h.s.Claim(context.Background(), keys[i], lease)
					if err != nil {
						errs <- err
						return
					}
					if st == replay.Fresh {
						mu.Lock()
						fresh[i]++
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			h.Fatalf("concurrent Claim: %v", err)
		}
		for i, f := range fresh {
			if f != 1 {
				h.Fatalf("key %d answered Fresh %d times across %d workers, want exactly 1", i, f, workers)
			}
		}
		for i := range keys {
			if i%2 == 0 {
				h.complete(keys[i], keep)
			}
		}
		for i := range keys {
			want := replay.InFlight
			if i%2 == 0 {
				want = replay.Done
			}
			h.claim(keys[i], lease, want)
		}
	}},
	{"CancelledContext", func(h *harness) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		k, done := h.key("a"), h.key("done")
		if _, err := h.s.Claim(ctx, k, lease); !errors.Is(err, context.Canceled) {
			h.Fatalf("Claim with a cancelled context: err = %v, want context.Canceled", err)
		}
		h.claim(k, lease, replay.Fresh) // the cancelled Claim changed nothing
		if err := h.s.Complete(ctx, k, keep); !errors.Is(err, context.Canceled) {
			h.Fatalf("Complete with a cancelled context: err = %v, want context.Canceled", err)
		}
		if err := h.s.Release(ctx, k); !errors.Is(err, context.Canceled) {
			h.Fatalf("Release with a cancelled context: err = %v, want context.Canceled", err)
		}
		h.claim(k, lease, replay.InFlight) // neither changed the claim
		h.complete(done, keep)
		if err := h.s.Release(ctx, done); !errors.Is(err, context.Canceled) {
			h.Fatalf("Release with a cancelled context: err = %v, want context.Canceled", err)
		}
		h.claim(done, lease, replay.Done)
	}},
}

// claimRace starts n goroutines that claim key at once and returns how
// many answered Fresh; every other answer must be InFlight.
func claimRace(h *harness, key string, n int) int {
	h.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		mu    sync.Mutex
		fresh int
		bad   []string
	)
	for range n {
		wg.Go(func() {
			<-start
			st, err := h.s.Claim(context.Background(), key, lease)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				bad = append(bad, "error: "+err.Error())
			case st == replay.Fresh:
				fresh++
			case st != replay.InFlight:
				bad = append(bad, "state: "+st.String())
			}
		})
	}
	close(start)
	wg.Wait()
	if len(bad) > 0 {
		h.Fatalf("concurrent claims of one in-flight key: want only Fresh or InFlight, got %v", bad)
	}
	return fresh
}
