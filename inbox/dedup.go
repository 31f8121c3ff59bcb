package inbox

import (
	"context"
	"time"

	"github.com/hookguard/hookguard/replay"
)

// Dedup returns the replay.Store to set as the Guard's Config.Replay in
// front of Handler. It never claims: every Claim answers Fresh, Complete and
// Release do nothing. The inbox's uniqueness is the dedup: Handler inserts
// each delivery as a job unique on its replay key, so a second delivery of
// an event (on any replica sharing the database, within Config.Retention of
// its completion) is answered "duplicate" and never enqueued twice. With the
// Guard's default in-memory store instead, the work would be doubled and a
// delivery whose insert failed could be refused as in flight.
func (ib *Inbox) Dedup() replay.Store { return dedup{} }

// dedup is the never-claiming replay.Store of Dedup.
type dedup struct{}

var _ replay.Store = dedup{}

// Claim answers Fresh: the inbox decides duplicates when it inserts.
func (dedup) Claim(ctx context.Context, _ string, _ time.Duration) (replay.State, error) {
	return replay.Fresh, ctx.Err()
}

// Complete does nothing: the committed job is the record.
func (dedup) Complete(ctx context.Context, _ string, _ time.Duration) error { return ctx.Err() }

// Release does nothing: a failed insert left nothing behind.
func (dedup) Release(ctx context.Context, _ string) error { return ctx.Err() }
