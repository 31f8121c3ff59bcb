package inbox

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// defaultPoolConns is the pool size Open gives a Postgres URL without
// pool_max_conns: room for concurrent senders' inserts next to the workers.
const defaultPoolConns = 24

// newPool connects a pgx pool to url; connection attempts give up after
// Config.InsertTimeout, so an unreachable server costs a delivery that long
// at most.
func newPool(ctx context.Context, url string, c Config) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(url, "pool_max_conns") {
		pc.MaxConns = defaultPoolConns
	}
	if pc.ConnConfig.ConnectTimeout == 0 || pc.ConnConfig.ConnectTimeout > c.InsertTimeout {
		pc.ConnConfig.ConnectTimeout = c.InsertTimeout
	}
	return pgxpool.NewWithConfig(ctx, pc)
}

// openPostgres builds the engine over pool; own says whether Close closes it.
func openPostgres(pool *pgxpool.Pool, own bool, c Config, workers *river.Workers) (engine, error) {
	driver := riverpgxv5.New(pool)
	client, err := river.NewClient(driver, newRiverConfig(c, workers))
	if err != nil {
		return nil, err
	}
	mig, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: c.Logger})
	if err != nil {
		return nil, err
	}
	d := dialect[pgx.Tx]{
		begin:    func(ctx context.Context) (pgx.Tx, error) { return pool.Begin(ctx) },
		commit:   func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		rollback: func(ctx context.Context, tx pgx.Tx) { _ = tx.Rollback(ctx) },
		exec: func(ctx context.Context, tx pgx.Tx, q string, args ...any) error {
			_, err := tx.Exec(ctx, q, args...)
			return err
		},
		queryReplays: func(ctx context.Context, id int64) ([]ReplayRequest, error) {
			rows, err := pool.Query(ctx, selectReplays("$"), id)
			if err != nil {
				return nil, err
			}
			return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReplayRequest, error) {
				var q ReplayRequest
				var us int64
				err := r.Scan(&us, &q.By, &q.Why)
				q.At = unixMicro(us)
				return q, err
			})
		},
		migrationLock: func(ctx context.Context, fn func() error) error {
			// A session lock on a connection of its own: the migrations
			// run on others, one transaction each.
			conn, err := pool.Acquire(ctx)
			if err != nil {
				return err
			}
			defer conn.Release()
			if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('hookguard_inbox_migrate'))`); err != nil {
				return err
			}
			defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('hookguard_inbox_migrate'))`)
			return fn()
		},
		auditSchema:  postgresAudit,
		insertReplay: insertReplay("$"),
		pruneReplays: pruneReplays,
		closeDB: func() {
			if own {
				pool.Close()
			}
		},
	}
	return &riverEngine[pgx.Tx]{client: client, mig: mig, d: d}, nil
}

// postgresAudit creates the audit table in Postgres.
var postgresAudit = []string{
	`CREATE TABLE IF NOT EXISTS hookguard_inbox_replay (
		id bigserial PRIMARY KEY,
		job_id bigint NOT NULL,
		requested_at bigint NOT NULL,
		requested_by text NOT NULL,
		reason text NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS hookguard_inbox_replay_job_id ON hookguard_inbox_replay (job_id)`,
}
