package inbox

import (
	"context"

	"github.com/riverqueue/river"
)

// worker runs Config.Process on each delivery job. River turns an error or a
// panic into a retry with backoff (recording the error, and the panic's
// trace, on the job) and discards the job after MaxAttempts.
type worker struct {
	river.WorkerDefaults[deliveryArgs]
	process func(ctx context.Context, d Delivery) error
}

// jobKey finds the running job in a Process context, for CompleteTx.
type jobKey struct{}

// Work implements river.Worker.
func (w *worker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	ctx = context.WithValue(ctx, jobKey{}, job)
	return w.process(ctx, job.Args.delivery(job.ID, job.Attempt))
}
