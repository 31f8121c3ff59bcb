package inbox

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/internal/pgtest"
	"github.com/hookguard/hookguard/middleware"
)

// pgAdminURL is the admin database of the Postgres server the tests share:
// $HOOKGUARD_POSTGRES_URL, or a throwaway server TestMain starts.
var pgAdminURL string

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(crashChild())
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if u := os.Getenv("HOOKGUARD_POSTGRES_URL"); u != "" {
		pgAdminURL = u
		return m.Run()
	}
	srv, err := pgtest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: starting Postgres:", err)
		return 1
	}
	defer srv.Close()
	pgAdminURL = srv.URL("postgres")
	return m.Run()
}

// backend opens inboxes on one kind of database.
type backend struct {
	name string
	// database returns a fresh, empty database for Config.Database.
	database func(t testing.TB) string
}

var (
	sqliteBackend   = backend{"sqlite", sqliteDatabase}
	postgresBackend = backend{"postgres", postgresDatabase}
	backends        = []backend{sqliteBackend, postgresBackend}
)

func sqliteDatabase(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "inbox.db")
}

var dbSeq struct {
	sync.Mutex
	n int
}

func postgresDatabase(t testing.TB) string {
	t.Helper()
	dbSeq.Lock()
	dbSeq.n++
	name := fmt.Sprintf("inbox_%d_%d", os.Getpid(), dbSeq.n)
	dbSeq.Unlock()
	u, err := pgtest.CreateDatabase(context.Background(), pgAdminURL, name)
	if err != nil {
		t.Fatalf("create database: %v", err)
	}
	return u
}

// testConfig is a Config for tests on database db: quick polling and a
// millisecond backoff, so retries happen within a test's patience.
func testConfig(db string, process func(context.Context, Delivery) error) Config {
	return Config{
		Database:    db,
		Process:     process,
		Headers:     []string{"Content-Type", "X-Trace"},
		FetchPoll:   50 * time.Millisecond,
		Backoff:     func(int) time.Duration { return time.Millisecond },
		MaxAttempts: 3,
		JobTimeout:  5 * time.Second,
		RescueAfter: 6 * time.Second,
	}
}

// open opens an inbox and closes it at the end of the test.
func open(t testing.TB, c Config) *Inbox {
	t.Helper()
	ib, err := Open(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ib.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ib
}

var guardKey = []byte("0123456789abcdef0123456789abcdef")

func testKeyring(t testing.TB) *hmac.Keyring {
	t.Helper()
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: guardKey})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// guarded is the Guard in front of ib's Handler, as a user wires it.
func guarded(t testing.TB, ib *Inbox) http.Handler {
	t.Helper()
	h, err := guardFor(ib)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// guardFor is the Guard in front of ib's Handler.
func guardFor(ib *Inbox) (http.Handler, error) {
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: guardKey})
	if err != nil {
		return nil, err
	}
	g, err := middleware.New(middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: k, Replay: ib.Dedup()})
	if err != nil {
		return nil, err
	}
	return g.Handler(ib.Handler()), nil
}

// signed is one signed Standard Webhooks delivery, re-sendable.
type signed struct {
	id     string
	header http.Header
	body   []byte
}

func newSigned(t testing.TB, id string) signed {
	t.Helper()
	body := []byte(`{"type":"test","id":"` + id + `"}`)
	h := http.Header{}
	if err := hmac.NewSigner(hmac.StandardWebhooks, testKeyring(t)).Sign(h, id, time.Now(), body); err != nil {
		t.Fatal(err)
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Trace", "trace-"+id)
	h.Set("X-Dropped", "not kept")
	return signed{id: id, header: h, body: body}
}

// send serves s through h and returns the response.
func (s signed) send(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(s.body))
	r.RemoteAddr = "192.0.2.10:40000"
	for k, v := range s.header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// waitState polls Show until delivery id is in state (10 s at most) and
// returns its record.
func waitState(t testing.TB, ib *Inbox, id int64, state State) *Record {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec, err := ib.Show(context.Background(), id)
		if err != nil {
			t.Fatalf("Show(%d): %v", id, err)
		}
		if rec.State == state {
			return rec
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery %d: state %q after 10s, want %q (errors %+v)", id, rec.State, state, rec.Errors)
		}
		time.Sleep(10 * time.Millisecond) // polling the database for the workers' progress
	}
}

// onlyID returns the ID of the single delivery in ib.
func onlyID(t testing.TB, ib *Inbox) int64 {
	t.Helper()
	page, err := ib.List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Records) != 1 {
		t.Fatalf("%d deliveries in the inbox, want 1", len(page.Records))
	}
	return page.Records[0].ID
}

// recorder collects the deliveries Process saw.
type recorder struct {
	mu   sync.Mutex
	seen []Delivery
	ch   chan Delivery
}

func newRecorder() *recorder { return &recorder{ch: make(chan Delivery, 1000)} }

func (r *recorder) process(_ context.Context, d Delivery) error {
	r.mu.Lock()
	r.seen = append(r.seen, d)
	r.mu.Unlock()
	r.ch <- d
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

// next waits (10 s at most) for the next delivery Process saw.
func (r *recorder) next(t testing.TB) Delivery {
	t.Helper()
	select {
	case d := <-r.ch:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("Process not called within 10s")
		return Delivery{}
	}
}
