package inbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/rivertype"

	"github.com/hookguard/hookguard/internal/pgtest"
)

// TestReplicasShareDedup: deliveries of the same events sent at once to two
// inboxes on one Postgres are enqueued once per event, and processed once.
func TestReplicasShareDedup(t *testing.T) {
	db := postgresDatabase(t)
	var mu sync.Mutex
	runs := map[string]int{}
	process := func(_ context.Context, d Delivery) error {
		mu.Lock()
		runs[d.EventID]++
		mu.Unlock()
		return nil
	}
	// The test is about dedup, not latency: under a loaded CI machine with
	// other tests sharing the throwaway server, an insert may queue for a
	// connection longer than the default bound, which would answer 503.
	cfg := testConfig(db, process)
	cfg.InsertTimeout = 30 * time.Second
	a := open(t, cfg)
	b := open(t, cfg)
	ha, hb := guarded(t, a), guarded(t, b)
	const events = 40
	answers := map[string][]string{}
	var amu sync.Mutex
	var wg sync.WaitGroup
	for i := range events {
		s := newSigned(t, fmt.Sprintf("evt_rep_%d", i))
		for _, h := range []http.Handler{ha, hb, ha, hb} {
			wg.Go(func() {
				w := s.send(h)
				amu.Lock()
				answers[s.id] = append(answers[s.id], fmt.Sprint(w.Code, " ", w.Body.String()))
				amu.Unlock()
			})
		}
	}
	wg.Wait()
	for id, got := range answers {
		acc, dup := 0, 0
		for _, a := range got {
			switch a {
			case "200 " + string(bodyAccepted):
				acc++
			case "200 " + string(bodyDuplicate):
				dup++
			default:
				t.Errorf("%s: answer %q", id, a)
			}
		}
		if acc != 1 || dup != 3 {
			t.Errorf("%s: %d accepted, %d duplicate; want 1 and 3", id, acc, dup)
		}
	}
	page, err := a.List(context.Background(), ListOptions{Limit: 1000})
	if err != nil || len(page.Records) != events {
		t.Fatalf("%d jobs, %v; want %d", len(page.Records), err, events)
	}
	for _, r := range page.Records {
		waitState(t, a, r.ID, rivertype.JobStateCompleted)
	}
	mu.Lock()
	defer mu.Unlock()
	for id, n := range runs {
		if n != 1 {
			t.Errorf("%s processed %d times", id, n)
		}
	}
	if len(runs) != events {
		t.Errorf("%d events processed, want %d", len(runs), events)
	}
}

// TestCompleteTxExactlyOnce: a Process that writes its effect and completes
// its delivery in one transaction commits the effect exactly once, though
// its first attempt fails before the commit and its last after it.
func TestCompleteTxExactlyOnce(t *testing.T) {
	db := postgresDatabase(t)
	ctx := context.Background()
	var ib *Inbox
	process := func(ctx context.Context, d Delivery) error {
		tx, err := ib.Pool().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `INSERT INTO effects (event_id) VALUES ($1)`, d.EventID); err != nil {
			return err
		}
		if d.Attempt == 1 {
			return errors.New("crash before commit") // the rollback undoes the effect
		}
		if err := CompleteTx(ctx, tx); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		return errors.New("crash after commit") // the completion stands
	}
	ib = open(t, testConfig(db, process))
	if _, err := ib.Pool().Exec(ctx, `CREATE TABLE effects (event_id text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	h := guarded(t, ib)
	for i := range 5 {
		newSigned(t, fmt.Sprintf("evt_tx_%d", i)).send(h)
	}
	page, err := ib.List(ctx, ListOptions{})
	if err != nil || len(page.Records) != 5 {
		t.Fatalf("%d jobs, %v", len(page.Records), err)
	}
	for _, r := range page.Records {
		got := waitState(t, ib, r.ID, rivertype.JobStateCompleted)
		if got.Attempt != 2 || len(got.Errors) != 1 {
			t.Errorf("%s: attempt %d errors %+v; want 2 attempts, 1 error", r.EventID, got.Attempt, got.Errors)
		}
	}
	rows, err := ib.Pool().Query(ctx, `SELECT event_id, count(*) FROM effects GROUP BY event_id`)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		ID string
		N  int64
	}])
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 5 {
		t.Fatalf("effects of %d events, want 5", len(counts))
	}
	for _, c := range counts {
		if c.N != 1 {
			t.Errorf("%s: %d effects, want exactly 1", c.ID, c.N)
		}
	}
	if err := CompleteTx(ctx, nil); err == nil {
		t.Error("CompleteTx outside Process succeeded")
	}
}

// TestPostgresOutage: while the server is down deliveries are answered 503
// with Retry-After; once it is back the same inbox (no restart) accepts and
// processes them, and what was acknowledged before the outage is processed.
func TestPostgresOutage(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	db, err := srv.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	rec := newRecorder()
	c := testConfig(db, func(ctx context.Context, d Delivery) error {
		if d.EventID == "evt_before" {
			<-release // hold the first delivery until the server is back
		}
		return rec.process(ctx, d)
	})
	c.InsertTimeout = time.Second
	ib := open(t, c)
	h := guarded(t, ib)
	if w := newSigned(t, "evt_before").send(h); w.Code != http.StatusOK {
		t.Fatalf("before: %d %q", w.Code, w.Body)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	during := newSigned(t, "evt_during")
	w := during.send(h)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || w.Body.String() != string(bodyUnavailable) {
		t.Fatalf("during: %d %q Retry-After %q; want 503 with Retry-After", w.Code, w.Body, w.Header().Get("Retry-After"))
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	close(release)
	// The provider retries after Retry-After; here at once, a few times, as
	// the pool replaces connections the restart broke.
	deadline := time.Now().Add(10 * time.Second)
	for w = during.send(h); w.Code != http.StatusOK; w = during.send(h) {
		if time.Now().After(deadline) {
			t.Fatalf("after restart: %d %q", w.Code, w.Body)
		}
	}
	got := map[string]bool{}
	for len(got) < 2 {
		got[rec.next(t).EventID] = true
	}
	if !got["evt_before"] || !got["evt_during"] {
		t.Fatalf("processed %v", got)
	}
}
