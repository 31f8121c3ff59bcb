package inbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults applied by Open to zero Config fields.
const (
	DefaultMaxBody        = 1 << 20            // bytes; the Guard's default cap too
	DefaultMaxAttempts    = 10                 // with River's attempt⁴ s backoff: about 7 h of retries
	DefaultRetention      = 72 * time.Hour     // completed deliveries kept: the dedup horizon
	DefaultDeadRetention  = 7 * 24 * time.Hour // discarded (dead-lettered) deliveries kept
	DefaultWorkers        = 10                 // concurrent Process calls per instance
	DefaultJobTimeout     = 25 * time.Second   // a Process call's context deadline
	DefaultRescueAfter    = 30 * time.Second   // a running job older than this is stuck
	DefaultInsertTimeout  = 5 * time.Second    // bound on one insert; then 503
	DefaultRetryAfter     = 5 * time.Second    // Retry-After of a 503
	DefaultQueue          = "hookguard"        // the River queue deliveries go to
	DefaultFetchPoll      = 200 * time.Millisecond
	maxReplayByLen        = 200  // bytes of Replay's by
	maxReplayWhyLen       = 1000 // bytes of Replay's why
	defaultSQLiteBusyWait = 10 * time.Second
)

// Config configures an Inbox. Every zero field is a documented default;
// Open validates the whole once.
type Config struct {
	// Database selects the store: "sqlite:PATH" (one file, one node; the
	// file and its WAL are created as needed) or a Postgres URL
	// "postgres://..." / "postgresql://..." (many replicas share it).
	// Ignored when Pool is set.
	Database string
	// Pool is an existing Postgres pool to use instead of Database, so a
	// worker can complete its delivery in a transaction of its own writes
	// (CompleteTx). Open does not close it.
	Pool *pgxpool.Pool

	// Process handles one delivery. An error or a panic retries the delivery
	// with backoff, up to MaxAttempts; then it is discarded (dead-lettered)
	// and stays visible for DeadRetention. nil: this instance only accepts
	// deliveries (an insert-only replica) and another instance works them.
	Process func(ctx context.Context, d Delivery) error

	// Headers lists the request headers kept with a delivery (canonicalised;
	// each header's every line). nil: Content-Type only. Signature headers
	// are not kept unless listed.
	Headers []string
	// MaxBody caps the request body in bytes; a larger body is answered 413
	// and never reaches the database. 0: DefaultMaxBody. Put the Guard's cap
	// at or below it.
	MaxBody int64

	// MaxAttempts is the number of times Process is tried before a delivery
	// is discarded. 0: DefaultMaxAttempts.
	MaxAttempts int
	// Backoff returns the delay before attempt+1 after attempt failed
	// (attempt counts from 1). nil: River's default, attempt⁴ seconds with
	// jitter.
	Backoff func(attempt int) time.Duration
	// Retention is how long a completed (or cancelled) delivery is kept, and
	// so the dedup horizon: a duplicate arriving within Retention of its
	// completion is answered "duplicate". 0: DefaultRetention (72 h).
	Retention time.Duration
	// DeadRetention is how long a discarded delivery is kept (and keeps
	// deduplicating). 0: DefaultDeadRetention; raised to Retention if lower.
	DeadRetention time.Duration

	// Workers is the number of deliveries this instance processes at once.
	// 0: DefaultWorkers.
	Workers int
	// JobTimeout bounds one Process call (its context is cancelled then).
	// 0: DefaultJobTimeout.
	JobTimeout time.Duration
	// RescueAfter is how long a delivery may stay running before it is
	// considered stuck (its process died) and retried. Must exceed
	// JobTimeout. 0: DefaultRescueAfter. River's rescuer looks every 30 s,
	// from the instance that is River's leader.
	RescueAfter time.Duration
	// FetchPoll is how often a worker looks for new deliveries when it was
	// not told of one (always on SQLite, which has no LISTEN/NOTIFY; a
	// delivery accepted by the same instance is picked up at once).
	// 0: DefaultFetchPoll.
	FetchPoll time.Duration

	// InsertTimeout bounds the insert of one delivery; a slower or failed
	// insert is answered 503. 0: DefaultInsertTimeout.
	InsertTimeout time.Duration
	// RetryAfter is the Retry-After of a 503. 0: DefaultRetryAfter.
	RetryAfter time.Duration

	// Queue is the River queue of the deliveries. "": DefaultQueue. Two
	// inboxes in one database keep apart with different queues.
	Queue string
	// SkipMigrations leaves the schema alone at Open: River's tables
	// (rivermigrate) and the inbox's hookguard_inbox_replay must exist,
	// made by an earlier Open without it (a deploy step, say).
	SkipMigrations bool

	// Now stamps Delivery.ReceivedAt. nil: time.Now.
	Now func() time.Time
	// Logger receives River's records and the inbox's own (never a body).
	// nil: silent.
	Logger *slog.Logger
}

