package ratelimit_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/netip"
	"time"

	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/ratelimit"
)

func ExampleNewMemory() {
	// 2 requests per second per key, bursts of 3, at most 100 000 keys.
	m, err := ratelimit.NewMemory(2, 3, 100_000)
	if err != nil {
		log.Fatal(err) // limits are configuration: fail at start-up
	}

	// TakeAt is Take at an explicit time; Take uses the current time.
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 4 {
		d := m.TakeAt("192.0.2.7", start)
		fmt.Printf("request %d: allowed=%v remaining=%d retry after %v\n", i+1, d.Allowed, d.Remaining, d.RetryAfter)
	}
	d := m.TakeAt("192.0.2.7", start.Add(500*time.Millisecond))
	fmt.Printf("half a second later: allowed=%v remaining=%d\n", d.Allowed, d.Remaining)
	// Output:
	// request 1: allowed=true remaining=2 retry after 0s
	// request 2: allowed=true remaining=1 retry after 0s
	// request 3: allowed=true remaining=0 retry after 0s
	// request 4: allowed=false remaining=0 retry after 500ms
	// half a second later: allowed=true remaining=0
}

func ExampleMemory_Take() {
	m, err := ratelimit.NewMemory(rate.Every(time.Minute), 1, 1000)
	if err != nil {
		log.Fatal(err) // limits are configuration: fail at start-up
	}
	ctx := context.Background()
	d, err := m.Take(ctx, ratelimit.FixedKey("stripe"))
	fmt.Println(d.Allowed, err)
	d, err = m.Take(ctx, ratelimit.FixedKey("stripe"))
	fmt.Println(d.Allowed, err, d.Err())
	// Output:
	// true <nil>
	// false <nil> ratelimit: limited
}

func ExampleIPKey() {
	fmt.Println(ratelimit.IPKey(netip.MustParseAddr("192.0.2.7"), 0, 0))
	fmt.Println(ratelimit.IPKey(netip.MustParseAddr("::ffff:192.0.2.7"), 0, 0)) // IPv4-mapped: unmapped
	fmt.Println(ratelimit.IPKey(netip.MustParseAddr("2001:db8:1:2:aaaa::1"), 0, 0))
	fmt.Println(ratelimit.IPKey(netip.MustParseAddr("fe80::1%eth0"), 0, 128)) // zone ignored
	fmt.Println(ratelimit.IPKey(netip.MustParseAddr("192.0.2.7"), 24, 48))
	// Output:
	// 192.0.2.7
	// 192.0.2.7
	// 2001:db8:1:2::/64
	// fe80::1
	// 192.0.2.0/24
}

func ExampleWriteHeaders() {
	m, err := ratelimit.NewMemory(rate.Every(time.Second), 60, 1000)
	if err != nil {
		log.Fatal(err) // limits are configuration: fail at start-up
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var d ratelimit.Decision
	for range 61 {
		d = m.TakeAt("k", now)
	}
	h := http.Header{}
	ratelimit.WriteHeaders(h, d)
	fmt.Println("Retry-After:", h.Get("Retry-After"))
	fmt.Println("RateLimit-Policy:", h.Get("RateLimit-Policy"))
	fmt.Println("RateLimit:", h.Get("RateLimit"))
	// Output:
	// Retry-After: 1
	// RateLimit-Policy: "default";q=60;w=60
	// RateLimit: "default";r=0;t=1
}

func ExampleHasher() {
	h := ratelimit.NewHasher([]byte("a secret salt shared by every instance"))
	k := h.Key("alice@example.com")
	fmt.Println(len(k), k == h.Key("alice@example.com"), k == h.Key("bob@example.com"))
	// Output:
	// 34 true false
}
