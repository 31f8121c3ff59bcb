package inbox

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Errors reported by this package; match them with errors.Is.
var (
	// ErrNotFound: no delivery has that ID (never had, or it was pruned).
	ErrNotFound = errors.New("inbox: no such delivery")
	// ErrRunning: the delivery is being processed right now; a replay is
	// refused until the attempt ends.
	ErrRunning = errors.New("inbox: delivery is running")
	// ErrBadRequest: Replay's by or why is empty, too long or not text.
	ErrBadRequest = errors.New("inbox: bad replay request")
	// ErrClosed: the Inbox was closed.
	ErrClosed = errors.New("inbox: closed")
)

// Inbox is a durable inbox of verified webhook deliveries on River: Handler
// (behind the Guard) commits each delivery as a unique job before answering
// 2xx, and workers run Config.Process on it later with retries. Safe for
// concurrent use.
type Inbox struct {
	cfg     Config
	eng     engine
	pool    *pgxpool.Pool // the Postgres pool; nil on SQLite
	working bool          // the River client was started (Process set)

	queue      chan *insertReq // deliveries waiting for a committer
	committers sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
	closed    chan struct{}
}

// Open opens (and unless Config.SkipMigrations, migrates) the inbox's
// database and, when Config.Process is set, starts the workers. Close it
// when done. Open fails when the database cannot be reached: a service
// should not start without its inbox.
func Open(ctx context.Context, c Config) (*Inbox, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	var workers *river.Workers
	if c.Process != nil {
		workers = river.NewWorkers()
		if err := river.AddWorkerSafely(workers, &worker{process: c.Process}); err != nil {
			return nil, err
		}
	}
	ib := &Inbox{cfg: c, closed: make(chan struct{})}
	if c.Pool != nil {
		ib.pool = c.Pool
		ib.eng, err = openPostgres(c.Pool, false, c, workers)
	} else {
		kind, addr, _ := parseDatabase(c.Database) // validated by withDefaults
		switch kind {
		case driverSQLite:
			ib.eng, err = openSQLite(addr, c, workers)
		case driverPostgres:
			if ib.pool, err = newPool(ctx, addr, c); err == nil {
				ib.eng, err = openPostgres(ib.pool, true, c, workers)
				if err != nil {
					ib.pool.Close()
				}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: open: %w", err)
	}
	if !c.SkipMigrations {
		if err := ib.eng.migrate(ctx); err != nil {
			ib.eng.close()
			return nil, fmt.Errorf("inbox: migrate: %w", err)
		}
	}
	ib.startCommitters(committers(kind(c)))
	if workers != nil {
		// Start's context would stop the workers when it ends: Close does.
		if err := ib.eng.start(context.WithoutCancel(ctx)); err != nil {
			ib.eng.close()
			return nil, fmt.Errorf("inbox: start workers: %w", err)
		}
		ib.working = true
	}
	return ib, nil
}

// Close stops the workers, waiting for running Process calls until ctx is
// done and cancelling them then (River retries them later), and closes the
// database unless it was Config.Pool. Deliveries still arriving are
// answered 503. Close is idempotent.
func (ib *Inbox) Close(ctx context.Context) error {
	ib.closeOnce.Do(func() {
		close(ib.closed)
		ib.committers.Wait() // a batch being committed finishes first
		if ib.working {
			ib.closeErr = ib.eng.stop(ctx)
		}
		ib.eng.close()
	})
	return ib.closeErr
}

// isClosed reports whether Close was called.
func (ib *Inbox) isClosed() bool {
	select {
	case <-ib.closed:
		return true
	default:
		return false
	}
}

// Pool returns the Postgres pool the inbox uses (Config.Pool or the one Open
// made), for a Process that writes in the same database and completes its
// delivery in that transaction (CompleteTx). nil on SQLite.
func (ib *Inbox) Pool() *pgxpool.Pool { return ib.pool }

// notFound maps River's ErrNotFound to this package's.
func notFound(err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// committers is the number of concurrent insert transactions: one on SQLite,
// which has one writer anyway; a few on Postgres, so a batch commits while
// the next one fills.
func committers(k driverKind) int {
	if k == driverSQLite {
		return 1
	}
	return 2
}

// kind is the driver c selects.
func kind(c Config) driverKind {
	if c.Pool != nil {
		return driverPostgres
	}
	k, _, _ := parseDatabase(c.Database)
	return k
}
