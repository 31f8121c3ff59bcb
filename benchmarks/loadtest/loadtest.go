// Package loadtest drives a loopback HTTP load test: a bare webhook handler
// against the same handler behind hookguard's full middleware.Guard
// (Standard Webhooks signatures, unique event IDs, an allow list and a rate
// limit sized never to refuse), with a keep-alive client and a fixed number
// of workers.
//
// Every run is bounded twice: by a request count and by a duration. The
// server listens on 127.0.0.1 only and the client sends nowhere else.
package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookguard/hookguard/benchmarks"
	"github.com/hookguard/hookguard/middleware"
)

// Config bounds and shapes a load test. Zero fields take the defaults.
type Config struct {
	Requests int           // per run; default 5 000
	Duration time.Duration // per run, a hard stop; default 10 s
	Workers  int           // concurrent keep-alive client workers; default 8
	BodySize int           // bytes per delivery; default 1 KiB
	Rounds   int           // runs of each handler, alternated; default 10
	Prefixes int           // allow-list size (plus 127.0.0.0/8); default 1 000
}

func (c *Config) defaults() {
	if c.Requests <= 0 {
		c.Requests = 5_000
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.BodySize <= 0 {
		c.BodySize = 1 << 10
	}
	if c.Rounds <= 0 {
		c.Rounds = 10
	}
	if c.Prefixes <= 0 {
		c.Prefixes = 1_000
	}
}

// Handler names.
const (
	Bare  = "bare handler"
	Guard = "full Guard"
)

// Run is one timed run of one handler.
type Run struct {
	Handler  string
	Round    int
	Requests int // completed (any status)
	Failures int // transport errors and non-2xx answers
	Handled  int // requests that reached the inner handler
	Elapsed  time.Duration
	RPS      float64
	P50, P99 time.Duration
	// CPUPerReq is the process's CPU time (client and server together, user
	// and system) per request: unlike req/s it does not depend on how much of
	// the shared machine this process got.
	CPUPerReq time.Duration
}

// Summary is the median of a handler's runs.
type Summary struct {
	Handler   string
	Runs      int
	Requests  int // total over the runs
	Failures  int // total over the runs
	RPS       float64
	P50, P99  time.Duration
	CPUPerReq time.Duration
}

// Report is the outcome of Execute.
type Report struct {
	Config Config
	Runs   []Run
	Bare   Summary
	Guard  Summary
}

// GuardShare is the full Guard's requests/s as a share of the bare
// handler's: the median over rounds of the ratio within each round, where
// the two runs were back to back under the same machine load. (The ratio of
// the two medians drifts with the load of a shared machine; this does not.)
func (r Report) GuardShare() float64 {
	bare := map[int]float64{}
	for _, run := range r.Runs {
		if run.Handler == Bare {
			bare[run.Round] = run.RPS
		}
	}
	var shares []float64
	for _, run := range r.Runs {
		if b := bare[run.Round]; run.Handler == Guard && b > 0 {
			shares = append(shares, run.RPS/b)
		}
	}
	if len(shares) == 0 {
		return 0
	}
	sort.Float64s(shares)
	return medianF(shares)
}

// ErrFailures is returned when any request failed: a load test whose
// requests were refused measures the refusal path, not the Guard.
var ErrFailures = errors.New("loadtest: requests failed")

// Execute runs c.Rounds rounds; each round runs the bare handler and the
// Guard (the order alternating between rounds) over the same freshly signed
// deliveries. logf, if not nil, gets one line per run.
func Execute(ctx context.Context, c Config, logf func(format string, args ...any)) (Report, error) {
	c.defaults()
	rep := Report{Config: c}
	// One Guard for the whole test, as a server runs one: its replay store
	// and rate-limit buckets carry over from round to round (every event ID
	// is unique across rounds), so no run pays for filling a fresh store.
	guard, err := benchmarks.NewGuard(benchmarks.AllowText(c.Prefixes), c.Rounds*(c.Requests+warmups(c)))
	if err != nil {
		return rep, err
	}
	for round := range c.Rounds {
		order := []string{Bare, Guard}
		if round%2 == 1 {
			order = []string{Guard, Bare}
		}
		deliveries := sign(c.Requests, c.BodySize, round)
		for _, name := range order {
			run, err := runOne(ctx, c, name, round, deliveries, guard)
			if err != nil {
				return rep, err
			}
			if logf != nil {
				logf("loadtest: round %d %-12s %6d requests in %v: %.0f req/s, p50 %v, p99 %v, CPU %v/req, %d failed",
					round+1, name, run.Requests, run.Elapsed.Round(time.Millisecond), run.RPS, run.P50, run.P99, run.CPUPerReq, run.Failures)
			}
			rep.Runs = append(rep.Runs, run)
		}
	}
	rep.Bare = summarize(Bare, rep.Runs)
	rep.Guard = summarize(Guard, rep.Runs)
	if rep.Bare.Failures+rep.Guard.Failures > 0 {
		return rep, fmt.Errorf("%w: %d bare, %d behind the Guard", ErrFailures, rep.Bare.Failures, rep.Guard.Failures)
	}
	return rep, nil
}

// sign returns n Standard Webhooks deliveries with unique event IDs.
func sign(n, size, round int) []*benchmarks.Delivery {
	body := benchmarks.Body(size)
	now := time.Now()
	out := make([]*benchmarks.Delivery, n)
	for i := range out {
		out[i] = benchmarks.NewDelivery(benchmarks.StandardWebhooks, fmt.Sprintf("msg_r%d_%07d", round, i), now, body)
	}
	return out
}

// warmups is the number of untimed requests before each run.
func warmups(c Config) int { return c.Workers * 32 }

func runOne(ctx context.Context, c Config, name string, round int, deliveries []*benchmarks.Delivery, guard *middleware.Guard) (Run, error) {
	var handled atomic.Int64
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		handled.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	})
	var h http.Handler = inner
	if name == Guard {
		h = guard.Handler(inner)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Run{}, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-served
	}()

	tr := &http.Transport{
		Proxy:               nil, // loopback only, whatever the environment says
		MaxIdleConns:        c.Workers,
		MaxIdleConnsPerHost: c.Workers,
		MaxConnsPerHost:     c.Workers,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + "/webhook"

	// Warm-up, untimed: open every keep-alive connection. The warm-up
	// deliveries have their own IDs so they never collide with timed ones.
	warm := sign(warmups(c), c.BodySize, 1000+round) // IDs only the Guard run of this round uses
	if _, err := drive(ctx, client, url, warm, c.Workers, time.Now().Add(c.Duration)); err != nil {
		return Run{}, err
	}
	handled.Store(0)
	runtime.GC() // the signing garbage is not the handler's to collect

	start, cpu0 := time.Now(), processCPU()
	res, err := drive(ctx, client, url, deliveries, c.Workers, start.Add(c.Duration))
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	if err != nil {
		return Run{}, err
	}
	run := Run{Handler: name, Round: round, Requests: len(res.lat), Failures: res.failures,
		Handled: int(handled.Load()), Elapsed: elapsed}
	if elapsed > 0 {
		run.RPS = float64(run.Requests) / elapsed.Seconds()
	}
	if run.Requests > 0 {
		run.CPUPerReq = cpu / time.Duration(run.Requests)
	}
	slices.Sort(res.lat)
	run.P50, run.P99 = percentile(res.lat, 0.50), percentile(res.lat, 0.99)
	return run, nil
}

