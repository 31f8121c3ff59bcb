package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// engine is what the Inbox needs from a River client, whatever its
// transaction type: the SQLite and the Postgres drivers differ only here.
type engine interface {
	insertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	get(ctx context.Context, id int64) (*rivertype.JobRow, error)
	list(ctx context.Context, p *river.JobListParams) (*river.JobListResult, error)
	cancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	// retry makes job id available again and records req in the audit
	// table, in one transaction. A running job is refused with ErrRunning.
	retry(ctx context.Context, id int64, req ReplayRequest) (*rivertype.JobRow, error)
	replays(ctx context.Context, id int64) ([]ReplayRequest, error)
	migrate(ctx context.Context) error
	start(ctx context.Context) error
	stop(ctx context.Context) error
	close()
}

// dialect is the SQL a database needs beyond River's API: transactions for
// the audit table, and its statements.
type dialect[TTx any] struct {
	begin    func(ctx context.Context) (TTx, error)
	commit   func(ctx context.Context, tx TTx) error
	rollback func(ctx context.Context, tx TTx)
	exec     func(ctx context.Context, tx TTx, query string, args ...any) error
	// queryReplays lists the audit rows of a job, oldest first.
	queryReplays func(ctx context.Context, id int64) ([]ReplayRequest, error)
	// migrationLock runs fn while no other Open of the database migrates.
	migrationLock func(ctx context.Context, fn func() error) error
	auditSchema   []string // CREATE statements of the audit table
	insertReplay  string   // INSERT of one audit row: job_id, requested_at, by, why
	pruneReplays  string   // DELETE of audit rows whose job is gone
	closeDB       func()
}

// riverEngine is the engine over a River client with transactions of TTx.
type riverEngine[TTx any] struct {
	client *river.Client[TTx]
	mig    *rivermigrate.Migrator[TTx]
	d      dialect[TTx]
}

func (e *riverEngine[TTx]) insertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	return e.client.InsertMany(ctx, params)
}

func (e *riverEngine[TTx]) get(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return e.client.JobGet(ctx, id)
}

func (e *riverEngine[TTx]) list(ctx context.Context, p *river.JobListParams) (*river.JobListResult, error) {
	return e.client.JobList(ctx, p)
}

func (e *riverEngine[TTx]) cancel(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return e.client.JobCancel(ctx, id)
}

func (e *riverEngine[TTx]) retry(ctx context.Context, id int64, req ReplayRequest) (row *rivertype.JobRow, err error) {
	tx, err := e.d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			e.d.rollback(context.WithoutCancel(ctx), tx)
		}
	}()
	cur, err := e.client.JobGetTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if cur.Kind != deliveryKind {
		return nil, rivertype.ErrNotFound
	}
	if cur.State == rivertype.JobStateRunning {
		return nil, ErrRunning
	}
	if row, err = e.client.JobRetryTx(ctx, tx, id); err != nil {
		return nil, err
	}
	if err = e.d.exec(ctx, tx, e.d.pruneReplays); err != nil {
		return nil, err
	}
	if err = e.d.exec(ctx, tx, e.d.insertReplay, id, req.At.UnixMicro(), req.By, req.Why); err != nil {
		return nil, err
	}
	if err = e.d.commit(ctx, tx); err != nil {
		return nil, err
	}
	return row, nil
}

func (e *riverEngine[TTx]) replays(ctx context.Context, id int64) ([]ReplayRequest, error) {
	return e.d.queryReplays(ctx, id)
}

// migrate runs River's migrations (each in its own transaction, as River
// needs) and creates the audit table, holding the dialect's migration lock
// so that concurrent Opens take turns.
func (e *riverEngine[TTx]) migrate(ctx context.Context) error {
	return e.d.migrationLock(ctx, func() error {
		if _, err := e.mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("river migrations: %w", err)
		}
		tx, err := e.d.begin(ctx)
		if err != nil {
			return err
		}
		for _, q := range e.d.auditSchema {
			if err := e.d.exec(ctx, tx, q); err != nil {
				e.d.rollback(context.WithoutCancel(ctx), tx)
				return fmt.Errorf("audit table: %w", err)
			}
		}
		return e.d.commit(ctx, tx)
	})
}

func (e *riverEngine[TTx]) start(ctx context.Context) error { return e.client.Start(ctx) }

func (e *riverEngine[TTx]) stop(ctx context.Context) error {
	err := e.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		// The caller's patience ended: cancel what still runs; River
		// retries it on the next start (or another instance's rescuer).
		return e.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

func (e *riverEngine[TTx]) close() { e.d.closeDB() }

// newRiverConfig is the River client configuration of c; workers is nil for
// an insert-only instance.
func newRiverConfig(c Config, workers *river.Workers) *river.Config {
	rc := &river.Config{
		CompletedJobRetentionPeriod: c.Retention,
		CancelledJobRetentionPeriod: c.Retention,
		DiscardedJobRetentionPeriod: c.DeadRetention,
		FetchPollInterval:           c.FetchPoll,
		FetchCooldown:               min(c.FetchPoll, 100*time.Millisecond),
		JobTimeout:                  c.JobTimeout,
		RescueStuckJobsAfter:        c.RescueAfter,
		MaxAttempts:                 c.MaxAttempts,
		Logger:                      c.Logger,
		SkipUnknownJobCheck:         workers == nil,
	}
	if c.Backoff != nil {
		rc.RetryPolicy = backoffPolicy(c.Backoff)
	}
	if workers != nil {
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{c.Queue: {MaxWorkers: c.Workers}}
	}
	return rc
}

// backoffPolicy adapts Config.Backoff to River.
type backoffPolicy func(attempt int) time.Duration

// NextRetry is the failed attempt's time plus the backoff.
func (f backoffPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(f(max(job.Attempt, 1)))
}
