package middleware

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	stdhmac "crypto/hmac"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// TestObserverSeesOutcome: the Observer hears every delivery exactly once,
// accepted ones after the handler, with what became of them.
func TestObserverSeesOutcome(t *testing.T) {
	var mu sync.Mutex
	var obs []Observation
	g := newTestGuard(t, func(c *Config) {
		c.Observer = func(_ context.Context, o Observation) {
			mu.Lock()
			obs = append(obs, o)
			mu.Unlock()
		}
	})
	status := 204
	handler := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status == 0 {
			panic("handler bug")
		}
		w.WriteHeader(status)
	}))
	deliver := func(id string) {
		defer func() { _ = recover() }()
		serve(handler, signedRequest(t, id, testNow, []byte(`{}`)))
	}
	deliver("ok")
	deliver("ok") // duplicate
	status = 500
	deliver("fails")
	status = 0
	deliver("panics")

	require.Len(t, obs, 4)
	want := []struct {
		reason  Reason
		status  int
		outcome Outcome
	}{
		{ReasonAccepted, 204, OutcomeCompleted},
		{ReasonDuplicate, 200, OutcomeNone},
		{ReasonAccepted, 500, OutcomeReleased},
		{ReasonAccepted, 500, OutcomePanicked},
	}
	for i, w := range want {
		o := obs[i]
		assert.Equal(t, w.reason, o.Reason, i)
		assert.Equal(t, w.status, o.Status, i)
		assert.Equal(t, w.outcome, o.Outcome, i)
		assert.False(t, o.Start.IsZero(), i)
		assert.GreaterOrEqual(t, o.Total, o.Handler+o.Verify+o.Claim, i)
	}
	// The failed and panicked events were released: their retries run.
	status = 204
	deliver("fails")
	deliver("panics")
	require.Len(t, obs, 6)
	assert.Equal(t, OutcomeCompleted, obs[4].Outcome)
	assert.Equal(t, OutcomeCompleted, obs[5].Outcome)
}

// TestCheckObservesOnce: on the framework path a refusal is observed by
// Check, an accepted delivery by Done or Panicked, once.
func TestCheckObservesOnce(t *testing.T) {
	var obs []Observation
	g := newTestGuard(t, func(c *Config) {
		c.Observer = func(_ context.Context, o Observation) { obs = append(obs, o) }
	})
	body := []byte(`{}`)
	req := func(id string) Request {
		return Request{RemoteAddr: "192.0.2.1:1", Header: signedHeaders(t, id, body), Body: body}
	}
	v := g.Check(context.Background(), req("a"))
	require.True(t, v.Proceed())
	assert.Empty(t, obs, "an accepted delivery is observed after its handler")
	require.NoError(t, v.Done(202))
	require.NoError(t, v.Done(500))
	v = g.Check(context.Background(), req("b"))
	require.NoError(t, v.Panicked())
	g.Check(context.Background(), req("a"))
	require.Len(t, obs, 3)
	assert.Equal(t, OutcomeCompleted, obs[0].Outcome)
	assert.Equal(t, 202, obs[0].Status)
	assert.Equal(t, OutcomePanicked, obs[1].Outcome)
	assert.Equal(t, ReasonDuplicate, obs[2].Reason)
}

type ctxKey string

// kept is a context user code kept, and the value it answered then.
type kept struct {
	ctx context.Context
	n   any
}

func keep(ctx context.Context) kept { return kept{ctx, ctx.Value(ctxKey("n"))} }

// keepingStore keeps every context it was given.
type keepingStore struct {
	replay.Store
	mu   sync.Mutex
	ctxs []kept
}

func (s *keepingStore) keep(ctx context.Context) {
	s.mu.Lock()
	s.ctxs = append(s.ctxs, keep(ctx))
	s.mu.Unlock()
}

func (s *keepingStore) Claim(ctx context.Context, key string, lease time.Duration) (replay.State, error) {
	s.keep(ctx)
	return s.Store.Claim(ctx, key, lease)
}

func (s *keepingStore) Complete(ctx context.Context, key string, keep time.Duration) error {
	s.keep(ctx)
	return s.Store.Complete(ctx, key, keep)
}

func (s *keepingStore) Release(ctx context.Context, key string) error {
	s.keep(ctx)
	return s.Store.Release(ctx, key)
}

