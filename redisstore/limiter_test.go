package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

// within asserts lo <= got <= hi.
func within(t *testing.T, what string, got, lo, hi time.Duration) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %v, want within [%v, %v]", what, got, lo, hi)
	}
}

// TestLimiterServerClock checks the TIME path: durations are exact up to the
// real time that passed between the calls, which the test measures.
func TestLimiterServerClock(t *testing.T) {
	c := newClient(t, shared)
	ctx := context.Background()
	l, err := NewLimiter(c, LimiterOptions{Rate: rate.Every(time.Hour), Burst: 3, Prefix: uniquePrefix("rlsc"), Policy: "hourly"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := range 3 {
		d, err := l.Take(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		if !d.Allowed || d.Remaining != 2-i || d.Limit != 3 || d.RetryAfter != 0 || d.Window != 3*time.Hour || d.Policy != "hourly" {
			t.Fatalf("take %d: %+v", i+1, d)
		}
		within(t, "ResetAfter", d.ResetAfter, time.Duration(i+1)*time.Hour-el, time.Duration(i+1)*time.Hour)
	}
	d, err := l.Take(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	if d.Allowed || d.Remaining != 0 || d.Err() != ratelimit.ErrLimited {
		t.Fatalf("refused take: %+v", d)
	}
	within(t, "RetryAfter", d.RetryAfter, time.Hour-el, time.Hour)
	within(t, "ResetAfter", d.ResetAfter, 3*time.Hour-el, 3*time.Hour)

	// The bucket's key expires when the bucket is full again.
	pttl, err := c.PTTL(ctx, l.Key("k")).Result()
	if err != nil {
		t.Fatal(err)
	}
	within(t, "PTTL", pttl, 3*time.Hour-time.Since(start)-time.Millisecond, 3*time.Hour+time.Millisecond)

	// 90 minutes pass on the server: one token back, half of the next
	// (measured from the first take, which set the bucket's full time).
	if err := shiftTat.Run(ctx, c, []string{l.Key("k")}, 90*60, 0).Err(); err != nil {
		t.Fatal(err)
	}
	d, err = l.Take(ctx, "k")
	if err != nil || !d.Allowed || d.Remaining != 0 {
		t.Fatalf("after 90 min: %+v, %v", d, err)
	}
	d, err = l.Take(ctx, "k")
	el = time.Since(start)
	if err != nil || d.Allowed {
		t.Fatalf("after 90 min, second take: %+v, %v", d, err)
	}
	within(t, "RetryAfter after 90 min", d.RetryAfter, 30*time.Minute-el, 30*time.Minute)
}

// TestLimiterSharedBucket: two Limiters (two replicas) on one prefix share
// each key's bucket.
func TestLimiterSharedBucket(t *testing.T) {
	c := newClient(t, shared)
	prefix := uniquePrefix("rlshared")
	o := LimiterOptions{Rate: rate.Every(time.Hour), Burst: 4, Prefix: prefix}
	a, err := NewLimiter(c, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewLimiter(newClient(t, shared), o)
	if err != nil {
		t.Fatal(err)
	}
	admitted := 0
	for i := range 10 {
		l := a
		if i%2 == 1 {
			l = b
		}
		d, err := l.Take(context.Background(), "ip")
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed {
			admitted++
		}
	}
	if admitted != 4 {
		t.Errorf("two limiters admitted %d, want the shared burst 4", admitted)
	}
}

func TestLimiterInfNeedsNoRedis(t *testing.T) {
	l, err := NewLimiter(deadClient(t), LimiterOptions{Rate: rate.Inf, Burst: 7})
	if err != nil {
		t.Fatal(err)
	}
	d, err := l.Take(context.Background(), "k")
	if err != nil || !d.Allowed || d.Remaining != 7 || d.Limit != 7 {
		t.Fatalf("rate.Inf: %+v, %v", d, err)
	}
}

func TestLimiterErrors(t *testing.T) {
	l, err := NewLimiter(deadClient(t), LimiterOptions{Rate: 10, Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Take(context.Background(), "k"); err == nil {
		t.Fatal("Take against an unreachable Redis: nil error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Take(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Take with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestNewLimiterValidates(t *testing.T) {
	c := deadClient(t)
	for _, tc := range []struct {
		name string
		o    LimiterOptions
	}{
		{"zero burst", LimiterOptions{Rate: 1}},
		{"zero rate", LimiterOptions{Burst: 1}},
		{"negative rate", LimiterOptions{Rate: -1, Burst: 1}},
		{"rate above 1e9", LimiterOptions{Rate: 3e9, Burst: 1}},
		{"refill too long", LimiterOptions{Rate: rate.Every(24 * time.Hour), Burst: 100}},
		{"brace in prefix", LimiterOptions{Rate: 1, Burst: 1, Prefix: "a{b}:"}},
	} {
		if _, err := NewLimiter(c, tc.o); err == nil {
			t.Errorf("%s: NewLimiter accepted %+v", tc.name, tc.o)
		}
	}
	if _, err := NewLimiter(nil, LimiterOptions{Rate: 1, Burst: 1}); err == nil {
		t.Error("NewLimiter accepted a nil client")
	}
	l, err := NewLimiter(c, LimiterOptions{Rate: 1, Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Key("1.2.3.4"), DefaultLimiterPrefix+"{1.2.3.4}"; got != want {
		t.Errorf("Key = %q, want %q", got, want)
	}
}
