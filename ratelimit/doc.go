// Package ratelimit limits how fast each client may deliver webhooks: a token
// bucket per key, bounded memory, and decisions that say exactly when to come
// back.
//
// It is step 3 of hookguard's request path: after the client IP is resolved
// and allow-listed, before the body is read or any signature checked, so a
// flood is refused with 429 Too Many Requests at the cost of a map lookup.
// Requests are keyed by client IP (IPv6 grouped by /64, see IPKey), by a
// header (HeaderKey), or by one shared name per provider (FixedKey).
//
// # Model
//
// Every key owns a token bucket with the semantics of golang.org/x/time/rate:
// it holds at most burst tokens, refills continuously at r tokens per second,
// and starts full. Each request takes one token; a request that finds less
// than one is refused and takes nothing. A Decision reports the outcome
// exactly: the tokens Remaining after this request, RetryAfter (when refused,
// the time until the next token, not rounded) and ResetAfter (the time until
// the bucket is full again).
//
// Limiter is the interface the middleware consumes; Memory is the in-process
// implementation, and the Redis store (module redisstore) shares buckets
// between instances. Every implementation runs the conformance suite in
// package ratelimittest. Memory's explicit-time twin TakeAt and its Now
// option let tests drive time instead of sleeping; its default clock is the
// runtime's, so testing/synctest applies too.
//
// # Memory bound
//
// A Memory holds at most MaxKeys buckets (at most about 100 bytes per key;
// keys are kept only as keyed hashes). At the cap it evicts a full bucket if
// there is one (it loses nothing), else the least recently used, every take,
// admitted or refused, counting as a use. An evicted bucket that was still
// refilling comes back full if its key returns: that key gains up to burst
// extra tokens. Stats.EvictedLive counts such evictions. See Memory for the
// details.
//
// # HTTP fields
//
// WriteHeaders turns a Decision into response fields: Retry-After (whole
// seconds, rounded up) on refusals, and RateLimit-Policy and RateLimit in the
// syntax of draft-ietf-httpapi-ratelimit-headers-11, for example
//
//	RateLimit-Policy: "default";q=100;w=60
//	RateLimit: "default";r=0;t=1
//	Retry-After: 1
//
// # Personal data
//
// An IP address or an account id in a key is personal data wherever keys are
// stored or logged. Memory stores only hashes; for other stores, Hasher (or
// HashKey, salted per process) replaces a key with an opaque HMAC of it.
package ratelimit
