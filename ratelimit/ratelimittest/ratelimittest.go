// Package ratelimittest is the conformance suite for ratelimit.Limiter
// implementations: the in-memory limiter runs it, and so must every other
// backend (Redis, a third-party store).
//
// A backend's test calls Run (or RunWithOptions) with a NewLimiter that builds
// a fresh limiter per subtest and a function that moves that limiter's notion
// of time forward. The suite never sleeps: a limiter with a fake clock
// advances the clock; a server-backed limiter shifts its stored state back by
// d (equivalent for a token bucket) and passes a small Tolerance for the real
// time that elapses between calls and for its clock's granularity.
//
// The suite uses only the standard testing package, so it can be imported from
// any module.
package ratelimittest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

// NewLimiter returns a fresh limiter allowing r events per second with the
// given burst for one subtest, and a function that moves that limiter's notion
// of time forward by d. No test sleeps.
type NewLimiter func(t *testing.T, r rate.Limit, burst int) (l ratelimit.Limiter, advance func(d time.Duration))

// Options tunes the suite for a backend.
type Options struct {
	// Tolerance is how far a reported duration (RetryAfter, ResetAfter) may
	// differ from the exact value, either way. Zero demands exact values:
	// right for a limiter on a fake clock. A server-backed limiter, whose
	// clock keeps running between calls and may count in milliseconds,
	// passes a few milliseconds (5ms is plenty on a local server). The
	// suite's rates keep one token at 100ms or more, so no tolerance below
	// 50ms lets real time add a whole token.
	Tolerance time.Duration
}

// Run runs the conformance suite against limiters made by newLimiter,
// demanding exact durations (Options{}).
func Run(t *testing.T, newLimiter NewLimiter) {
	t.Helper()
	RunWithOptions(t, newLimiter, Options{})
}

// Subtests lists the names of the suite's subtests, in the order they run.
func Subtests() []string {
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.name
	}
	return names
}

// RunWithOptions runs the conformance suite against limiters made by
// newLimiter with the given options. Each subtest gets a fresh limiter.
func RunWithOptions(t *testing.T, newLimiter NewLimiter, o Options) {
	t.Helper()
	if o.Tolerance < 0 || o.Tolerance >= 50*time.Millisecond {
		t.Fatalf("ratelimittest: Tolerance %v outside [0, 50ms)", o.Tolerance)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(&suite{T: t, newLimiter: newLimiter, tol: o.Tolerance})
		})
	}
}

type suite struct {
	*testing.T
	newLimiter NewLimiter
	tol        time.Duration
}

func (s *suite) limiter(r rate.Limit, burst int) (ratelimit.Limiter, func(time.Duration)) {
	s.Helper()
	l, advance := s.newLimiter(s.T, r, burst)
	if l == nil || advance == nil {
		s.Fatalf("NewLimiter returned a nil limiter or advance func")
	}
	return l, advance
}

// take calls Take and fails the test on an error.
func (s *suite) take(l ratelimit.Limiter, key string) ratelimit.Decision {
	s.Helper()
	d, err := l.Take(context.Background(), key)
	if err != nil {
		s.Fatalf("Take(%q): unexpected error %v", key, err)
	}
	return d
}

func (s *suite) near(what string, got, want time.Duration) {
	s.Helper()
	if diff := got - want; diff > s.tol || diff < -s.tol {
		if s.tol == 0 {
			s.Errorf("%s = %v, want exactly %v", what, got, want)
		} else {
			s.Errorf("%s = %v, want %v ± %v", what, got, want, s.tol)
		}
	}
}

// allowed asserts d admitted the request with remaining tokens left.
func (s *suite) allowed(d ratelimit.Decision, step string, limit, remaining int) {
	s.Helper()
	if !d.Allowed {
		s.Fatalf("%s: refused (%+v), want allowed", step, d)
	}
	if d.Limit != limit {
		s.Errorf("%s: Limit = %d, want %d", step, d.Limit, limit)
	}
	if d.Remaining != remaining {
		s.Errorf("%s: Remaining = %d, want %d", step, d.Remaining, remaining)
	}
	if d.RetryAfter != 0 {
		s.Errorf("%s: RetryAfter = %v on an allowed request, want 0", step, d.RetryAfter)
	}
	if d.Err() != nil {
		s.Errorf("%s: Err() = %v on an allowed request", step, d.Err())
	}
}

