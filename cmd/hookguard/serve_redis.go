package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/redisstore"
)

// redisTimeout bounds every Redis call of serve -redis: a dead server costs
// a delivery this long, then a 503 with Retry-After, never the provider's
// whole timeout.
const redisTimeout = 500 * time.Millisecond

// openRedis connects to the Redis server of -redis (redis://, rediss:// or
// unix://, as go-redis parses them). Nothing is sent yet: a Redis that is
// down at start makes deliveries 503 until it is up.
func openRedis(raw string) (*redis.Client, error) {
	o, err := redis.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("-redis %s: %w", redactURL(raw), err)
	}
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = redisTimeout, redisTimeout, redisTimeout
	o.ContextTimeoutEnabled = true
	return redis.NewClient(o), nil
}

// redisReplay is the Guard's replay store on rdb: replicas that share the
// Redis share one record of which events are in flight and done.
func redisReplay(rdb *redis.Client) (*redisstore.Store, error) {
	s, err := redisstore.NewStore(rdb, redisstore.StoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("-redis: %w", err)
	}
	return s, nil
}

// redisLimiter is the per-client-IP limit of -rate and -burst on rdb,
// shared by every replica using the same Redis.
func redisLimiter(rdb *redis.Client, perSecond float64, burst int) (*redisstore.Limiter, error) {
	l, err := redisstore.NewLimiter(rdb, redisstore.LimiterOptions{Rate: rate.Limit(perSecond), Burst: burst})
	if err != nil {
		return nil, fmt.Errorf("-rate/-burst with -redis: %w", err)
	}
	return l, nil
}

// redactURL is a URL fit for a message: without its password, or nothing
// when it does not parse (it might be a secret pasted in the wrong place).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
