package inbox

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/riverqueue/river/rivertype"
)

// TestAcceptAndProcess: a signed delivery is committed before the 200, and
// a worker runs Process on exactly what was received.
func TestAcceptAndProcess(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			rec := newRecorder()
			ib := open(t, testConfig(b.database(t), rec.process))
			s := newSigned(t, "evt_accept")
			w := s.send(guarded(t, ib))
			if w.Code != http.StatusOK || w.Body.String() != string(bodyAccepted) {
				t.Fatalf("got %d %q, want 200 accepted", w.Code, w.Body)
			}
			d := rec.next(t)
			if !bytes.Equal(d.Body, s.body) {
				t.Errorf("Body = %q, want %q", d.Body, s.body)
			}
			if d.EventID != "evt_accept" || d.Key == "" || !strings.Contains(d.Key, "evt_accept") {
				t.Errorf("EventID %q Key %q", d.EventID, d.Key)
			}
			if d.Scheme != "standard-webhooks" && d.Scheme == "" {
				t.Errorf("Scheme = %q", d.Scheme)
			}
			if d.SecretID != "k1" || d.ClientIP != netip.MustParseAddr("192.0.2.10") || d.Attempt != 1 {
				t.Errorf("SecretID %q ClientIP %v Attempt %d", d.SecretID, d.ClientIP, d.Attempt)
			}
			if d.SignedAt.IsZero() || d.ReceivedAt.IsZero() {
				t.Errorf("SignedAt %v ReceivedAt %v", d.SignedAt, d.ReceivedAt)
			}
			if got := d.Header.Get("X-Trace"); got != "trace-evt_accept" {
				t.Errorf("kept X-Trace = %q", got)
			}
			if got := d.Header.Get("X-Dropped"); got != "" {
				t.Errorf("X-Dropped kept: %q", got)
			}
			r := waitState(t, ib, d.ID, rivertype.JobStateCompleted)
			if r.Attempt != 1 || len(r.Errors) != 0 || r.FinalizedAt.IsZero() {
				t.Errorf("record %+v", r)
			}
		})
	}
}

// TestDuplicate: a second delivery of an event, before and after it was
// processed, is answered 200 duplicate and never enqueued again.
func TestDuplicate(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			rec := newRecorder()
			ib := open(t, testConfig(b.database(t), rec.process))
			h := guarded(t, ib)
			s := newSigned(t, "evt_dup")
			if w := s.send(h); w.Body.String() != string(bodyAccepted) {
				t.Fatalf("first: %d %q", w.Code, w.Body)
			}
			if w := s.send(h); w.Code != http.StatusOK || w.Body.String() != string(bodyDuplicate) {
				t.Fatalf("second: %d %q, want 200 duplicate", w.Code, w.Body)
			}
			d := rec.next(t)
			waitState(t, ib, d.ID, rivertype.JobStateCompleted)
			if w := s.send(h); w.Body.String() != string(bodyDuplicate) {
				t.Fatalf("after completion: %d %q, want duplicate", w.Code, w.Body)
			}
			if id := onlyID(t, ib); id != d.ID {
				t.Fatalf("job %d, processed %d", id, d.ID)
			}
			if n := rec.count(); n != 1 {
				t.Fatalf("Process ran %d times", n)
			}
		})
	}
}

