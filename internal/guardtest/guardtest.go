// Package guardtest holds what the tests of hookguard's framework adapters
// and metrics modules share: a Guard for Standard Webhooks, signed (and
// forged) deliveries, and the behaviour every adapter must show. It lives in
// the root module, so each adapter module tests against the same contract
// without copying it, and it imports nothing beyond hookguard itself.
package guardtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

var (
	// Key is the secret "k1" of the Guard NewGuard returns.
	Key = []byte("frameworks-test-key-0123456789ab")
	// ForgedKey is a key that Guard does not hold.
	ForgedKey = []byte("not-the-key-not-the-key-not-the!")
)

// NewGuard returns a Guard for Standard Webhooks holding Key as "k1". edit,
// if not nil, adjusts the Config before New (an Observer, a Limiter, ...).
func NewGuard(t testing.TB, edit func(*middleware.Config)) *middleware.Guard {
	t.Helper()
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: Key})
	if err != nil {
		t.Fatal(err)
	}
	cfg := middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: keys}
	if edit != nil {
		edit(&cfg)
	}
	g, err := middleware.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Delivery returns a POST request to url for event id, signed with key the
// way a Standard Webhooks sender signs it, from RemoteAddr 127.0.0.1.
func Delivery(t testing.TB, url string, key []byte, id, body string) *http.Request {
	t.Helper()
	keys, err := hmac.NewKeyring(hmac.Secret{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.RemoteAddr = "127.0.0.1:40000"
	if err := hmac.NewSigner(hmac.StandardWebhooks, keys).Sign(req.Header, id, time.Now(), []byte(body)); err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

// Ledger is what a framework's handler records: events processed
// successfully, and the last event and body it saw. It is safe for
// concurrent use.
type Ledger struct {
	mu        sync.Mutex
	processed map[string]int
	failed    map[string]bool
	lastEvent middleware.Event
	lastBody  string
	observed  []string
}

// NewLedger returns an empty Ledger.
func NewLedger() *Ledger {
	return &Ledger{processed: map[string]int{}, failed: map[string]bool{}}
}

// Handle records one handler run and reports whether the handler should
// fail this time: the event "msg_flaky" fails on its first run, and the
// event "msg_panic" panics on its first run (the framework's recovery
// answers 500). ok is whether the handler found a verified event; a run
// without one panics too, since no adapter may let that happen.
func (l *Ledger) Handle(ev middleware.Event, ok bool, body []byte) (fail bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !ok {
		panic("handler ran without a verified event")
	}
	l.lastEvent, l.lastBody = ev, string(body)
	if (ev.ID == "msg_flaky" || ev.ID == "msg_panic") && !l.failed[ev.ID] {
		l.failed[ev.ID] = true
		if ev.ID == "msg_panic" {
			panic("guardtest: the handler panics on msg_panic's first run")
		}
		return true
	}
	l.processed[ev.ID]++
	return false
}

// Guard returns NewGuard's Guard with the ledger as its Observer.
func (l *Ledger) Guard(t testing.TB) *middleware.Guard {
	return NewGuard(t, func(c *middleware.Config) { c.Observer = l.observe })
}

// observe records an Observation as "reason/outcome/status".
func (l *Ledger) observe(_ context.Context, o middleware.Observation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.observed = append(l.observed, fmt.Sprintf("%s/%s/%d", o.Reason, o.Outcome, o.Status))
}

// Count returns how many times event id was processed successfully.
func (l *Ledger) Count(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.processed[id]
}

// CheckAdapter proves, through do (one request through the framework,
// returning its status and body), that a signed delivery passes with the
// event and body intact, a forged one is refused, a duplicate is not
// processed twice, and a handler failure or panic is seen by the Guard
// (released, so the retry is processed). The handler behind the adapter
// records its runs in l and answers 500 when Ledger.Handle says to fail, and
// the Guard is l.Guard, whose Observer must hear each outcome; the
// framework must recover a panic into a 500 (gin.Recovery, echo's and
// fiber's recover middleware, chi's Recoverer).
func CheckAdapter(t *testing.T, l *Ledger, do func(*http.Request) (int, string)) {
	t.Helper()
	const body = `{"type":"invoice.paid","amount":4200}`
	const url = "http://127.0.0.1/webhooks"

	status, resp := do(Delivery(t, url, Key, "msg_1", body))
	if status != 200 || l.Count("msg_1") != 1 {
		t.Fatalf("signed delivery: %d %q, processed %d", status, resp, l.Count("msg_1"))
	}
	l.mu.Lock()
	ev, got := l.lastEvent, l.lastBody
	l.mu.Unlock()
	if ev.ID != "msg_1" || ev.SecretID != "k1" || ev.Scheme != "standard-webhooks" || got != body {
		t.Fatalf("handler saw event %+v, body %q", ev, got)
	}

	status, resp = do(Delivery(t, url, ForgedKey, "msg_2", body))
	if status != 401 || strings.TrimSpace(resp) != `{"error":"bad_signature"}` || l.Count("msg_2") != 0 {
		t.Fatalf("forged delivery: %d %q, processed %d", status, resp, l.Count("msg_2"))
	}

	status, resp = do(Delivery(t, url, Key, "msg_1", body))
	if status != 200 || strings.TrimSpace(resp) != `{"status":"duplicate"}` || l.Count("msg_1") != 1 {
		t.Fatalf("duplicate: %d %q, processed %d", status, resp, l.Count("msg_1"))
	}

	// A failing, then a panicking handler: each first run is released, so
	// the sender's retry is processed.
	for _, id := range []string{"msg_flaky", "msg_panic"} {
		status, _ = do(Delivery(t, url, Key, id, body))
		if status != 500 || l.Count(id) != 0 {
			t.Fatalf("%s, first run: %d, processed %d", id, status, l.Count(id))
		}
		status, resp = do(Delivery(t, url, Key, id, body))
		if status != 200 || l.Count(id) != 1 {
			t.Fatalf("%s, the retry: %d %q, processed %d", id, status, resp, l.Count(id))
		}
	}

	// The Observer of a Guard made by Ledger.Guard heard every outcome.
	want := []string{
		"accepted/completed/200", "bad_signature//401", "duplicate//200",
		"accepted/released/500", "accepted/completed/200",
		"accepted/panicked/500", "accepted/completed/200",
	}
	l.mu.Lock()
	observed := fmt.Sprint(l.observed)
	l.mu.Unlock()
	if observed != fmt.Sprint(want) {
		t.Fatalf("observed %s, want %s", observed, want)
	}
}