// refused asserts d refused the request with no tokens left.
func (s *suite) refused(d ratelimit.Decision, step string, limit int) {
	s.Helper()
	if d.Allowed {
		s.Fatalf("%s: allowed (%+v), want refused", step, d)
	}
	if d.Limit != limit {
		s.Errorf("%s: Limit = %d, want %d", step, d.Limit, limit)
	}
	if d.Remaining != 0 {
		s.Errorf("%s: Remaining = %d on a refusal, want 0", step, d.Remaining)
	}
	if d.RetryAfter <= 0 {
		s.Errorf("%s: RetryAfter = %v on a refusal, want > 0", step, d.RetryAfter)
	}
	if d.Err() != ratelimit.ErrLimited {
		s.Errorf("%s: Err() = %v, want ErrLimited", step, d.Err())
	}
}

// drain takes burst tokens from key, asserting each is allowed.
func (s *suite) drain(l ratelimit.Limiter, key string, burst int) {
	s.Helper()
	for i := range burst {
		s.allowed(s.take(l, key), fmt.Sprintf("take %d of %d", i+1, burst), burst, burst-1-i)
	}
}

type testCase struct {
	name string
	run  func(s *suite)
}

// Every case uses rates whose token interval is a whole number of
// milliseconds of at least 100ms, so exact arithmetic is possible and a
// server clock's few milliseconds of drift never add a token.
var cases = []testCase{
	{"BurstThenRefused", burstThenRefused},
	{"RemainingCountsDown", remainingCountsDown},
	{"RefillAfterAdvance", refillAfterAdvance},
	{"PartialRefillRefused", partialRefillRefused},
	{"RetryAfterExact", retryAfterExact},
	{"RefusalConsumesNothing", refusalConsumesNothing},
	{"ResetAfter", resetAfter},
	{"RefillCapsAtBurst", refillCapsAtBurst},
	{"BurstOfOne", burstOfOne},
	{"Window", window},
	{"KeysIndependent", keysIndependent},
	{"ConcurrentOneKey", concurrentOneKey},
	{"ConcurrentManyKeys", concurrentManyKeys},
}

func burstThenRefused(s *suite) {
	l, _ := s.limiter(10, 5)
	s.drain(l, "k", 5)
	for i := range 3 {
		s.refused(s.take(l, "k"), fmt.Sprintf("take %d past the burst", i+1), 5)
	}
}

func remainingCountsDown(s *suite) {
	const burst = 20
	l, _ := s.limiter(1, burst)
	for i := range burst {
		d := s.take(l, "k")
		s.allowed(d, fmt.Sprintf("take %d", i+1), burst, burst-1-i)
	}
	s.refused(s.take(l, "k"), "take past the burst", burst)
}

func refillAfterAdvance(s *suite) {
	l, advance := s.limiter(10, 4) // a token every 100ms
	s.drain(l, "k", 4)
	s.refused(s.take(l, "k"), "drained", 4)

	advance(100 * time.Millisecond) // exactly one token
	s.allowed(s.take(l, "k"), "after one interval", 4, 0)
	s.refused(s.take(l, "k"), "after one interval, second take", 4)

	advance(300 * time.Millisecond) // three tokens
	for i := range 3 {
		s.allowed(s.take(l, "k"), fmt.Sprintf("after three intervals, take %d", i+1), 4, 2-i)
	}
	s.refused(s.take(l, "k"), "after three intervals, fourth take", 4)
}

func partialRefillRefused(s *suite) {
	l, advance := s.limiter(10, 2)
	s.drain(l, "k", 2)
	advance(60 * time.Millisecond) // 0.6 of a token
	d := s.take(l, "k")
	s.refused(d, "after 60ms of a 100ms interval", 2)
	s.near("RetryAfter after 60ms", d.RetryAfter, 40*time.Millisecond)
	advance(40 * time.Millisecond)
	s.allowed(s.take(l, "k"), "after the remaining 40ms", 2, 0)
}

func retryAfterExact(s *suite) {
	l, advance := s.limiter(5, 3) // a token every 200ms
	s.drain(l, "k", 3)
	d := s.take(l, "k")
	s.refused(d, "drained", 3)
	s.near("RetryAfter when drained", d.RetryAfter, 200*time.Millisecond)

	advance(150 * time.Millisecond)
	d = s.take(l, "k")
	s.refused(d, "150ms later", 3)
	s.near("RetryAfter 150ms later", d.RetryAfter, 50*time.Millisecond)

	advance(d.RetryAfter) // exactly as told
	s.allowed(s.take(l, "k"), "after waiting RetryAfter", 3, 0)
	d = s.take(l, "k")
	s.refused(d, "right after", 3)
	s.near("RetryAfter after taking the refilled token", d.RetryAfter, 200*time.Millisecond)
}

