package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/benchmarks"
)

// TestExecuteSmoke runs a short load test: every request of both handlers
// succeeds and reaches the inner handler exactly once.
func TestExecuteSmoke(t *testing.T) {
	rep, err := Execute(context.Background(), Config{Requests: 300, Workers: 4, Rounds: 2, Prefixes: 50, Duration: 20 * time.Second}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 4 {
		t.Fatalf("%d runs, want 4", len(rep.Runs))
	}
	for _, r := range rep.Runs {
		if r.Requests != 300 || r.Failures != 0 || r.Handled != 300 {
			t.Fatalf("%s round %d: %d requests, %d failed, %d handled; want 300, 0, 300", r.Handler, r.Round, r.Requests, r.Failures, r.Handled)
		}
		if r.RPS <= 0 || r.P50 <= 0 || r.P99 < r.P50 {
			t.Fatalf("%s: rps %v, p50 %v, p99 %v", r.Handler, r.RPS, r.P50, r.P99)
		}
	}
	if rep.GuardShare() <= 0 {
		t.Fatalf("guard share %v", rep.GuardShare())
	}
}

// TestExecuteStopsAtDuration proves the duration bound: far more requests
// than fit in the time are asked for, and the run stops on time.
func TestExecuteStopsAtDuration(t *testing.T) {
	rep, err := Execute(context.Background(), Config{Requests: 20_000, Workers: 2, Rounds: 1, Prefixes: 10, Duration: 50 * time.Millisecond, BodySize: 128}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Runs {
		if r.Requests >= 20_000 || r.Elapsed > 2*time.Second {
			t.Fatalf("%s: %d requests in %v: not bounded by the duration", r.Handler, r.Requests, r.Elapsed)
		}
	}
}

// TestGuardRefusesWhatItShould proves the load test's Guard really checks:
// a tampered body, a replayed event ID and an address outside the allow list
// never reach the handler.
func TestGuardRefusesWhatItShould(t *testing.T) {
	g, err := benchmarks.NewGuard("192.0.2.0/24\n", 10)
	if err != nil {
		t.Fatal(err)
	}
	called := 0
	h := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called++ }))
	d := benchmarks.NewDelivery(benchmarks.StandardWebhooks, "msg_guard_1", time.Now(), benchmarks.Body(1024))
	send := func(d *benchmarks.Delivery, remote string) int {
		req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(string(d.Body)))
		req.Header = d.Header.Clone()
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send(d, "192.0.2.7:1234"); code != http.StatusOK || called != 1 {
		t.Fatalf("valid delivery: %d, handler called %d times", code, called)
	}
	if code := send(d, "192.0.2.7:1234"); code/100 != 2 || called != 1 {
		t.Fatalf("replayed delivery: %d, handler called %d times; want 2xx without the handler", code, called)
	}
	if code := send(d.Tampered(), "192.0.2.7:1234"); code != http.StatusUnauthorized {
		t.Fatalf("tampered delivery: %d, want 401", code)
	}
	d2 := benchmarks.NewDelivery(benchmarks.StandardWebhooks, "msg_guard_2", time.Now(), benchmarks.Body(1024))
	if code := send(d2, "198.51.100.1:1234"); code != http.StatusForbidden {
		t.Fatalf("address outside the allow list: %d, want 403", code)
	}
	if called != 1 {
		t.Fatalf("handler called %d times, want 1", called)
	}
}
