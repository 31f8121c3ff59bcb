package inbox

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/hookguard/hookguard/middleware"
)

// errTooLarge: a body over Config.MaxBody.
var errTooLarge = errors.New("inbox: body too large")

// Terse response bodies, in the Guard's format.
var (
	bodyAccepted    = []byte(`{"status":"accepted"}` + "\n")
	bodyDuplicate   = []byte(`{"status":"duplicate"}` + "\n")
	bodyUnavailable = []byte(`{"error":"store_unavailable"}` + "\n")
	bodyTooLarge    = []byte(`{"error":"too_large"}` + "\n")
	bodyNoEvent     = []byte(`{"error":"misconfigured"}` + "\n")
)

// Handler returns the http.Handler to put behind the Guard
// (guard.Handler(ib.Handler())) whose Config.Replay is ib.Dedup(). For each
// verified delivery it commits a job unique on the event's replay key and
// only then answers 200 {"status":"accepted"}; a delivery of an event
// already in the inbox (in any state, until pruned) is answered 200
// {"status":"duplicate"} and not enqueued again. A database that does not
// commit within Config.InsertTimeout (unreachable, full, locked) is
// answered 503 with Retry-After, so the provider retries and nothing
// acknowledged is lost; a body over Config.MaxBody is answered 413 and never
// reaches the database. A request the Guard did not verify is answered 500
// (a wiring mistake).
func (ib *Inbox) Handler() http.Handler {
	return http.HandlerFunc(ib.serveHTTP)
}

func (ib *Inbox) serveHTTP(w http.ResponseWriter, r *http.Request) {
	ev, ok := middleware.EventFrom(r.Context())
	if !ok {
		ib.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "inbox: request without a verified event: put Handler behind the Guard")
		reply(w, http.StatusInternalServerError, bodyNoEvent, 0)
		return
	}
	body, err := readCapped(r.Body, ib.cfg.MaxBody)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			reply(w, http.StatusRequestEntityTooLarge, bodyTooLarge, 0)
			return
		}
		// The sender hung up or the body broke off: nothing was stored.
		reply(w, http.StatusBadRequest, []byte(`{"error":"malformed"}`+"\n"), 0)
		return
	}
	d := Delivery{
		Key: ev.Key, EventID: ev.ID, Scheme: ev.Scheme, SecretID: ev.SecretID,
		ClientIP: ev.ClientIP, SignedAt: ev.Timestamp, Header: keptHeaders(r.Header, ib.cfg.Headers), Body: body,
	}
	_, dup, err := ib.Enqueue(r.Context(), d)
	switch {
	case err != nil:
		ib.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "inbox: delivery not stored",
			slog.String("event_id", ev.ID), slog.String("scheme", ev.Scheme), slog.String("error", err.Error()))
		reply(w, http.StatusServiceUnavailable, bodyUnavailable, ib.cfg.RetryAfter)
	case dup:
		reply(w, http.StatusOK, bodyDuplicate, 0)
	default:
		reply(w, http.StatusOK, bodyAccepted, 0)
	}
}

// Enqueue commits d as a job unique on d.Key (which must not be empty) and
// reports its ID, or the ID of the job already holding d.Key with dup true.
// d.ID and d.Attempt are ignored; a zero d.ReceivedAt is set to Config.Now.
// Handler calls it; call it directly to feed the inbox from elsewhere (a
// framework adapter on the Guard's Check path, an import). Any error means
// nothing was stored.
func (ib *Inbox) Enqueue(ctx context.Context, d Delivery) (id int64, dup bool, err error) {
	if ib.isClosed() {
		return 0, false, ErrClosed
	}
	if d.Key == "" {
		return 0, false, errors.New("inbox: delivery without a key")
	}
	if int64(len(d.Body)) > ib.cfg.MaxBody {
		return 0, false, errTooLarge
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = ib.cfg.Now()
	}
	// The request's own context ends the wait (a sender that hung up gets
	// nothing to retry for: its delivery may still commit, and its retry
	// is then a duplicate); InsertTimeout bounds it otherwise.
	ctx, cancel := context.WithTimeout(ctx, ib.cfg.InsertTimeout)
	defer cancel()
	r := &insertReq{args: d.toArgs(), done: make(chan insertRes, 1)}
	select {
	case ib.queue <- r:
	case <-ctx.Done():
		return 0, false, ctx.Err()
	case <-ib.closed:
		return 0, false, ErrClosed
	}
	select {
	case res := <-r.done:
		return res.id, res.dup, res.err
	case <-ctx.Done():
		return 0, false, ctx.Err()
	case <-ib.closed: // a committer that took r may still commit it
		return 0, false, ErrClosed
	}
}

// insertOpts puts a delivery in the inbox's queue, unique on its key alone
// in every state: a duplicate of a running, retrying, completed, discarded
// or cancelled delivery is never enqueued again until the job is pruned.
func (ib *Inbox) insertOpts() *river.InsertOpts {
	return &river.InsertOpts{
		Queue: ib.cfg.Queue,
		UniqueOpts: river.UniqueOpts{
			ByArgs:  true, // the river:"unique" field only: Key
			ByQueue: true,
			ByState: rivertype.JobStates(), // every state: a key stays unique while its job row exists
		},
	}
}

// keptHeaders copies the headers named in keep (canonical) from h.
func keptHeaders(h http.Header, keep []string) http.Header {
	out := make(http.Header, len(keep))
	for _, k := range keep {
		if v := h[k]; len(v) > 0 {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// readCapped reads r to its end, failing with errTooLarge past limit bytes.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

// reply writes a terse JSON answer, with Retry-After when retry > 0.
func reply(w http.ResponseWriter, status int, body []byte, retry time.Duration) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if retry > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64((retry+time.Second-1)/time.Second), 10))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