type driveResult struct {
	lat      []time.Duration
	failures int
}

// drive sends every delivery once from workers goroutines, stopping early
// at deadline or when ctx ends.
func drive(ctx context.Context, client *http.Client, url string, ds []*benchmarks.Delivery, workers int, deadline time.Time) (driveResult, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	var out driveResult
	out.lat = make([]time.Duration, 0, len(ds))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			lat := make([]time.Duration, 0, len(ds)/workers+1)
			failures := 0
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ds) || ctx.Err() != nil {
					break
				}
				d := ds[i]
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.Body))
				if err != nil {
					failures++
					continue
				}
				req.Header = d.Header
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() != nil { // cut off by the deadline: not a failure
						break
					}
					failures++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if resp.StatusCode/100 != 2 {
					failures++
				}
			}
			mu.Lock()
			out.lat = append(out.lat, lat...)
			out.failures += failures
			mu.Unlock()
		})
	}
	wg.Wait()
	return out, nil
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func summarize(name string, runs []Run) Summary {
	s := Summary{Handler: name}
	var rps []float64
	var p50, p99, cpu []time.Duration
	for _, r := range runs {
		if r.Handler != name {
			continue
		}
		s.Runs++
		s.Requests += r.Requests
		s.Failures += r.Failures
		rps = append(rps, r.RPS)
		p50 = append(p50, r.P50)
		p99 = append(p99, r.P99)
		cpu = append(cpu, r.CPUPerReq)
	}
	if s.Runs == 0 {
		return s
	}
	sort.Float64s(rps)
	slices.Sort(p50)
	slices.Sort(p99)
	slices.Sort(cpu)
	s.CPUPerReq = cpu[len(cpu)/2]
	s.RPS = medianF(rps)
	s.P50 = p50[len(p50)/2]
	s.P99 = p99[len(p99)/2]
	return s
}

func medianF(v []float64) float64 {
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