// TestNothingRecycledReachesUserCode: contexts handed to a store, the
// Observer and a deny handler keep answering their own request's values
// after many later requests.
func TestNothingRecycledReachesUserCode(t *testing.T) {
	store := &keepingStore{Store: replay.NewMemory(0)}
	var observed, denied []kept
	g := newTestGuard(t, func(c *Config) {
		c.Replay = store
		c.Observer = func(ctx context.Context, _ Observation) { observed = append(observed, keep(ctx)) }
	})
	g.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		denied = append(denied, keep(r.Context()))
		d, ok := DenialFrom(r.Context())
		if !ok || d.Reason != ReasonBadSignature {
			t.Errorf("deny handler: %+v, %v", d, ok)
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	handler := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Fail") != "" {
			w.WriteHeader(500)
		}
	}))
	const n = 50
	for i := range n {
		r := signedRequest(t, "id-"+string(rune('a'+i%26))+string(rune('a'+i/26)), testNow, []byte(`{}`))
		if i%3 == 0 {
			r.Header.Set("X-Fail", "1")
		}
		if i%5 == 0 {
			r.Header.Set("Webhook-Signature", "v1,"+strings.Repeat("A", 43)+"=") // refused
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey("n"), i))
		serve(handler, r)
	}
	// Every kept context still answers its own request's value: none was
	// reused for a later request.
	check := func(what string, ctxs []kept) {
		require.NotEmpty(t, ctxs, what)
		for _, k := range ctxs {
			require.NotNil(t, k.n, "%s: a context without its request's value", what)
			require.Equal(t, k.n, k.ctx.Value(ctxKey("n")), "%s: a kept context now answers another request's value", what)
		}
	}
	check("store", store.ctxs)
	check("observer", observed)
	check("deny handler", denied)
}

// TestRequireTLSForwardedQuoting: the protocol is read with the RFC 7239
// parser, only from the configured header family.
func TestRequireTLSForwardedQuoting(t *testing.T) {
	tests := []struct {
		name   string
		header string // ClientIPHeader
		set    map[string]string
		want   int
	}{
		{"quoted proto inside host", "Forwarded", map[string]string{"Forwarded": `for=192.0.2.10;host="x;proto=https";proto=http`}, 403},
		{"comma inside quoted host", "Forwarded", map[string]string{"Forwarded": `for=192.0.2.10;proto=https;host="a,b"`}, 200},
		{"X-Forwarded-Proto ignored with Forwarded", "Forwarded", map[string]string{"Forwarded": `for=192.0.2.10`, "X-Forwarded-Proto": "https"}, 403},
		{"Forwarded ignored with X-Forwarded-For", "X-Forwarded-For", map[string]string{"X-Forwarded-For": "192.0.2.10", "Forwarded": `for=192.0.2.10;proto=https`}, 403},
		{"X-Forwarded-Proto with X-Forwarded-For", "X-Forwarded-For", map[string]string{"X-Forwarded-For": "192.0.2.10", "X-Forwarded-Proto": "https"}, 200},
		{"trusted proxy reports nothing", "X-Forwarded-For", map[string]string{"X-Forwarded-For": "192.0.2.10"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGuard(t, func(c *Config) {
				c.RequireTLS = true
				c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
				c.ClientIPHeader = tt.header
			})
			// RemoteAddr with and without its port: the same peer.
			for _, peer := range []string{"10.0.0.1:443", "10.0.0.1"} {
				r := signedRequest(t, "tls", testNow, []byte(`{}`))
				r.RemoteAddr = peer
				for k, v := range tt.set {
					r.Header.Set(k, v)
				}
				w := serve(g.Handler(newCounter()), r)
				assert.Equal(t, tt.want, w.Code, "peer %s: %s", peer, w.Body.String())
			}
		})
	}
}

// TestLogsSayWhy: a refusal's record carries the error's text.
func TestLogsSayWhy(t *testing.T) {
	var logs strings.Builder
	g := newTestGuard(t, func(c *Config) { c.Logger = newTestLogger(&logs) })
	r := signedRequest(t, "why", testNow, []byte(`{}`))
	r.Header.Set("Webhook-Timestamp", "1700000000000000000000")
	serve(g.Handler(newCounter()), r)
	assert.Contains(t, logs.String(), "reason=malformed")
	assert.Regexp(t, `error="[^"]*timestamp[^"]*"`, logs.String())
}

