// Package inbox is hookguard's durable inbox: verified webhook deliveries
// are committed to a database and acknowledged in milliseconds, then
// processed by workers with retries, on River (github.com/riverqueue/river),
// not a home-made queue.
//
//	ib, err := inbox.Open(ctx, inbox.Config{
//		Database: "sqlite:/var/lib/app/inbox.db", // or "postgres://..." for replicas
//		Process:  func(ctx context.Context, d inbox.Delivery) error { ... },
//	})
//	guard, err := middleware.New(middleware.Config{
//		Scheme: hmac.Stripe, Keyring: keyring,
//		Replay: ib.Dedup(), // the inbox's uniqueness is the dedup
//	})
//	mux.Handle("POST /hooks", guard.Handler(ib.Handler()))
//
// # Place in the request path
//
// The Guard verifies as always (address, rate, body cap, signature,
// timestamp). Its replay step is Dedup, a store that never claims: the
// inbox decides duplicates itself. Handler then inserts the delivery (raw
// body, the headers Config.Headers keeps, scheme, event ID, secret ID,
// client IP, signed and received times) as a River job unique on the
// event's replay key, and answers 200 {"status":"accepted"} only after the
// insert committed. A delivery of an event already in the inbox is answered
// 200 {"status":"duplicate"} and not enqueued again, in any job state
// (running, retrying, completed, discarded, cancelled), on any replica
// sharing the database, until the job is pruned after Config.Retention
// (72 h by default: the dedup horizon). Concurrent deliveries share one
// transaction (group commit), so a busy inbox makes one durable commit per
// batch, not per delivery.
//
// # Failure
//
// A database that cannot commit within Config.InsertTimeout (down, full,
// locked) is answered 503 with Retry-After: the provider retries and
// nothing acknowledged is lost. A body over Config.MaxBody is answered 413
// and never reaches the database. A Process error or panic retries the
// delivery with backoff (Config.Backoff, Config.MaxAttempts); then it is
// discarded (a dead letter) and stays visible for Config.DeadRetention. A
// process killed while running a delivery leaves it "running": River's
// rescuer, on whichever instance is River's leader, retries it once it has
// run longer than Config.RescueAfter (30 s by default, not River's hour).
// After a kill -9 that is about 20 s in the tests: the dead leader's lease
// (15 s) must lapse first, and the rescuer looks every 30 s.
//
// On Postgres a Process may write its effects and complete its delivery in
// one transaction (CompleteTx on a transaction of Inbox.Pool), so an
// event's effects commit exactly once.
//
// # Audit trail
//
// Show returns a delivery with when it was received, every failed attempt
// with its error (River records them), how it ended, and every Replay
// request with who asked and why (kept in a table of the inbox's own,
// hookguard_inbox_replay, migrated next to River's). List pages through
// the inbox by state; Replay and Cancel act on one delivery. Bodies are
// never logged.
//
// # Databases
//
// SQLite ("sqlite:PATH", modernc.org/sqlite, pure Go) is one file for one
// node: WAL mode, synchronous=FULL (an acknowledged delivery survives a
// power loss, not only a crash), one connection as River's SQLite driver
// asks, busy_timeout for a second process opening the file. Postgres
// (jackc/pgx/v5 through riverpgxv5) serves many replicas. Open runs River's
// migrations (rivermigrate) and the inbox's own, serialised between
// concurrent Opens, unless Config.SkipMigrations.
package inbox
