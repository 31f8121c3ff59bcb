package benchmarks

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

var errRefused = errors.New("take refused under the Unlimited quota")

func buildLimiter(tb testing.TB, l RateLimiter, c RateConfig) func(string) (bool, error) {
	tb.Helper()
	return buildLimiterCleanup(tb, tb, l, c)
}

// buildLimiterCleanup is buildLimiter with the limiter closed when owner ends.
func buildLimiterCleanup(tb, owner testing.TB, l RateLimiter, c RateConfig) func(string) (bool, error) {
	tb.Helper()
	take, closer, err := l.Build(c)
	if errors.Is(err, ErrUnavailable) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatalf("%s: %v", l.Name, err)
	}
	owner.Cleanup(closer)
	return take
}

// TestRateLimitersAgree proves every limiter enforces the same quota the
// same way: three takes per hour allowed for a key, the fourth refused, and
// another key unaffected; the benchmark's Unlimited quota never refuses.
func TestRateLimitersAgree(t *testing.T) {
	for _, l := range RateLimiters() {
		t.Run(l.Key, func(t *testing.T) {
			take := buildLimiter(t, l, RateConfig{Burst: 3, Period: time.Hour, MaxKeys: 16})
			for i := range 5 {
				ok, err := take("198.51.100.7")
				if err != nil {
					t.Fatal(err)
				}
				if want := i < 3; ok != want {
					t.Fatalf("take %d: allowed %v, want %v", i+1, ok, want)
				}
			}
			if ok, err := take("198.51.100.8"); !ok || err != nil {
				t.Fatalf("other key: allowed %v, err %v", ok, err)
			}
			unlimited := buildLimiter(t, l, Unlimited)
			for i := range 1000 {
				if ok, err := unlimited("203.0.113.1"); !ok || err != nil {
					t.Fatalf("unlimited take %d refused: %v", i, err)
				}
			}
		})
	}
}

func TestRateKeysUnique(t *testing.T) {
	keys := RateKeys(100_000)
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			t.Fatalf("duplicate key %q", k)
		}
		seen[k] = true
	}
}

// BenchmarkRateLimit times one take at 1 and 100 000 live keys, serial and
// with b.RunParallel, under a quota that never refuses.
func BenchmarkRateLimit(b *testing.B) {
	parent := b
	for _, n := range KeyCounts {
		keys := RateKeys(n)
		for _, mode := range []string{"serial", "parallel"} {
			for _, l := range RateLimiters() {
				// Built and warmed once, on first use: b.Run calls the
				// function again for every calibration round, and
				// inserting 100 000 keys must not be timed or repeated.
				var take func(string) (bool, error)
				b.Run(strconv.Itoa(n)+"/"+mode+"/"+l.Key, func(b *testing.B) {
					if take == nil {
						c := Unlimited
						c.MaxKeys = 2 * n
						take = buildLimiterCleanup(b, parent, l, c)
						for _, k := range keys { // every key live before timing
							if ok, err := take(k); !ok || err != nil {
								b.Fatalf("warm-up take refused: %v", err)
							}
						}
					}
					if mode == "serial" {
						i := 0
						timeOps(b, 256, func() error {
							ok, err := take(keys[i%n])
							if !ok && err == nil {
								err = errRefused
							}
							i++
							return err
						})
						return
					}
					b.ReportAllocs()
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						i := int(time.Now().UnixNano() % int64(n))
						for pb.Next() {
							if ok, err := take(keys[i%n]); !ok || err != nil {
								b.Errorf("take refused: %v", err)
								return
							}
							i++
						}
					})
				})
			}
		}
	}
}
