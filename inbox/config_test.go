package inbox

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/hookguard/hookguard/replay"
)

func TestConfigDefaults(t *testing.T) {
	c, err := Config{Database: "sqlite:/x/inbox.db"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rc := newRiverConfig(c, nil)
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"Retention", c.Retention, 72 * time.Hour},
		{"completed retention", rc.CompletedJobRetentionPeriod, 72 * time.Hour},
		{"cancelled retention", rc.CancelledJobRetentionPeriod, 72 * time.Hour},
		{"discarded retention", rc.DiscardedJobRetentionPeriod, 7 * 24 * time.Hour},
		{"MaxAttempts", rc.MaxAttempts, DefaultMaxAttempts},
		{"JobTimeout", rc.JobTimeout, DefaultJobTimeout},
		{"RescueStuckJobsAfter", rc.RescueStuckJobsAfter, DefaultRescueAfter},
		{"insert-only skips the worker check", rc.SkipUnknownJobCheck, true},
		{"Headers", strings.Join(c.Headers, ","), "Content-Type"},
		{"Queue", c.Queue, DefaultQueue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	c, err = Config{Database: "sqlite:/x", Retention: 30 * 24 * time.Hour, Headers: []string{"x-github-event"}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.DeadRetention != c.Retention || c.Headers[0] != "X-Github-Event" {
		t.Fatalf("DeadRetention %v (want raised to Retention), Headers %v", c.DeadRetention, c.Headers)
	}
}

func TestConfigInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Config
		want string
	}{
		{"no database", Config{}, "no Database"},
		{"unknown scheme", Config{Database: "mysql://x"}, "Database must start with"},
		{"empty sqlite path", Config{Database: "sqlite:"}, "empty path"},
		{"memory sqlite", Config{Database: "sqlite::memory:"}, "not durable"},
		{"sqlite query", Config{Database: "sqlite:/x?mode=ro"}, "plain file path"},
		{"negative retention", Config{Database: "sqlite:/x", Retention: -1}, "negative Retention"},
		{"negative body", Config{Database: "sqlite:/x", MaxBody: -1}, "negative MaxBody"},
		{"negative attempts", Config{Database: "sqlite:/x", MaxAttempts: -1}, "negative MaxAttempts"},
		{"negative workers", Config{Database: "sqlite:/x", Workers: -1}, "negative Workers"},
		{"rescue before timeout", Config{Database: "sqlite:/x", JobTimeout: time.Minute, RescueAfter: time.Second}, "must exceed JobTimeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), tc.c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestOpenUnreachable: Open fails when the database cannot be reached.
func TestOpenUnreachable(t *testing.T) {
	for _, db := range []string{
		"sqlite:" + t.TempDir() + "/missing/dir/inbox.db",
		"postgres://postgres@127.0.0.1:1/none?sslmode=disable",
	} {
		c := testConfig(db, nil)
		c.InsertTimeout = time.Second
		if ib, err := Open(context.Background(), c); err == nil {
			ib.Close(context.Background())
			t.Errorf("Open(%s) succeeded", db)
		}
	}
}

// TestDedupNeverClaims: the Guard's replay store in front of the inbox
// answers Fresh for every key, and honours a done context.
func TestDedupNeverClaims(t *testing.T) {
	ib := &Inbox{}
	s := ib.Dedup()
	ctx := context.Background()
	for range 2 {
		if st, err := s.Claim(ctx, "6:stripe:evt_1", time.Minute); st != replay.Fresh || err != nil {
			t.Fatalf("Claim = %v, %v; want Fresh", st, err)
		}
		if err := s.Complete(ctx, "6:stripe:evt_1", time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Claim(done, "k", 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Claim on a done context: %v", err)
	}
	if err := s.Release(done, "k"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Release on a done context: %v", err)
	}
}

// TestRetentionPrunes: a completed delivery is pruned after Retention, and
// with it the dedup: the event is accepted again.
func TestRetentionPrunes(t *testing.T) {
	db := sqliteDatabase(t)
	rec := newRecorder()
	first, err := Open(context.Background(), testConfig(db, rec.process))
	if err != nil {
		t.Fatal(err)
	}
	s := newSigned(t, "evt_prune")
	s.send(guarded(t, first))
	id := rec.next(t).ID
	waitState(t, first, id, rivertype.JobStateCompleted)
	if err := first.Close(context.Background()); err != nil { // resigns River's leadership
		t.Fatal(err)
	}

	c := testConfig(db, rec.process)
	c.Retention = time.Millisecond // the new leader's cleaner prunes at once
	ib := open(t, c)
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := ib.Show(context.Background(), id)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery %d not pruned after 15s: %v", id, err)
		}
		time.Sleep(20 * time.Millisecond) // polling for River's cleaner
	}
	if w := s.send(guarded(t, ib)); w.Code != http.StatusOK || w.Body.String() != string(bodyAccepted) {
		t.Fatalf("after pruning: %d %q, want accepted again", w.Code, w.Body)
	}
}
