package inbox

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// CompleteTx marks the delivery that Process is running (ctx must be, or
// derive from, the context Process received) as completed inside tx, a
// transaction on the inbox's Postgres database (begin it on Inbox.Pool). If
// tx commits, the delivery's effects and its completion commit together: a
// crash before the commit retries the delivery with none of its effects, a
// crash after it never runs the delivery again. Return nil from Process
// after the commit. Postgres only.
func CompleteTx(ctx context.Context, tx pgx.Tx) error {
	job, ok := ctx.Value(jobKey{}).(*river.Job[deliveryArgs])
	if !ok {
		return errors.New("inbox: CompleteTx outside Process")
	}
	_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
	return err
}