// TestRetryThenDiscard: a failing Process is retried with backoff up to
// MaxAttempts, then the delivery is discarded, stays visible with every
// attempt's error, and still deduplicates a provider's retry.
func TestRetryThenDiscard(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			var calls atomic.Int32
			ib := open(t, testConfig(b.database(t), func(_ context.Context, d Delivery) error {
				calls.Add(1)
				return errors.New("downstream said no")
			}))
			s := newSigned(t, "evt_fail")
			h := guarded(t, ib)
			if w := s.send(h); w.Code != http.StatusOK {
				t.Fatalf("%d %q", w.Code, w.Body)
			}
			r := waitState(t, ib, onlyID(t, ib), rivertype.JobStateDiscarded)
			if r.Attempt != 3 || len(r.Errors) != 3 || calls.Load() != 3 {
				t.Fatalf("attempt %d, %d errors, %d calls; want 3 each", r.Attempt, len(r.Errors), calls.Load())
			}
			for i, e := range r.Errors {
				if e.Attempt != i+1 || e.Error != "downstream said no" || e.At.IsZero() {
					t.Errorf("error %d: %+v", i, e)
				}
			}
			if !bytes.Equal(r.Body, s.body) {
				t.Errorf("dead letter body %q", r.Body)
			}
			if w := s.send(h); w.Body.String() != string(bodyDuplicate) {
				t.Fatalf("provider retry of a dead letter: %d %q, want duplicate", w.Code, w.Body)
			}
			page, err := ib.List(context.Background(), ListOptions{States: []State{rivertype.JobStateDiscarded}})
			if err != nil || len(page.Records) != 1 {
				t.Fatalf("List discarded: %d records, %v", len(page.Records), err)
			}
		})
	}
}

// TestPanicRetried: a panic in Process is an error: recorded with its
// stack, and the delivery is retried.
func TestPanicRetried(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ib := open(t, testConfig(b.database(t), func(_ context.Context, d Delivery) error {
				if d.Attempt == 1 {
					panic("boom")
				}
				return nil
			}))
			newSigned(t, "evt_panic").send(guarded(t, ib))
			r := waitState(t, ib, onlyID(t, ib), rivertype.JobStateCompleted)
			if r.Attempt != 2 || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Error, "boom") || r.Errors[0].Trace == "" {
				t.Fatalf("attempt %d errors %+v", r.Attempt, r.Errors)
			}
		})
	}
}

// TestReplay: an operator re-runs a completed delivery; who and why are
// recorded next to its attempts; bad requests are refused.
func TestReplay(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			rec := newRecorder()
			ib := open(t, testConfig(b.database(t), rec.process))
			ctx := context.Background()
			newSigned(t, "evt_replay").send(guarded(t, ib))
			d := rec.next(t)
			waitState(t, ib, d.ID, rivertype.JobStateCompleted)

			for _, tc := range []struct{ name, by, why string }{
				{"empty by", "", "why"},
				{"empty why", "alice", ""},
				{"long by", strings.Repeat("a", maxReplayByLen+1), "why"},
				{"long why", "alice", strings.Repeat("w", maxReplayWhyLen+1)},
				{"control", "alice\n", "why"},
				{"not utf8", "alice", "\xff"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if _, err := ib.Replay(ctx, d.ID, tc.by, tc.why); !errors.Is(err, ErrBadRequest) {
						t.Fatalf("err = %v, want ErrBadRequest", err)
					}
				})
			}
			if _, err := ib.Replay(ctx, d.ID+1000, "alice", "why"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown id: %v, want ErrNotFound", err)
			}

			if _, err := ib.Replay(ctx, d.ID, "alice", "downstream fixed, re-run"); err != nil {
				t.Fatal(err)
			}
			again := rec.next(t)
			if again.ID != d.ID || again.Attempt != 2 || !bytes.Equal(again.Body, d.Body) {
				t.Fatalf("replayed %+v", again)
			}
			r := waitState(t, ib, d.ID, rivertype.JobStateCompleted)
			if len(r.Replays) != 1 || r.Replays[0].By != "alice" || r.Replays[0].Why != "downstream fixed, re-run" || r.Replays[0].At.IsZero() {
				t.Fatalf("replays %+v", r.Replays)
			}
			if _, err := ib.Replay(ctx, d.ID, "bob", "twice"); err != nil {
				t.Fatal(err)
			}
			rec.next(t)
			r = waitState(t, ib, d.ID, rivertype.JobStateCompleted)
			if len(r.Replays) != 2 || r.Replays[1].By != "bob" {
				t.Fatalf("replays %+v", r.Replays)
			}
		})
	}
}

