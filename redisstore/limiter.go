package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

// DefaultLimiterPrefix is the key prefix of a Limiter whose
// LimiterOptions.Prefix is empty.
const DefaultLimiterPrefix = "hookguard:ratelimit:"

// MaxRefill is the longest time an empty bucket may take to refill (burst
// divided by rate) on a Limiter: about 52 days. It keeps the script's
// arithmetic, done in Lua's doubles, exact to the nanosecond.
const MaxRefill = time.Duration(1 << 52)

// LimiterOptions configures NewLimiter. Rate and Burst are required; every
// other zero field means its documented default.
type LimiterOptions struct {
	// Rate is the refill rate in tokens per second, as in
	// golang.org/x/time/rate (rate.Every builds one from an interval);
	// rate.Inf admits every request without asking Redis. Must be > 0.
	Rate rate.Limit
	// Burst is the bucket capacity: the most requests a key may make at
	// once after being idle. Must be >= 1.
	Burst int
	// Prefix starts every key the Limiter writes; the rate-limit key
	// follows in a hash tag: "<Prefix>{<key>}". Empty means
	// DefaultLimiterPrefix. It must not contain '{' or '}'. Limiters with
	// different rates or bursts must not share a prefix.
	Prefix string
	// Policy names the quota policy in Decision.Policy (and so in the
	// RateLimit header fields); empty means ratelimit.DefaultPolicy.
	Policy string
}

// Limiter is a ratelimit.Limiter on Redis: one token bucket per key, shared
// by every replica that uses the same Redis and prefix, with the same
// semantics and the same exact Decision as ratelimit.Memory.
//
// Each Take is one Lua script, atomic on the server, that reads the Redis
// server's clock (TIME), so replicas whose clocks disagree still share one
// limit. A bucket is a string key holding the instant at which it will be
// full again ("<unix seconds>:<nanoseconds>", about 20 bytes); it expires at
// that instant, so idle keys cost nothing and a missing key is a full bucket.
// A refused Take writes nothing.
//
// A Limiter is safe for concurrent use. Its zero value is not usable; use
// NewLimiter.
type Limiter struct {
	c        redis.Scripter
	prefix   string
	interval int64 // nanoseconds per token; 0 for rate.Inf
	capacity int64 // burst × interval
	burst    int
	window   time.Duration
	policy   string
	now      func() time.Time // tests only: replaces the server clock
	args     [2]string        // interval and capacity, rendered once
}

var _ ratelimit.Limiter = (*Limiter)(nil)

// NewLimiter returns a Limiter that keeps its buckets in c: a *redis.Client,
// *redis.ClusterClient, *redis.Ring or anything else that runs scripts. It
// fails on a nil client, Rate <= 0, Burst < 1, a refill time (Burst/Rate)
// above MaxRefill, or a prefix with a brace.
func NewLimiter(c redis.Scripter, o LimiterOptions) (*Limiter, error) {
	if c == nil {
		return nil, errors.New("redisstore: NewLimiter: nil client")
	}
	prefix, err := checkPrefix(o.Prefix, DefaultLimiterPrefix)
	if err != nil {
		return nil, fmt.Errorf("redisstore: NewLimiter: %w", err)
	}
	if o.Burst < 1 {
		return nil, fmt.Errorf("redisstore: NewLimiter: Burst %d < 1", o.Burst)
	}
	policy := o.Policy
	if policy == "" {
		policy = ratelimit.DefaultPolicy
	}
	l := &Limiter{c: c, prefix: prefix, burst: o.Burst, policy: policy}
	if o.Rate == rate.Inf {
		return l, nil
	}
	r := float64(o.Rate)
	if !(r > 0) || math.IsInf(r, 0) || math.IsNaN(r) {
		return nil, fmt.Errorf("redisstore: NewLimiter: Rate %v must be > 0 (or rate.Inf)", r)
	}
	iv := math.Round(1e9 / r)
	if iv < 1 {
		return nil, fmt.Errorf("redisstore: NewLimiter: Rate %v above 1e9 per second; use rate.Inf", r)
	}
	if iv*float64(o.Burst) > float64(MaxRefill) {
		return nil, fmt.Errorf("redisstore: NewLimiter: Rate %v with Burst %d refills in more than %v", r, o.Burst, MaxRefill)
	}
	l.interval = int64(iv)
	l.capacity = l.interval * int64(o.Burst)
	l.window = time.Duration(l.capacity)
	l.args = [2]string{strconv.FormatInt(l.interval, 10), strconv.FormatInt(l.capacity, 10)}
	return l, nil
}

// Take consumes one token from key's bucket when one is available, in one
// round trip, and returns the exact decision: Remaining tokens after this
// take, RetryAfter until the next token when refused, ResetAfter until the
// bucket is full again. A refusal is a Decision with Allowed false and a nil
// error; an error means Redis could not decide (unreachable, timed out, ctx
// cancelled) and the caller fails closed or open as configured.
func (l *Limiter) Take(ctx context.Context, key string) (ratelimit.Decision, error) {
	d := ratelimit.Decision{Limit: l.burst, Window: l.window, Policy: l.policy}
	if err := ctx.Err(); err != nil {
		return ratelimit.Decision{}, fmt.Errorf("redisstore: take: %w", err)
	}
	if l.interval == 0 { // rate.Inf: always allowed, always full
		d.Allowed = true
		d.Remaining = l.burst
		return d, nil
	}
	args := []any{l.args[0], l.args[1]}
	if l.now != nil {
		t := l.now()
		args = append(args, strconv.FormatInt(t.Unix(), 10)+":"+strconv.Itoa(t.Nanosecond()))
	}
	v, err := takeScript.Run(ctx, l.c, []string{l.Key(key)}, args...).Int64Slice()
	if err != nil {
		return ratelimit.Decision{}, fmt.Errorf("redisstore: take: %w", err)
	}
	if len(v) != 2 {
		return ratelimit.Decision{}, fmt.Errorf("redisstore: take: unexpected script reply %v", v)
	}
	if v[0] == 1 {
		debt := v[1]
		d.Allowed = true
		d.Remaining = int((l.capacity - debt) / l.interval)
		d.ResetAfter = time.Duration(debt)
		return d, nil
	}
	base := v[1]
	d.RetryAfter = time.Duration(base + l.interval - l.capacity)
	d.ResetAfter = time.Duration(base)
	return d, nil
}

// Key returns the Redis key that holds key's bucket: "<Prefix>{<key>}".
func (l *Limiter) Key(key string) string { return hashTagged(l.prefix, key) }
