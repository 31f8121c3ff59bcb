package benchmarks

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/didip/tollbooth/v7"
	tblimiter "github.com/didip/tollbooth/v7/limiter"
	"github.com/go-chi/httprate"
	"github.com/hookguard/hookguard/ratelimit"
	sethlimiter "github.com/sethvargo/go-limiter"
	"github.com/sethvargo/go-limiter/memorystore"
	"github.com/ulule/limiter/v3"
	ulmemory "github.com/ulule/limiter/v3/drivers/store/memory"
	"golang.org/x/time/rate"
)

// KeyCounts are the numbers of live keys benchmarked.
var KeyCounts = []int{1, 100_000}

// RateKeys returns n distinct client-IP keys ("10.x.y.z"), deterministic.
func RateKeys(n int) []string {
	out := make([]string, n)
	for i := range out {
		v := uint32(0x0a000000) + uint32(i)*2654435761%0x00ffffff
		out[i] = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
	}
	// the multiplicative walk can repeat; make every key unique
	seen := make(map[string]bool, n)
	for i, k := range out {
		if seen[k] {
			k = "k" + strconv.Itoa(i)
			out[i] = k
		}
		seen[k] = true
	}
	return out
}

// RateConfig is the same quota for every limiter: Burst requests per Period
// (a token bucket of Burst refilled at Burst/Period, or a window of Burst
// requests per Period for the window counters).
type RateConfig struct {
	Burst   int
	Period  time.Duration
	MaxKeys int // for limiters with a key cap (hookguard)
}

// Unlimited is the benchmark quota: 2³⁰ per hour, every bucket starting
// full, so no limiter refuses within a benchmark and every limiter does the
// same work (find the key, count a take). Not 2³⁰ per second: go-limiter's
// memorystore computes a refill of zero tokens per tick when Tokens exceeds
// the interval in nanoseconds, sets the bucket to it, and refuses every take
// once a second has passed.
var Unlimited = RateConfig{Burst: 1 << 30, Period: time.Hour}

// RateLimiter is one rate-limiter implementation. Take reports whether key
// may proceed.
type RateLimiter struct {
	Name  string
	Key   string
	Kind  Kind
	Note  string
	Build func(c RateConfig) (take func(key string) (bool, error), closer func(), err error)
}

// nopWriter is a ResponseWriter that discards everything, for httprate's
// OnLimit, whose counter is only reachable through it.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// RateLimiters returns hookguard's ratelimit.Memory and the peers.
func RateLimiters() []RateLimiter {
	ctx := context.Background()
	return []RateLimiter{
		{Name: "hookguard ratelimit.Memory.Take", Key: "hookguard", Kind: KindHookguard,
			Build: func(c RateConfig) (take func(string) (bool, error), closer func(), err error) {
				defer recoverUnimplemented("ratelimit", &err)
				maxKeys := max(c.MaxKeys, 1024)
				m, err := ratelimit.NewMemory(rate.Limit(float64(c.Burst)/c.Period.Seconds()), c.Burst, maxKeys)
				if err != nil {
					return nil, nil, err
				}
				return func(key string) (bool, error) {
					d, err := m.Take(ctx, key)
					return d.Allowed, err
				}, func() {}, nil
			}},
		{Name: "go-chi/httprate RateLimiter.OnLimit", Key: "httprate", Kind: KindPeer,
			Note: "sliding-window counter reached through OnLimit (header names blanked, so no header is written); one mutex for all keys",
			Build: func(c RateConfig) (func(string) (bool, error), func(), error) {
				l := httprate.NewRateLimiter(c.Burst, c.Period, httprate.WithResponseHeaders(httprate.ResponseHeaders{}))
				w := &nopWriter{h: http.Header{}}
				r, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/", nil)
				if err != nil {
					return nil, nil, err
				}
				return func(key string) (bool, error) { return !l.OnLimit(w, r, key), nil }, func() {}, nil
			}},
		{Name: "didip/tollbooth/v7 Limiter.LimitReached", Key: "tollbooth", Kind: KindPeer,
			Note: "token bucket per key (x/time/rate) in an expirable cache",
			Build: func(c RateConfig) (func(string) (bool, error), func(), error) {
				l := tollbooth.NewLimiter(float64(c.Burst)/c.Period.Seconds(),
					&tblimiter.ExpirableOptions{DefaultExpirationTTL: time.Hour})
				l.SetBurst(c.Burst)
				return func(key string) (bool, error) { return !l.LimitReached(key), nil }, func() {}, nil
			}},
		{Name: "ulule/limiter/v3 Limiter.Get (memory store)", Key: "ulule-limiter", Kind: KindPeer,
			Note: "fixed-window counter",
			Build: func(c RateConfig) (func(string) (bool, error), func(), error) {
				l := limiter.New(ulmemory.NewStore(), limiter.Rate{Period: c.Period, Limit: int64(c.Burst)})
				return func(key string) (bool, error) {
					lc, err := l.Get(ctx, key)
					return !lc.Reached, err
				}, func() {}, nil
			}},
		{Name: "sethvargo/go-limiter memorystore Take", Key: "go-limiter", Kind: KindPeer,
			Note: "token bucket per key; found while writing this suite: when Tokens exceeds the interval in nanoseconds its refill (ticks × interval/tokens, truncated) computes zero, and the bucket is set to that, so a quota of 2³⁰ per second refuses every take once the first second has passed; the common quota here is therefore 2³⁰ per hour",
			Build: func(c RateConfig) (func(string) (bool, error), func(), error) {
				s, err := memorystore.New(&memorystore.Config{Tokens: uint64(c.Burst), Interval: c.Period})
				if err != nil {
					return nil, nil, err
				}
				var _ sethlimiter.Store = s
				return func(key string) (bool, error) {
						_, _, _, ok, err := s.Take(ctx, key)
						return ok, err
					}, func() {
						_ = s.Close(ctx)
					}, nil
			}},
	}
}