func refusalConsumesNothing(s *suite) {
	l, advance := s.limiter(10, 1)
	s.drain(l, "k", 1)
	for i := range 50 {
		s.refused(s.take(l, "k"), fmt.Sprintf("hammering, take %d", i+1), 1)
	}
	advance(100 * time.Millisecond)
	s.allowed(s.take(l, "k"), "one interval after the hammering", 1, 0)
}

func resetAfter(s *suite) {
	l, advance := s.limiter(10, 5) // full from empty in 500ms
	d := s.take(l, "k")
	s.allowed(d, "first take", 5, 4)
	s.near("ResetAfter after one take", d.ResetAfter, 100*time.Millisecond)
	d = s.take(l, "k")
	s.near("ResetAfter after two takes", d.ResetAfter, 200*time.Millisecond)

	advance(50 * time.Millisecond)
	d = s.take(l, "k")
	s.allowed(d, "third take 50ms later", 5, 2)
	s.near("ResetAfter after three takes and 50ms", d.ResetAfter, 250*time.Millisecond)

	s.take(l, "k")
	s.take(l, "k")
	d = s.take(l, "k")
	s.refused(d, "drained", 5)
	s.near("ResetAfter when refused", d.ResetAfter, 450*time.Millisecond)
	s.near("RetryAfter when refused", d.RetryAfter, 50*time.Millisecond)

	advance(450 * time.Millisecond) // full again
	d = s.take(l, "k")
	s.allowed(d, "after ResetAfter", 5, 4)
	s.near("ResetAfter after refilling", d.ResetAfter, 100*time.Millisecond)
}

func refillCapsAtBurst(s *suite) {
	l, advance := s.limiter(10, 3)
	s.drain(l, "k", 3)
	advance(time.Hour) // far more than needed: the bucket holds only 3
	s.drain(l, "k", 3)
	s.refused(s.take(l, "k"), "after a long idle period and a burst", 3)
}

func burstOfOne(s *suite) {
	l, advance := s.limiter(rate.Every(time.Second), 1)
	d := s.take(l, "k")
	s.allowed(d, "first", 1, 0)
	s.near("ResetAfter", d.ResetAfter, time.Second)
	d = s.take(l, "k")
	s.refused(d, "second", 1)
	s.near("RetryAfter", d.RetryAfter, time.Second)
	advance(999 * time.Millisecond)
	d = s.take(l, "k")
	s.refused(d, "999ms later", 1)
	s.near("RetryAfter 999ms later", d.RetryAfter, time.Millisecond)
	advance(time.Millisecond)
	s.allowed(s.take(l, "k"), "a second later", 1, 0)
}

func keysIndependent(s *suite) {
	l, advance := s.limiter(10, 3)
	s.drain(l, "a", 3)
	s.refused(s.take(l, "a"), "a drained", 3)
	s.drain(l, "b", 3) // b untouched by a
	s.refused(s.take(l, "b"), "b drained", 3)
	s.allowed(s.take(l, "c"), "c, a fresh key", 3, 2)
	// Keys that differ only in case or by a prefix are distinct.
	s.allowed(s.take(l, "A"), "A", 3, 2)
	s.allowed(s.take(l, "aa"), "aa", 3, 2)
	s.allowed(s.take(l, ""), "the empty key", 3, 2)

	advance(100 * time.Millisecond)
	s.allowed(s.take(l, "a"), "a after one interval", 3, 0)
	s.allowed(s.take(l, "b"), "b after one interval", 3, 0)
	d := s.take(l, "c")
	s.allowed(d, "c after one interval", 3, 2) // refilled to full, minus this take
}

// Decision.Window is optional (zero: unknown), but when reported it is the
// time an empty bucket takes to refill: burst / r.
func window(s *suite) {
	l, _ := s.limiter(2, 20)
	d := s.take(l, "k")
	s.allowed(d, "first take", 20, 19)
	if d.Window != 0 {
		s.near("Window", d.Window, 10*time.Second)
	}
}
