package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// eventUpstream is the receiver behind serve -inbox in the binary tests. It
// counts, per event ID, the forwards it answered 2xx and those it failed,
// and can hang (accept a forward and never answer: the upstream timing
// out) or fail an event's first forward.
type eventUpstream struct {
	hang      atomic.Bool          // hold every forward until its sender goes away
	hung      chan struct{}        // one value per forward held
	failFirst func(id string) bool // answer 500 to the first forward of these

	mu       sync.Mutex
	ok       map[string]int
	failed   map[string]int
	attempts map[string][]int // Hookguard-Attempt of each 2xx forward
	headers  map[string]http.Header
	arrived  chan string // each event ID answered 2xx, as it is
}

func newEventUpstream() *eventUpstream {
	return &eventUpstream{
		ok: map[string]int{}, failed: map[string]int{}, attempts: map[string][]int{},
		headers: map[string]http.Header{}, arrived: make(chan string, 10_000), hung: make(chan struct{}, 10_000),
	}
}

func (u *eventUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	id := r.Header.Get(headerEventID)
	if u.hang.Load() {
		u.hung <- struct{}{}
		<-r.Context().Done() // serve timed out or was killed
		return
	}
	attempt, _ := strconv.Atoi(r.Header.Get(headerAttempt))
	u.mu.Lock()
	if u.failFirst != nil && u.failFirst(id) && u.failed[id] == 0 {
		u.failed[id]++
		u.mu.Unlock()
		http.Error(w, "upstream broke", http.StatusInternalServerError)
		return
	}
	u.ok[id]++
	u.attempts[id] = append(u.attempts[id], attempt)
	u.headers[id] = r.Header.Clone()
	u.mu.Unlock()
	u.arrived <- id
}

// waitAll waits until every event in ids was answered 2xx, failing after d.
func (u *eventUpstream) waitAll(t *testing.T, ids []string, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	u.mu.Lock()
	for id := range u.ok {
		delete(want, id)
	}
	u.mu.Unlock()
	timeout := time.After(d)
	for len(want) > 0 {
		select {
		case id := <-u.arrived:
			delete(want, id)
		case <-timeout:
			t.Fatalf("%d of %d events not forwarded within %v", len(want), len(ids), d)
		}
	}
	return time.Since(start)
}

// serveUpstream serves u on l until the test ends.
func serveUpstream(t *testing.T, l net.Listener, u http.Handler) {
	srv := &http.Server{Handler: u}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// freeAddr is a loopback address nothing listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// sendSigned posts a signed delivery of event id and returns the status,
// the status or error word of the JSON answer, and Retry-After.
func sendSigned(t *testing.T, client *http.Client, url, id string) (int, string, string) {
	t.Helper()
	req := signedDelivery(t, context.Background(), url, id, `{"event":"`+id+`"}`)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err.Error(), ""
	}
	defer resp.Body.Close()
	var b struct{ Status, Error string }
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &b)
	return resp.StatusCode, b.Status + b.Error, resp.Header.Get("Retry-After")
}

// inboxServeArgs are the flags of a serve -inbox process in these tests:
// short timeouts and backoff, so retries and rescues happen in seconds.
func inboxServeArgs(database, upstream string, extra ...string) []string {
	return append([]string{"serve", "-listen", "127.0.0.1:0", "-upstream", upstream,
		"-secret-env", "HG_NEW", "-inbox", database,
		"-upstream-timeout", "1s", "-inbox-rescue-after", "7s", "-inbox-backoff-max", "300ms",
	}, extra...)
}

// startInboxServe starts a serve -inbox binary and returns it with the URL
// it listens on.
func startInboxServe(t *testing.T, args []string) (*process, string) {
	t.Helper()
	p := startBinary(t, serveEnv(), args...)
	addr := p.waitFor(t, `serve: listening" addr=(\S+)`)[1]
	return p, "http://" + addr + "/hooks"
}

// sqliteDSN is an inbox database in a fresh temporary directory.
func sqliteDSN(t *testing.T) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "inbox.db")
}

// inboxBackend makes a fresh, empty inbox database of one kind.
type inboxBackend struct {
	name     string
	database func(t *testing.T) string
}

// inboxBackends are the inbox's databases: SQLite, and Postgres on the
// shared throwaway server.
var inboxBackends = []inboxBackend{
	{"sqlite", sqliteDSN},
	{"postgres", func(t *testing.T) string { return newDatabase(t, sharedPostgres(t)) }},
}

// eventIDs are n event IDs with a prefix.
func eventIDs(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = prefix + "_" + strconv.Itoa(i)
	}
	return ids
}
