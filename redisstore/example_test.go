package redisstore_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/redisstore"
)

// A Guard whose replay state and rate limit live in Redis, shared by every
// replica that uses the same Redis. This example needs a Redis server, so it
// is compiled but not run (it has no Output comment).
func Example() {
	rdb := redis.NewClient(&redis.Options{
		Addr:         "localhost:6379",
		DialTimeout:  200 * time.Millisecond, // a dead Redis costs milliseconds, then 503
		ReadTimeout:  200 * time.Millisecond,
		WriteTimeout: 200 * time.Millisecond,
	})
	defer rdb.Close()

	store, err := redisstore.NewStore(rdb, redisstore.StoreOptions{Prefix: "myapp:replay:"})
	if err != nil {
		panic(err)
	}
	limiter, err := redisstore.NewLimiter(rdb, redisstore.LimiterOptions{
		Rate:   rate.Every(100 * time.Millisecond), // 10 deliveries a second per client IP
		Burst:  50,
		Prefix: "myapp:ratelimit:",
	})
	if err != nil {
		panic(err)
	}
	keyring, err := hmac.NewKeyring(hmac.Secret{ID: "2026-11", Key: []byte("a secret of at least 16 bytes")})
	if err != nil {
		panic(err)
	}
	guard, err := middleware.New(middleware.Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: keyring,
		Replay:  store,
		Limiter: limiter,
	})
	if err != nil {
		panic(err)
	}
	http.Handle("/webhooks", guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context())
		fmt.Println("processing", ev.ID) // runs once per event across all replicas
	})))
}

// Keys carry a Cluster hash tag around the caller's key, so each operation
// stays on one slot whatever the prefix. Runs without a server.
func ExampleStore_Key() {
	s, err := redisstore.NewStore(redis.NewClient(&redis.Options{}), redisstore.StoreOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Key("6:stripe:evt_123"))
	// Output: hookguard:replay:{6:stripe:evt_123}
}

// The same for rate-limit buckets. Runs without a server.
func ExampleLimiter_Key() {
	l, err := redisstore.NewLimiter(redis.NewClient(&redis.Options{}), redisstore.LimiterOptions{Rate: 10, Burst: 20})
	if err != nil {
		panic(err)
	}
	fmt.Println(l.Key("203.0.113.7"))
	// Output: hookguard:ratelimit:{203.0.113.7}
}
