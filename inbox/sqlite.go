package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// openSQLite opens the SQLite file at path for River.
//
// The database runs in WAL mode with synchronous=FULL: every commit, so every
// acknowledged delivery, is in the fsynced WAL before the sender hears 2xx,
// and survives a power loss, not only a killed process (NORMAL would survive
// the latter only). One connection serialises every statement, as River's
// SQLite driver asks; busy_timeout covers another process opening the file
// (a migration, an operator's sqlite3 shell).
func openSQLite(path string, c Config, workers *river.Workers) (engine, error) {
	dsn := path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=busy_timeout(" + strconv.FormatInt(defaultSQLiteBusyWait.Milliseconds(), 10) + ")" +
		"&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	driver := riversqlite.New(db)
	client, err := river.NewClient(driver, newRiverConfig(c, workers))
	if err != nil {
		db.Close()
		return nil, err
	}
	mig, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: c.Logger})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &riverEngine[*sql.Tx]{client: client, mig: mig, d: sqlDialect(db, "?", sqliteAudit)}, nil
}

// sqliteAudit creates the audit table in SQLite.
var sqliteAudit = []string{
	`CREATE TABLE IF NOT EXISTS hookguard_inbox_replay (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		job_id INTEGER NOT NULL,
		requested_at INTEGER NOT NULL,
		requested_by TEXT NOT NULL,
		reason TEXT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS hookguard_inbox_replay_job_id ON hookguard_inbox_replay (job_id)`,
}

// sqlDialect is the audit SQL over database/sql with placeholder ph.
func sqlDialect(db *sql.DB, ph string, schema []string) dialect[*sql.Tx] {
	return dialect[*sql.Tx]{
		begin:    func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		commit:   func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		rollback: func(_ context.Context, tx *sql.Tx) { _ = tx.Rollback() },
		exec: func(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		},
		queryReplays: func(ctx context.Context, id int64) ([]ReplayRequest, error) {
			rows, err := db.QueryContext(ctx, selectReplays(ph), id)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var out []ReplayRequest
			for rows.Next() {
				var r ReplayRequest
				var us int64
				if err := rows.Scan(&us, &r.By, &r.Why); err != nil {
					return nil, err
				}
				r.At = unixMicro(us)
				out = append(out, r)
			}
			return out, rows.Err()
		},
		// One process owns a SQLite inbox; busy_timeout covers a second
		// one opening the file at the same moment.
		migrationLock: func(_ context.Context, fn func() error) error { return fn() },
		auditSchema:   schema,
		insertReplay:  insertReplay(ph),
		pruneReplays:  pruneReplays,
		closeDB:       func() { _ = db.Close() },
	}
}

// insertReplay is the INSERT of one audit row with placeholders ph ("?" or
// "$").
func insertReplay(ph string) string {
	return fmt.Sprintf(`INSERT INTO hookguard_inbox_replay (job_id, requested_at, requested_by, reason) VALUES (%s, %s, %s, %s)`,
		placeholder(ph, 1), placeholder(ph, 2), placeholder(ph, 3), placeholder(ph, 4))
}

// selectReplays lists a job's audit rows, oldest first.
func selectReplays(ph string) string {
	return `SELECT requested_at, requested_by, reason FROM hookguard_inbox_replay WHERE job_id = ` +
		placeholder(ph, 1) + ` ORDER BY id`
}

// pruneReplays forgets the requests of deliveries River has pruned.
const pruneReplays = `DELETE FROM hookguard_inbox_replay WHERE job_id NOT IN (SELECT id FROM river_job)`

// placeholder is the i-th bind parameter in the style of ph.
func placeholder(ph string, i int) string {
	if ph == "?" {
		return "?"
	}
	return ph + strconv.Itoa(i)
}
