package inbox

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"
)

// Group commit. Concurrent deliveries are inserted together: a committer
// takes every request waiting when it becomes free (up to maxBatch) and
// inserts them with one InsertMany, one transaction, one durable commit.
// Nobody waits for a batch to fill: a lone delivery is committed at once,
// and under load a batch holds what arrived during the previous commit.

// maxBatch bounds the deliveries of one transaction.
const maxBatch = 64

// insertReq is one delivery waiting to be committed.
type insertReq struct {
	args deliveryArgs
	done chan insertRes // buffered: the committer never blocks on it
}

// insertRes is a committed (or failed) insert.
type insertRes struct {
	id  int64
	dup bool
	err error
}

// startCommitters runs n committers until Close.
func (ib *Inbox) startCommitters(n int) {
	ib.queue = make(chan *insertReq, 4*maxBatch)
	for range n {
		ib.committers.Go(ib.committer)
	}
}

// committer commits batches until the inbox closes.
func (ib *Inbox) committer() {
	batch := make([]*insertReq, 0, maxBatch)
	for {
		select {
		case <-ib.closed:
			return
		case r := <-ib.queue:
			batch = append(batch[:0], r)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-ib.queue:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		ib.commit(batch)
	}
}

// commit inserts batch in one transaction and answers every request. A key
// that occurs twice in the batch is inserted once; the later requests are
// its duplicates (one statement may not insert a unique key twice). Keys
// are inserted in sorted order, so two batches that share keys (two
// replicas, or two committers) lock them in the same order and cannot
// deadlock; a transaction Postgres aborts all the same (a deadlock or a
// serialization failure) is retried.
func (ib *Inbox) commit(batch []*insertReq) {
	ctx, cancel := context.WithTimeout(context.Background(), ib.cfg.InsertTimeout)
	defer cancel()
	slices.SortStableFunc(batch, func(a, b *insertReq) int { return cmp.Compare(a.args.Key, b.args.Key) })
	first := make(map[string]int, len(batch)) // key → index in params
	params := make([]river.InsertManyParams, 0, len(batch))
	slot := make([]int, len(batch))
	opts := ib.insertOpts()
	for i, r := range batch {
		j, seen := first[r.args.Key]
		if !seen {
			j = len(params)
			first[r.args.Key] = j
			params = append(params, river.InsertManyParams{Args: r.args, InsertOpts: opts})
		}
		slot[i] = j
	}
	res, err := ib.eng.insertMany(ctx, params)
	for try := 1; try < maxTries && retryable(err); try++ {
		res, err = ib.eng.insertMany(ctx, params)
	}
	answered := make([]bool, len(params))
	for i, r := range batch {
		if err != nil {
			r.done <- insertRes{err: err}
			continue
		}
		j := slot[i]
		r.done <- insertRes{id: res[j].Job.ID, dup: res[j].UniqueSkippedAsDuplicate || answered[j]}
		answered[j] = true
	}
}

// maxTries bounds the attempts of one batch that Postgres aborted.
const maxTries = 3

// retryable reports a transaction Postgres aborted that may succeed when
// run again: a deadlock (40P01) or a serialization failure (40001).
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}
