package middleware

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/internal/fakeclock"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// testNow is the fixed clock of the tests: no test waits for time.
var testNow = time.Unix(1_700_000_000, 0).UTC()

var testKey = []byte("0123456789abcdef0123456789abcdef")

func testKeyring(t testing.TB) *hmac.Keyring {
	t.Helper()
	k, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: testKey})
	require.NoError(t, err)
	return k
}

// newTestGuard builds a Standard Webhooks Guard on the fixed clock.
func newTestGuard(t testing.TB, mutate ...func(*Config)) *Guard {
	t.Helper()
	c := Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: testKeyring(t),
		Now:     func() time.Time { return testNow },
	}
	for _, m := range mutate {
		m(&c)
	}
	g, err := New(c)
	require.NoError(t, err)
	return g
}

// signedRequest returns a POST signed with testKey at ts.
func signedRequest(t testing.TB, id string, ts time.Time, body []byte) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
	r.RemoteAddr = "192.0.2.10:40000"
	s := hmac.NewSigner(hmac.StandardWebhooks, testKeyring(t))
	require.NoError(t, s.Sign(r.Header, id, ts, body))
	return r
}

// counter is a handler that counts calls per event ID and answers status.
type counter struct {
	mu     sync.Mutex
	calls  map[string]int
	total  atomic.Int64
	status int
	body   []byte
	event  Event
}

func newCounter() *counter { return &counter{calls: map[string]int{}, status: http.StatusOK} }

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, ok := EventFrom(r.Context())
	if !ok {
		http.Error(w, "no event", http.StatusInternalServerError)
		return
	}
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.calls[ev.ID]++
	c.body = b
	c.event = ev
	c.mu.Unlock()
	c.total.Add(1)
	w.WriteHeader(c.status)
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// reasonOf returns the reason code of a Guard response body.
func reasonOf(w *httptest.ResponseRecorder) string {
	b := w.Body.String()
	for _, p := range []string{`{"error":"`, `{"status":"`} {
		if len(b) > len(p) && b[:len(p)] == p {
			if i := bytes.IndexByte([]byte(b[len(p):]), '"'); i >= 0 {
				return b[len(p) : len(p)+i]
			}
		}
	}
	return ""
}

// failingStore is a replay.Store that always fails.
type failingStore struct{ claims atomic.Int64 }

var errStoreDown = errors.New("store down")

func (f *failingStore) Claim(context.Context, string, time.Duration) (replay.State, error) {
	f.claims.Add(1)
	return replay.Fresh, errStoreDown
}
func (f *failingStore) Complete(context.Context, string, time.Duration) error { return errStoreDown }
func (f *failingStore) Release(context.Context, string) error                 { return errStoreDown }

// seconds parses a Retry-After value.
func seconds(t testing.TB, v string) int {
	t.Helper()
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "Retry-After %q", v)
	return n
}

// clockedCheck returns a Guard whose own clock and memory replay store share
// one fake clock, started at testNow, that clock, and a builder of the same
// signed delivery of event id for Guard.Check: leases and Keep then move
// only when the test advances the clock.
func clockedCheck(t *testing.T, id string) (*Guard, *fakeclock.Clock, func() Request) {
	t.Helper()
	clock := fakeclock.New(testNow)
	store := replay.NewMemoryWithOptions(replay.MemoryOptions{Now: clock.Now})
	g := newTestGuard(t, func(c *Config) { c.Replay = store; c.Now = clock.Now })
	body := []byte(`{}`)
	return g, clock, func() Request {
		return Request{RemoteAddr: "192.0.2.1:1", Header: signedHeaders(t, id, body), Body: body}
	}
}

// mustLimiter returns a memory rate limiter or fails the test.
func mustLimiter(tb testing.TB, r rate.Limit, burst, maxKeys int) *ratelimit.Memory {
	tb.Helper()
	l, err := ratelimit.NewMemory(r, burst, maxKeys)
	require.NoError(tb, err)
	return l
}