// TestLogsLeakNothing drives every refusal path and checks that neither the
// logs nor the Observer's errors hold the secret, a signature sent, or the
// MAC the Guard expected.
func TestLogsLeakNothing(t *testing.T) {
	var logs bytes.Buffer
	var errs []string
	store := &flakyStore{Store: replay.NewMemory(0)}
	limiter, err := ratelimit.NewMemoryWithOptions(ratelimit.MemoryOptions{Rate: rate.Limit(0.001), Burst: 3, MaxKeys: 100})
	require.NoError(t, err)
	g := newTestGuard(t, func(c *Config) {
		c.Logger = newTestLogger(&logs)
		c.Observer = func(_ context.Context, o Observation) {
			if o.Err != nil {
				errs = append(errs, o.Err.Error())
			}
		}
		c.MaxBody = 64
		c.Replay = store
		c.Limiter = limiter
		c.Allow = ipallow.MustParse("192.0.2.0/24")
	})
	handler := g.Handler(newCounter())
	body := []byte(`{"n":1}`)
	mac := stdhmac.New(sha256.New, testKey)
	var forbidden []string
	deliver := func(remote string, edit func(h http.Header)) {
		r := signedRequest(t, "msg_leak", testNow, body)
		r.RemoteAddr = remote
		// The MAC the Guard expects for this exact content.
		mac.Reset()
		mac.Write([]byte("msg_leak." + r.Header.Get("Webhook-Timestamp") + "."))
		mac.Write(body)
		sum := mac.Sum(nil)
		forbidden = append(forbidden, base64.StdEncoding.EncodeToString(sum), hex.EncodeToString(sum))
		if edit != nil {
			edit(r.Header)
		}
		if s := r.Header.Get("Webhook-Signature"); len(s) > 8 {
			forbidden = append(forbidden, s[3:])
		}
		serve(handler, r)
	}
	wrong := func(h http.Header) {
		h.Set("Webhook-Signature", "v1,"+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	}
	deliver("192.0.2.1:1", wrong)
	deliver("192.0.2.1:1", func(h http.Header) { h.Set("Webhook-Signature", "v1,"+strings.Repeat("Z", 10)) })
	deliver("192.0.2.1:1", func(h http.Header) { h.Set("Webhook-Signature", "v2,abc v1,%%%") })
	deliver("192.0.2.2:1", func(h http.Header) { h.Del("Webhook-Signature") })
	deliver("192.0.2.2:1", func(h http.Header) { h.Set("Webhook-Timestamp", "0123") })
	deliver("192.0.2.2:1", func(h http.Header) { h.Add("Webhook-Signature", h.Get("Webhook-Signature")) })
	deliver("192.0.2.3:1", func(h http.Header) { h.Set("Webhook-Id", "a.b") })
	deliver("203.0.113.9:1", nil) // not allowed
	store.fail = true
	deliver("192.0.2.4:1", nil) // store unavailable
	store.fail = false
	deliver("192.0.2.4:1", nil)
	deliver("192.0.2.4:1", nil) // duplicate
	deliver("192.0.2.4:1", nil) // rate limited
	r := signedRequest(t, "big", testNow, bytes.Repeat([]byte("x"), 100))
	serve(handler, r)

	out := logs.String() + strings.Join(errs, "\n")
	for _, bad := range append(forbidden,
		string(testKey), base64.StdEncoding.EncodeToString(testKey), hex.EncodeToString(testKey)) {
		assert.NotContains(t, out, bad)
	}
	for _, reason := range []string{"bad_signature", "malformed", "missing_header", "not_allowed",
		"store_unavailable", "duplicate", "rate_limited", "too_large"} {
		assert.Contains(t, out, "reason="+reason)
	}
}

// flakyStore fails while fail is set.
type flakyStore struct {
	replay.Store
	fail bool
}

func (s *flakyStore) Claim(ctx context.Context, key string, lease time.Duration) (replay.State, error) {
	if s.fail {
		return 0, errors.New("connection refused")
	}
	return s.Store.Claim(ctx, key, lease)
}

// TestShortSecret: a secret under 16 bytes is refused with how to accept
// it; accepted explicitly, it verifies and New warns once.
func TestShortSecret(t *testing.T) {
	_, err := hmac.NewKeyring(hmac.Secret{ID: "gh", Key: []byte("typed-by-a-user")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AllowShort")
	assert.NotContains(t, err.Error(), "typed-by-a-user")

	k, err := hmac.NewKeyring(hmac.Secret{ID: "gh", Key: []byte("typed-by-a-user"), AllowShort: true})
	require.NoError(t, err)
	var logs strings.Builder
	g, err := New(Config{Scheme: hmac.GitHub, Keyring: k, Logger: newTestLogger(&logs), Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(logs.String(), "shorter than 16 bytes"))
	body := []byte(`{"zen":"short"}`)
	r := httptest.NewRequest(http.MethodPost, "/gh", bytes.NewReader(body))
	require.NoError(t, hmac.NewSigner(hmac.GitHub, k).Sign(r.Header, "d-1", testNow, body))
	assert.Equal(t, 200, serve(g.Handler(newCounter()), r).Code)
	assert.Equal(t, 1, strings.Count(logs.String(), "shorter than 16 bytes"), "warned once, not per delivery")
}
