// Package redisstore keeps hookguard's replay state and rate limits in Redis
// (github.com/redis/go-redis/v9), so that many replicas of a webhook receiver
// process each event once between them and share one rate limit.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	store, _ := redisstore.NewStore(rdb, redisstore.StoreOptions{})
//	limiter, _ := redisstore.NewLimiter(rdb, redisstore.LimiterOptions{Rate: 10, Burst: 50})
//	guard, _ := middleware.New(middleware.Config{
//		Scheme: hmac.StandardWebhooks, Keyring: keyring,
//		Replay: store, Limiter: limiter,
//	})
//
// [Store] implements replay.Store and [Limiter] implements ratelimit.Limiter;
// both pass the shared conformance suites (replay/replaytest,
// ratelimit/ratelimittest) against a real redis-server. They accept any
// [redis.Scripter]: *redis.Client, *redis.ClusterClient, *redis.Ring, or a
// redis.UniversalClient.
//
// # Place in the request path
//
// The Guard takes a rate-limit token (Limiter.Take) before it reads the body,
// and claims the event ID (Store.Claim) after the signature and timestamp
// verified; nothing is written to Redis for a delivery that is not
// authentic. The handler's 2xx completes the claim (Store.Complete), any other
// outcome releases it (Store.Release) so the sender's retry is processed.
//
// # Round trips
//
// Every operation is one Lua script, atomic on the server, sent with EVALSHA
// (go-redis falls back to EVAL once when the server's script cache is empty,
// after a restart or SCRIPT FLUSH). An accepted delivery costs three round
// trips: Take, Claim, Complete; a duplicate two (Take, Claim); a Release of a
// claim this Store holds one, of any other key none. The tests count them
// with a go-redis hook.
//
// # What Redis guarantees, and what it does not
//
// On one Redis server (or one Cluster shard's master) each script runs
// atomically: exactly one concurrent Claim of a key answers Fresh, and
// concurrent Takes never admit more than the bucket holds.
//
// Redis replication is asynchronous. A claim or a completion acknowledged by
// a master that fails before its replica received it is lost in the failover:
// one duplicate delivery can then be processed again (and a bucket can refill
// early). WAIT narrows that window but is not a guarantee (a replica that
// acknowledged can still lose the write, and a failover can promote one that
// did not). A master restarted without persistence forgets everything: events
// completed before the restart run again when their duplicates arrive. If one
// duplicate after a failover is unacceptable, make the handler idempotent
// (a unique constraint on the event ID in the database it writes to); the
// replay store keeps duplicates rare and cheap, not impossible.
//
// An unreachable Redis is an error from every method (wrapped, with the
// go-redis or context error inside), and the Guard answers 503 with
// Retry-After: it fails closed unless middleware.Config.FailOpen is set. Set
// short DialTimeout, ReadTimeout and WriteTimeout on the client, so a dead
// server costs a delivery milliseconds rather than the provider's timeout
// (go-redis bounds a call by the request's context deadline only with
// Options.ContextTimeoutEnabled).
// A claim whose reply was lost (a timeout after Redis executed it) keeps the
// event in flight until the lease ends; the sender's retries are answered 409
// until then and processed afterwards.
//
// # Claim ownership
//
// A claim stores a token unique to it; Complete and Release act only on the
// key while it holds that token (or, for Complete, while it is free or already
// done). A replica whose lease ran out mid-handler, after another replica
// claimed the event, can neither free nor overwrite the other's claim. See
// [Store] for the details and the in-process bound ([StoreOptions.MaxClaims]).
//
// # Time
//
// Leases and keeps are Redis TTLs (PX, millisecond precision), enforced by
// the server. The Limiter reads the server's clock inside its script (TIME),
// so replicas whose clocks are skewed still share one limit exactly.
//
// # Keys and sizing
//
// Keys are "<prefix>{<key>}": the replay key (replay.Key(source, id), at most
// 128 bytes) or the rate-limit key inside a Cluster hash tag. Each operation
// touches one key, so under Redis Cluster every script runs on the shard that
// owns its key, and keys spread over all slots by event ID. A prefix may not
// contain braces.
//
// A replay key is a Redis string with an expiry holding a 1-byte done marker
// or a ~20-byte claim token. Measured on Redis 7.0: 100 000 done keys with
// 62-byte names used 19.7 MB, about 200 bytes per key (key name, value,
// main and expiry dict entries); count roughly 140 bytes plus the key name.
// Completed keys live for Keep (72 h by default), so the store holds about
// deliveries-per-second × Keep keys: 10 deliveries/s for 72 h is 2.6 million
// keys, about 0.5 GB; 1 delivery/s about 50 MB. Lower Keep (never below the
// timestamp window, which middleware.New enforces) to shrink it. Size Redis
// so that nothing is evicted and prefer maxmemory-policy noeviction: every
// key here has a TTL, so allkeys-* and volatile-* policies may evict them,
// and an evicted done key lets its duplicate run again; under noeviction a
// full Redis makes Claim fail and the Guard answers 503 instead.
//
// A rate-limit bucket is a ~20-byte value that exists only while the
// bucket is not full (it expires when the bucket has refilled): at most one
// per key active within one refill time (Burst/Rate).
package redisstore
