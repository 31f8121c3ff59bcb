// Package replay keeps a verified webhook from being acted on twice: a
// signed-timestamp window rejects old captures, and an event-ID store
// (claim, complete, release) makes each event run its handler once without
// ever losing a delivery.
//
// It sits after signature verification in the request path (see package
// middleware): nothing is stored for a request whose signature failed, so
// an attacker without a secret cannot fill the store. The threat is a
// captured, validly signed request sent again (by an attacker on the path,
// a leaked log, or the provider's own retries racing each other).
//
// # Two windows
//
// The replay window (Window, default 5 minutes each side) bounds how old a
// signed timestamp may be. It stops an old capture cheaply, without any
// store, but not a replay within those minutes, and many providers sign no
// timestamp at all.
//
// The dedup horizon (the keep passed to Store.Complete, default 72 h) is
// how long an event ID is remembered as processed. It exists for business
// reasons: Stripe retries an event for up to three days, and a retry after
// a lost 2xx must not charge twice. It must be at least as wide as the
// replay window, and usually is much wider. Both windows are needed: the
// window bounds what the store must remember against an attacker; the keep
// bounds what it must remember against the provider.
//
// # Claim, complete, release
//
// Store.Claim moves an unknown event ID to in flight for a lease (default
// 60 s, longer than providers' 10–30 s timeouts) and answers Fresh: run the
// handler. A 2xx from the handler completes the key (Store.Complete, kept
// for keep); anything else, or a panic, releases it (Store.Release) so the
// sender's retry is processed. If the process dies mid-handler, the lease
// expires and the next retry claims the key again. Nothing is lost: a
// delivery is either processed or refused with a status the sender
// retries.
//
// # Answering duplicates: 2xx and 409
//
// A duplicate of an event already processed (Done) is answered 2xx without
// running the handler: the sender only wants to hear that the event
// arrived, and any other status makes it retry for days. A duplicate of an
// event still in flight (InFlight) is answered 409 Conflict with
// Retry-After: the first attempt may still fail and be released, so the
// duplicate must neither run now nor be acknowledged; the sender retries
// later and gets Done or Fresh. State.Err maps the states to ErrDuplicate
// and ErrInFlight for callers that prefer errors.
//
// # Store outages fail closed
//
// Any error from a Store means the store cannot tell whether the event was
// processed. Callers answer 503 with Retry-After and do not run the
// handler: providers retry, so an outage delays deliveries instead of
// processing them twice or dropping them. Running the handler anyway
// ("fail open") would let every replay through while the store is down.
//
// # Bounded memory and evictions
//
// The memory store (NewMemory) holds at most its capacity (default
// 100 000 IDs) and needs no goroutine: expired records are dropped lazily.
// When it is full it evicts as described on Memory, and an evicted ID that
// was still live re-opens replay for that ID: a replay or retry of that
// event inside its keep is processed again. Memory.Stats counts such
// evictions; size the store so it stays at zero (about a day of events at
// the peak rate for the default keep is a start), or use a shared store
// such as the Redis one in module redisstore, which every instance of a
// horizontally scaled receiver must share anyway.
//
// # Keys
//
// Event IDs are unique per provider at best. Key namespaces an ID by its
// source, so two providers or two GitHub Apps never collide, and hashes
// over-long IDs so an attacker-sized ID is never stored raw.
package replay