// driverKind is the database Config.Database selects.
type driverKind int

const (
	driverSQLite driverKind = iota + 1
	driverPostgres
)

// parseDatabase splits Config.Database into a driver and its address.
func parseDatabase(s string) (driverKind, string, error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		path := strings.TrimPrefix(s, "sqlite:")
		if path == "" {
			return 0, "", errors.New("sqlite: empty path")
		}
		if path == ":memory:" || strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
			return 0, "", errors.New("sqlite: give a plain file path (an in-memory database is not durable)")
		}
		return driverSQLite, path, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		return driverPostgres, s, nil
	case s == "":
		return 0, "", errors.New("no Database and no Pool")
	}
	return 0, "", errors.New(`the Database must start with "sqlite:", "postgres://" or "postgresql://"`)
}

// withDefaults validates c and fills in its zero fields.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	neg := func(name string, d time.Duration) {
		if d < 0 {
			errs = append(errs, fmt.Errorf("negative %s %v", name, d))
		}
	}
	neg("Retention", c.Retention)
	neg("DeadRetention", c.DeadRetention)
	neg("JobTimeout", c.JobTimeout)
	neg("RescueAfter", c.RescueAfter)
	neg("FetchPoll", c.FetchPoll)
	neg("InsertTimeout", c.InsertTimeout)
	neg("RetryAfter", c.RetryAfter)
	if c.MaxBody < 0 {
		errs = append(errs, fmt.Errorf("negative MaxBody %d", c.MaxBody))
	}
	if c.MaxAttempts < 0 {
		errs = append(errs, fmt.Errorf("negative MaxAttempts %d", c.MaxAttempts))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("negative Workers %d", c.Workers))
	}
	if c.Pool == nil {
		if _, _, err := parseDatabase(c.Database); err != nil {
			errs = append(errs, err)
		}
	}
	c.MaxBody = cmp.Or(c.MaxBody, DefaultMaxBody)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, DefaultMaxAttempts)
	c.Retention = cmp.Or(c.Retention, DefaultRetention)
	c.DeadRetention = max(cmp.Or(c.DeadRetention, DefaultDeadRetention), c.Retention)
	c.Workers = cmp.Or(c.Workers, DefaultWorkers)
	c.JobTimeout = cmp.Or(c.JobTimeout, DefaultJobTimeout)
	c.RescueAfter = cmp.Or(c.RescueAfter, DefaultRescueAfter)
	c.FetchPoll = cmp.Or(c.FetchPoll, DefaultFetchPoll)
	c.InsertTimeout = cmp.Or(c.InsertTimeout, DefaultInsertTimeout)
	c.RetryAfter = cmp.Or(c.RetryAfter, DefaultRetryAfter)
	c.Queue = cmp.Or(c.Queue, DefaultQueue)
	if c.RescueAfter <= c.JobTimeout {
		errs = append(errs, fmt.Errorf("RescueAfter %v must exceed JobTimeout %v", c.RescueAfter, c.JobTimeout))
	}
	if c.Headers == nil {
		c.Headers = []string{"Content-Type"}
	}
	keep := make([]string, len(c.Headers))
	for i, h := range c.Headers {
		keep[i] = http.CanonicalHeaderKey(h)
	}
	c.Headers = keep
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("inbox: invalid Config: %w", errors.Join(errs...))
	}
	return c, nil
}