// TestTooLarge: a body over MaxBody is refused before the database.
func TestTooLarge(t *testing.T) {
	c := testConfig(sqliteDatabase(t), newRecorder().process)
	c.MaxBody = 10
	ib := open(t, c)
	w := newSigned(t, "evt_big").send(guarded(t, ib))
	if w.Code != http.StatusRequestEntityTooLarge || w.Body.String() != string(bodyTooLarge) {
		t.Fatalf("%d %q, want 413", w.Code, w.Body)
	}
	page, err := ib.List(context.Background(), ListOptions{})
	if err != nil || len(page.Records) != 0 {
		t.Fatalf("%d records, %v", len(page.Records), err)
	}
}

// TestNotBehindGuard: the handler alone refuses, it never stores an
// unverified body.
func TestNotBehindGuard(t *testing.T) {
	ib := open(t, testConfig(sqliteDatabase(t), nil))
	w := newSigned(t, "evt_bare").send(ib.Handler())
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("%d, want 500", w.Code)
	}
	page, err := ib.List(context.Background(), ListOptions{})
	if err != nil || len(page.Records) != 0 {
		t.Fatalf("%d records, %v", len(page.Records), err)
	}
}

// TestClosed: a closed inbox answers 503 with Retry-After.
func TestClosed(t *testing.T) {
	ib, err := Open(context.Background(), testConfig(sqliteDatabase(t), nil))
	if err != nil {
		t.Fatal(err)
	}
	h := guarded(t, ib)
	if err := ib.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := newSigned(t, "evt_closed").send(h)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" {
		t.Fatalf("%d Retry-After %q, want 503 and 5", w.Code, w.Header().Get("Retry-After"))
	}
	if err := ib.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestListPages walks List with its cursor.
func TestListPages(t *testing.T) {
	ib := open(t, testConfig(sqliteDatabase(t), nil)) // insert-only: nothing runs
	h := guarded(t, ib)
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		if w := newSigned(t, "evt_"+id).send(h); w.Code != http.StatusOK {
			t.Fatalf("%d %q", w.Code, w.Body)
		}
	}
	var got []string
	o := ListOptions{Limit: 2}
	for {
		page, err := ib.List(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			got = append(got, r.EventID)
			if r.State != rivertype.JobStateAvailable {
				t.Errorf("%s: state %q", r.EventID, r.State)
			}
		}
		if page.Next == "" {
			break
		}
		o.Cursor = page.Next
	}
	if strings.Join(got, ",") != "evt_a,evt_b,evt_c,evt_d,evt_e" {
		t.Fatalf("listed %v", got)
	}
	if _, err := ib.List(context.Background(), ListOptions{Cursor: "garbage"}); err == nil {
		t.Fatal("a garbage cursor was accepted")
	}
}

// TestCancel: a waiting delivery is cancelled, stays visible, keeps
// deduplicating, and Replay revives it.
func TestCancel(t *testing.T) {
	db := sqliteDatabase(t)
	ib := open(t, testConfig(db, nil))
	s := newSigned(t, "evt_cancel")
	h := guarded(t, ib)
	s.send(h)
	id := onlyID(t, ib)
	r, err := ib.Cancel(context.Background(), id)
	if err != nil || r.State != rivertype.JobStateCancelled {
		t.Fatalf("Cancel: %+v %v", r, err)
	}
	if w := s.send(h); w.Body.String() != string(bodyDuplicate) {
		t.Fatalf("after cancel: %q, want duplicate", w.Body)
	}
	if _, err := ib.Cancel(context.Background(), id+100); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	r, err = ib.Replay(context.Background(), id, "ops", "cancelled by mistake")
	if err != nil || r.State != rivertype.JobStateAvailable {
		t.Fatalf("Replay: %+v %v", r, err)
	}
}
