package frameworks

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

var (
	testKey   = []byte("frameworks-test-key-0123456789ab")
	forgedKey = []byte("not-the-key-not-the-key-not-the!")
)

// newGuard returns a Guard for Standard Webhooks with testKey as "k1".
func newGuard(t *testing.T) *middleware.Guard {
	t.Helper()
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	g, err := middleware.New(middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: keys})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// delivery returns a POST /webhooks request for event id signed with key.
func delivery(t *testing.T, key []byte, id, body string) *http.Request {
	t.Helper()
	keys, err := hmac.NewKeyring(hmac.Secret{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/webhooks", bytes.NewReader([]byte(body)))
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

// ledger is what the framework's handler records: events processed
// successfully, and the event and body it saw.
type ledger struct {
	mu        sync.Mutex
	processed map[string]int
	failed    map[string]bool
	lastEvent middleware.Event
	lastBody  string
}

func newLedger() *ledger {
	return &ledger{processed: map[string]int{}, failed: map[string]bool{}}
}

// handle records one handler run and reports whether the handler should
// fail this time: the event "msg_flaky" fails on its first run.
func (l *ledger) handle(ev middleware.Event, ok bool, body []byte) (fail bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !ok {
		panic("handler ran without a verified event")
	}
	l.lastEvent, l.lastBody = ev, string(body)
	if ev.ID == "msg_flaky" && !l.failed[ev.ID] {
		l.failed[ev.ID] = true
		return true
	}
	l.processed[ev.ID]++
	return false
}

func (l *ledger) count(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.processed[id]
}

// checkAdapter proves, through do (one request through the framework), that
// a signed delivery passes with the event and body intact, a forged one is
// refused, a duplicate is not processed twice, and a handler failure is
// seen by the Guard (released, so the retry is processed).
func checkAdapter(t *testing.T, l *ledger, do func(*http.Request) (int, string)) {
	t.Helper()
	const body = `{"type":"invoice.paid","amount":4200}`

	status, resp := do(delivery(t, testKey, "msg_1", body))
	if status != 200 || l.count("msg_1") != 1 {
		t.Fatalf("signed delivery: %d %q, processed %d", status, resp, l.count("msg_1"))
	}
	if l.lastEvent.ID != "msg_1" || l.lastEvent.SecretID != "k1" || l.lastEvent.Scheme != "standard-webhooks" || l.lastBody != body {
		t.Fatalf("handler saw event %+v, body %q", l.lastEvent, l.lastBody)
	}

	status, resp = do(delivery(t, forgedKey, "msg_2", body))
	if status != 401 || strings.TrimSpace(resp) != `{"error":"bad_signature"}` || l.count("msg_2") != 0 {
		t.Fatalf("forged delivery: %d %q, processed %d", status, resp, l.count("msg_2"))
	}

	status, resp = do(delivery(t, testKey, "msg_1", body))
	if status != 200 || strings.TrimSpace(resp) != `{"status":"duplicate"}` || l.count("msg_1") != 1 {
		t.Fatalf("duplicate: %d %q, processed %d", status, resp, l.count("msg_1"))
	}

	status, _ = do(delivery(t, testKey, "msg_flaky", body))
	if status != 500 || l.count("msg_flaky") != 0 {
		t.Fatalf("failing handler: %d, processed %d", status, l.count("msg_flaky"))
	}
	status, resp = do(delivery(t, testKey, "msg_flaky", body))
	if status != 200 || l.count("msg_flaky") != 1 {
		t.Fatalf("retry after a failure: %d %q, processed %d", status, resp, l.count("msg_flaky"))
	}
}
