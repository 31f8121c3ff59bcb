package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// State is where a delivery is in its life, as River names job states:
// "available" (waiting for a worker), "running", "retryable" (failed,
// waiting for its backoff), "scheduled", "completed", "discarded" (dead
// letter: attempts exhausted), "cancelled" or "pending".
type State = rivertype.JobState

// Record is a delivery with its audit trail: when it was received, every
// failed attempt with its error, how it ended and every replay request.
type Record struct {
	Delivery
	State       State
	Attempt     int       // attempts made so far
	MaxAttempts int       // attempts allowed before it is discarded
	AttemptedAt time.Time // the last attempt's start; zero before the first
	ScheduledAt time.Time // when it runs (next), for available/retryable/scheduled
	FinalizedAt time.Time // when it completed, was discarded or cancelled; zero before
	Errors      []AttemptError
	Replays     []ReplayRequest
}

// AttemptError is one failed attempt: Process's error or panic (with the
// panic's stack in Trace), or a rescue after the process running it died.
type AttemptError struct {
	At      time.Time
	Attempt int
	Error   string
	Trace   string
}

// ReplayRequest is an operator's request to run a delivery again.
type ReplayRequest struct {
	At  time.Time
	By  string // who asked
	Why string // why
}

// Show returns delivery id with its audit trail, or ErrNotFound.
func (ib *Inbox) Show(ctx context.Context, id int64) (*Record, error) {
	row, err := ib.eng.get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("inbox: show %d: %w", id, notFound(err))
	}
	if row.Kind != deliveryKind {
		return nil, fmt.Errorf("inbox: show %d: %w", id, ErrNotFound)
	}
	rec, err := record(row)
	if err != nil {
		return nil, err
	}
	if rec.Replays, err = ib.eng.replays(ctx, id); err != nil {
		return nil, fmt.Errorf("inbox: show %d: replays: %w", id, err)
	}
	return rec, nil
}

// ListOptions selects a page of List.
type ListOptions struct {
	States []State // nil: every state
	Limit  int     // deliveries per page; 0: 100
	Cursor string  // Page.Next of the previous page; "": the first
}

// Page is one page of List, oldest delivery first.
type Page struct {
	Records []Record // without Replays (Show has them)
	Next    string   // the cursor of the next page; "" after the last
}

// List returns deliveries of the inbox's queue in ID order, oldest first.
func (ib *Inbox) List(ctx context.Context, o ListOptions) (Page, error) {
	limit := o.Limit
	if limit <= 0 {
		limit = 100
	}
	p := river.NewJobListParams().Kinds(deliveryKind).Queues(ib.cfg.Queue).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(limit)
	if len(o.States) > 0 {
		p = p.States(o.States...)
	}
	if o.Cursor != "" {
		var c river.JobListCursor
		if err := c.UnmarshalText([]byte(o.Cursor)); err != nil {
			return Page{}, fmt.Errorf("inbox: list: bad cursor: %w", err)
		}
		p = p.After(&c)
	}
	res, err := ib.eng.list(ctx, p)
	if err != nil {
		return Page{}, fmt.Errorf("inbox: list: %w", err)
	}
	var page Page
	for _, row := range res.Jobs {
		rec, err := record(row)
		if err != nil {
			return Page{}, err
		}
		page.Records = append(page.Records, *rec)
	}
	if len(res.Jobs) == limit && res.LastCursor != nil {
		b, err := res.LastCursor.MarshalText()
		if err != nil {
			return Page{}, fmt.Errorf("inbox: list: %w", err)
		}
		page.Next = string(b)
	}
	return page, nil
}

// Replay runs delivery id again, whatever its state (a completed or
// discarded delivery too; a discarded one gets one more attempt), and
// records who asked and why next to its attempts. by and why are required
// text of at most 200 and 1000 bytes (ErrBadRequest); a delivery running
// now is refused with ErrRunning, an unknown one with ErrNotFound.
func (ib *Inbox) Replay(ctx context.Context, id int64, by, why string) (*Record, error) {
	if err := checkText("by", by, maxReplayByLen); err != nil {
		return nil, err
	}
	if err := checkText("why", why, maxReplayWhyLen); err != nil {
		return nil, err
	}
	req := ReplayRequest{At: ib.cfg.Now(), By: by, Why: why}
	if _, err := ib.eng.retry(ctx, id, req); err != nil {
		return nil, fmt.Errorf("inbox: replay %d: %w", id, notFound(err))
	}
	ib.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "inbox: replay requested", slog.Int64("id", id), slog.String("by", by))
	return ib.Show(ctx, id)
}

// Cancel stops delivery id from being processed (again): a waiting delivery
// is cancelled at once, a running one when its Process returns (its context
// is cancelled). A cancelled delivery stays, and keeps deduplicating, for
// Config.Retention; Replay revives it.
func (ib *Inbox) Cancel(ctx context.Context, id int64) (*Record, error) {
	row, err := ib.eng.get(ctx, id)
	if err == nil && row.Kind != deliveryKind {
		err = rivertype.ErrNotFound
	}
	if err == nil {
		row, err = ib.eng.cancel(ctx, id)
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: cancel %d: %w", id, notFound(err))
	}
	return record(row)
}

// checkText validates a replay field: non-empty, at most limit bytes of
// UTF-8 without control characters.
func checkText(name, s string, limit int) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: %s is required", ErrBadRequest, name)
	case len(s) > limit:
		return fmt.Errorf("%w: %s is longer than %d bytes", ErrBadRequest, name, limit)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: %s is not UTF-8", ErrBadRequest, name)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: %s contains a control character", ErrBadRequest, name)
		}
	}
	return nil
}

// record decodes a job row into a Record (without Replays).
func record(row *rivertype.JobRow) (*Record, error) {
	var a deliveryArgs
	if err := json.Unmarshal(row.EncodedArgs, &a); err != nil {
		return nil, fmt.Errorf("inbox: delivery %d: undecodable args: %w", row.ID, err)
	}
	rec := &Record{
		Delivery:    a.delivery(row.ID, 0),
		State:       row.State,
		Attempt:     row.Attempt,
		MaxAttempts: row.MaxAttempts,
		ScheduledAt: row.ScheduledAt,
	}
	if row.AttemptedAt != nil {
		rec.AttemptedAt = *row.AttemptedAt
	}
	if row.FinalizedAt != nil {
		rec.FinalizedAt = *row.FinalizedAt
	}
	for _, e := range row.Errors {
		rec.Errors = append(rec.Errors, AttemptError{At: e.At, Attempt: e.Attempt, Error: e.Error, Trace: e.Trace})
	}
	return rec, nil
}

// unixMicro is the time of a stored microsecond count, in UTC.
func unixMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }
