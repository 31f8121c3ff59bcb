package middleware

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

func TestNewValidates(t *testing.T) {
	k := testKeyring(t)
	tests := []struct {
		name string
		c    Config
	}{
		{"no scheme", Config{Keyring: k}},
		{"no keyring", Config{Scheme: hmac.Stripe}},
		{"negative MaxBody", Config{Scheme: hmac.Stripe, Keyring: k, MaxBody: -1}},
		{"negative Lease", Config{Scheme: hmac.Stripe, Keyring: k, Lease: -time.Second}},
		{"negative Keep", Config{Scheme: hmac.Stripe, Keyring: k, Keep: -time.Second}},
		{"negative RetryAfter", Config{Scheme: hmac.Stripe, Keyring: k, RetryAfter: -time.Second}},
		{"keep shorter than window", Config{Scheme: hmac.Stripe, Keyring: k, Keep: 5 * time.Minute}},
		{"keep shorter than wide window", Config{Scheme: hmac.Stripe, Keyring: k, Window: replay.Window{Past: 80 * time.Hour}}},
		{"lease longer than keep", Config{Scheme: hmac.Stripe, Keyring: k, Lease: time.Hour, Keep: 30 * time.Minute}},
		{"bad client IP header", Config{Scheme: hmac.Stripe, Keyring: k, ClientIPHeader: "X Bad"}},
		{"allow list of a whole family", Config{Scheme: hmac.Stripe, Keyring: k, Allow: ipallow.MustParse("0.0.0.0/1, 128.0.0.0/1")}},
		{"trusted proxies of a whole family", Config{Scheme: hmac.Stripe, Keyring: k, TrustedProxies: ipallow.MustParse("::/1, 8000::/1")}},
		{"Authenticator and Scheme", Config{Scheme: hmac.Stripe, Keyring: k, Authenticator: hmac.NewVerifier(hmac.Stripe, k)}},
		{"bad PublicURL", Config{Scheme: hmac.Twilio, Keyring: k, PublicURL: "ftp://x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.c)
			require.Error(t, err)
			assert.Nil(t, g)
			assert.Contains(t, err.Error(), "middleware: invalid Config")
		})
	}

	g, err := New(Config{Scheme: hmac.Stripe, Keyring: k})
	require.NoError(t, err)
	assert.Equal(t, int64(DefaultMaxBody), g.MaxBody())
	assert.Equal(t, replay.DefaultLease, g.cfg.Lease)
	assert.Equal(t, replay.DefaultKeep, g.cfg.Keep)
	assert.Equal(t, "stripe", g.cfg.Source)
	assert.NotNil(t, g.cfg.Replay)
}

// TestStatuses runs every status path end to end through httptest.
func TestStatuses(t *testing.T) {
	body := []byte(`{"type":"ping"}`)
	type tc struct {
		name    string
		cfg     func(*Config)
		prepare func(t *testing.T, g *Guard, r *http.Request) // before the request
		req     func(t *testing.T) *http.Request
		status  int
		reason  string
		handler bool
		check   func(t *testing.T, w http.Header)
	}
	ok := func(t *testing.T) *http.Request { return signedRequest(t, "msg_1", testNow, body) }
	tests := []tc{
		{name: "accepted", req: ok, status: 200, handler: true},
		{name: "bad signature", req: func(t *testing.T) *http.Request {
			r := ok(t)
			r.Header.Set("Webhook-Signature", "v1,"+strings.Repeat("A", 43)+"=")
			return r
		}, status: 401, reason: "bad_signature"},
		{name: "wrong secret", req: func(t *testing.T) *http.Request {
			r := ok(t)
			k, err := hmac.NewKeyring(hmac.Secret{ID: "other", Key: []byte("another-secret-of-32-bytes-long!")})
			require.NoError(t, err)
			require.NoError(t, hmac.NewSigner(hmac.StandardWebhooks, k).Sign(r.Header, "msg_1", testNow, body))
			return r
		}, status: 401, reason: "bad_signature"},
		{name: "stale", req: func(t *testing.T) *http.Request {
			return signedRequest(t, "msg_1", testNow.Add(-6*time.Minute), body)
		}, status: 401, reason: "stale"},
		{name: "future", req: func(t *testing.T) *http.Request {
			return signedRequest(t, "msg_1", testNow.Add(6*time.Minute), body)
		}, status: 401, reason: "future"},
		{name: "malformed", req: func(t *testing.T) *http.Request {
			r := ok(t)
			r.Header.Set("Webhook-Timestamp", "abc")
			return r
		}, status: 400, reason: "malformed"},
		{name: "missing header", req: func(t *testing.T) *http.Request {
			r := ok(t)
			r.Header.Del("Webhook-Signature")
			return r
		}, status: 400, reason: "missing_header"},
		{name: "too large", cfg: func(c *Config) { c.MaxBody = 8 }, req: ok, status: 413, reason: "too_large",
			check: func(t *testing.T, h http.Header) { assert.Equal(t, "close", h.Get("Connection")) }},
		{name: "not allowed", cfg: func(c *Config) { c.Allow = ipallow.MustParse("203.0.113.0/24") }, req: ok, status: 403, reason: "not_allowed"},
		{name: "allowed", cfg: func(c *Config) { c.Allow = ipallow.MustParse("192.0.2.0/24") }, req: ok, status: 200, handler: true},
		{name: "tls required direct", cfg: func(c *Config) { c.RequireTLS = true }, req: ok, status: 421, reason: "tls_required"},
		{name: "tls required proxy says http", cfg: func(c *Config) {
			c.RequireTLS = true
			c.TrustedProxies = ipallow.MustParse("192.0.2.0/24")
		}, req: func(t *testing.T) *http.Request {
			r := ok(t)
			r.Header.Set("X-Forwarded-Proto", "http")
			return r
		}, status: 403, reason: "tls_required"},
		{name: "tls from trusted proxy", cfg: func(c *Config) {
			c.RequireTLS = true
			c.TrustedProxies = ipallow.MustParse("192.0.2.0/24")
		}, req: func(t *testing.T) *http.Request {
			r := ok(t)
			r.Header.Set("X-Forwarded-Proto", "https")
			return r
		}, status: 200, handler: true},
		{name: "tls spoofed proto from untrusted peer", cfg: func(c *Config) {
			c.RequireTLS = true
			c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
		}, req: func(t *testing.T) *http.Request {
			r := ok(t)
			r.Header.Set("X-Forwarded-Proto", "https")
			return r
		}, status: 421, reason: "tls_required"},
		{name: "tls direct", cfg: func(c *Config) { c.RequireTLS = true }, req: func(t *testing.T) *http.Request {
			r := ok(t)
			r.TLS = &tls.ConnectionState{}
			return r
		}, status: 200, handler: true},
		{name: "rate limited", cfg: func(c *Config) { c.Limiter = mustLimiter(t, rate.Limit(0.001), 1, 100) },
			prepare: func(t *testing.T, g *Guard, r *http.Request) {
				_, err := g.cfg.Limiter.Take(context.Background(), ratelimit.IPKey(netip.MustParseAddr("192.0.2.10"), 0, 64))
				require.NoError(t, err)
			}, req: ok, status: 429, reason: "rate_limited",
			check: func(t *testing.T, h http.Header) {
				assert.GreaterOrEqual(t, seconds(t, h.Get("Retry-After")), 1)
				assert.NotEmpty(t, h.Get("RateLimit"))
				assert.NotEmpty(t, h.Get("RateLimit-Policy"))
			}},
		{name: "duplicate", prepare: func(t *testing.T, g *Guard, _ *http.Request) {
			k := replay.Key("standard-webhooks", "msg_1")
			_, err := g.cfg.Replay.Claim(context.Background(), k, time.Minute)
			require.NoError(t, err)
			require.NoError(t, g.cfg.Replay.Complete(context.Background(), k, time.Hour))
		}, req: ok, status: 200, reason: "duplicate"},
		{name: "in flight", prepare: func(t *testing.T, g *Guard, _ *http.Request) {
			_, err := g.cfg.Replay.Claim(context.Background(), replay.Key("standard-webhooks", "msg_1"), time.Minute)
			require.NoError(t, err)
		}, req: ok, status: 409, reason: "in_flight",
			check: func(t *testing.T, h http.Header) { assert.Equal(t, 60, seconds(t, h.Get("Retry-After"))) }},
		{name: "store unavailable", cfg: func(c *Config) { c.Replay = &failingStore{} }, req: ok, status: 503, reason: "store_unavailable",
			check: func(t *testing.T, h http.Header) { assert.Equal(t, 30, seconds(t, h.Get("Retry-After"))) }},
		{name: "store unavailable fail open", cfg: func(c *Config) { c.Replay = &failingStore{}; c.FailOpen = true }, req: ok, status: 200, handler: true},
		{name: "limiter unavailable", cfg: func(c *Config) { c.Limiter = failingLimiter{} }, req: ok, status: 503, reason: "store_unavailable",
			check: func(t *testing.T, h http.Header) { assert.Equal(t, "30", h.Get("Retry-After")) }},
		{name: "limiter unavailable fail open", cfg: func(c *Config) { c.Limiter = failingLimiter{}; c.FailOpen = true }, req: ok, status: 200, handler: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mut []func(*Config)
			if tt.cfg != nil {
				mut = append(mut, tt.cfg)
			}
			g := newTestGuard(t, mut...)
			h := newCounter()
			r := tt.req(t)
			if tt.prepare != nil {
				tt.prepare(t, g, r)
			}
			w := serve(g.Handler(h), r)
			assert.Equal(t, tt.status, w.Code)
			if tt.handler {
				assert.EqualValues(t, 1, h.total.Load(), "handler calls")
				assert.Equal(t, body, h.body, "body restored for the handler")
			} else {
				assert.EqualValues(t, 0, h.total.Load(), "handler must not run")
				assert.Equal(t, tt.reason, reasonOf(w), "body %q", w.Body.String())
				assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			}
			if tt.check != nil {
				tt.check(t, w.Header())
			}
		})
	}
}

type failingLimiter struct{}

func (failingLimiter) Take(context.Context, string) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errors.New("limiter down")
}

func TestEventFrom(t *testing.T) {
	g := newTestGuard(t)
	h := newCounter()
	r := signedRequest(t, "msg_ev", testNow.Add(-time.Minute), []byte(`{}`))
	r.RemoteAddr = "[::ffff:192.0.2.77]:5555"
	w := serve(g.Handler(h), r)
	require.Equal(t, 200, w.Code)
	assert.Equal(t, Event{
		Scheme:    "standard-webhooks",
		ID:        "msg_ev",
		Key:       replay.Key("standard-webhooks", "msg_ev"),
		Timestamp: testNow.Add(-time.Minute),
		SecretID:  "k1",
		ClientIP:  netip.MustParseAddr("192.0.2.77"),
	}, h.event)

	_, ok := EventFrom(context.Background())
	assert.False(t, ok)
}

// TestClientIPPerDelivery: deliveries alternating between peers, one of
// them not allowed and one unparsable, each get their own client IP and
// verdict.
func TestClientIPPerDelivery(t *testing.T) {
	g := newTestGuard(t, func(c *Config) { c.Allow = ipallow.MustParse("192.0.2.0/24") })
	h := newCounter()
	handler := g.Handler(h)
	for i, c := range []struct {
		remote string
		code   int
		want   string // ClientIP seen by the handler
	}{
		{"192.0.2.10:1", 200, "192.0.2.10"},
		{"192.0.2.10:1", 200, "192.0.2.10"},
		{"198.51.100.1:1", 403, ""},
		{"192.0.2.11:2", 200, "192.0.2.11"},
		{"not an address", 403, ""},
		{"192.0.2.11:2", 200, "192.0.2.11"},
		{"198.51.100.1:1", 403, ""},
		{"[::ffff:192.0.2.12]:3", 200, "192.0.2.12"},
	} {
		r := signedRequest(t, fmt.Sprintf("msg_peer_%d", i), testNow, []byte(`{}`))
		r.RemoteAddr = c.remote
		h.event = Event{}
		w := serve(handler, r)
		require.Equal(t, c.code, w.Code, "delivery %d from %s", i, c.remote)
		if c.want != "" {
			assert.Equal(t, netip.MustParseAddr(c.want), h.event.ClientIP, "delivery %d", i)
		}
	}
}

// TestRetryAfterFailure: a handler failing with 500 releases the claim; the
// sender's retry is processed; a third delivery is a duplicate.
func TestRetryAfterFailure(t *testing.T) {
	g := newTestGuard(t)
	h := newCounter()
	h.status = http.StatusInternalServerError
	handler := g.Handler(h)
	body := []byte(`{"n":1}`)

	w := serve(handler, signedRequest(t, "msg_retry", testNow, body))
	assert.Equal(t, 500, w.Code)
	h.status = http.StatusNoContent
	w = serve(handler, signedRequest(t, "msg_retry", testNow, body))
	assert.Equal(t, 204, w.Code)
	w = serve(handler, signedRequest(t, "msg_retry", testNow, body))
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "duplicate", reasonOf(w))
	assert.Equal(t, 2, h.calls["msg_retry"])
}

func TestDenyHandler(t *testing.T) {
	g := newTestGuard(t, func(c *Config) { c.Replay = &failingStore{} })
	var got Denial
	g.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := DenialFrom(r.Context())
		require.True(t, ok)
		got = d
		w.WriteHeader(d.Status)
		_, _ = w.Write([]byte("nope"))
	}))
	w := serve(g.Handler(newCounter()), signedRequest(t, "m", testNow, nil))
	assert.Equal(t, 503, w.Code)
	assert.Equal(t, "nope", w.Body.String())
	assert.Equal(t, "30", w.Header().Get("Retry-After"))
	assert.Equal(t, Denial{Reason: ReasonStoreUnavailable, Status: 503, RetryAfter: 30 * time.Second}, got)

	g.SetDenyHandler(nil)
	w = serve(g.Handler(newCounter()), signedRequest(t, "m", testNow, nil))
	assert.Equal(t, "store_unavailable", reasonOf(w))
}

func TestAllowHolderWhileServing(t *testing.T) {
	allow := ipallow.NewHolder(ipallow.MustParse("203.0.113.0/24"))
	g := newTestGuard(t, func(c *Config) { c.Allow = allow })
	h := g.Handler(newCounter())
	assert.Equal(t, 403, serve(h, signedRequest(t, "a", testNow, nil)).Code)
	allow.Store(ipallow.MustParse("192.0.2.0/24, 2001:db8::/32"))
	assert.Equal(t, 200, serve(h, signedRequest(t, "a", testNow, nil)).Code)
	allow.Store(nil)
	assert.Equal(t, 200, serve(h, signedRequest(t, "b", testNow, nil)).Code)
}

func TestObserverAndLogger(t *testing.T) {
	var obs []Observation
	var logs strings.Builder
	g := newTestGuard(t, func(c *Config) {
		c.Observer = func(_ context.Context, o Observation) { obs = append(obs, o) }
		c.Logger = newTestLogger(&logs)
	})
	h := g.Handler(newCounter())
	good := signedRequest(t, "msg_obs", testNow, []byte(`{}`))
	sig := good.Header.Get("Webhook-Signature")
	serve(h, good)
	serve(h, signedRequest(t, "msg_obs", testNow, []byte(`{}`)))
	bad := signedRequest(t, "msg_obs2", testNow, []byte(`{}`))
	bad.Header.Set("Webhook-Signature", "v1,"+strings.Repeat("A", 43)+"=")
	serve(h, bad)

	require.Len(t, obs, 3)
	assert.Equal(t, ReasonAccepted, obs[0].Reason)
	assert.Equal(t, "k1", obs[0].Event.SecretID)
	assert.Equal(t, ReasonDuplicate, obs[1].Reason)
	assert.Equal(t, ReasonBadSignature, obs[2].Reason)
	assert.Equal(t, 401, obs[2].Status)
	assert.ErrorIs(t, obs[2].Err, hmac.ErrMismatch)

	out := logs.String()
	assert.Contains(t, out, "reason=bad_signature")
	assert.Contains(t, out, "client_ip=192.0.2.10")
	assert.Contains(t, out, "event_id=msg_obs")
	assert.NotContains(t, out, sig[3:20], "signature in the logs")
	assert.NotContains(t, out, "AAAAAAAA", "signature in the logs")
	assert.NotContains(t, out, string(testKey))
}

// TestMutatorsWhileServing: an allow-list Holder and SetDenyHandler race
// with requests (run with -race).
func TestMutatorsWhileServing(t *testing.T) {
	allow := ipallow.NewHolder(nil)
	g := newTestGuard(t, func(c *Config) { c.Allow = allow })
	handler := g.Handler(newCounter())
	signer := hmac.NewSigner(hmac.StandardWebhooks, testKeyring(t))
	lists := []*ipallow.List{nil, ipallow.MustParse("192.0.2.0/24"), ipallow.MustParse("203.0.113.0/24")}
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			allow.Store(lists[i%len(lists)])
			if i%2 == 0 {
				g.SetDenyHandler(deny)
			} else {
				g.SetDenyHandler(nil)
			}
		}
	}()
	for i := range 200 {
		body := []byte(`{}`)
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.RemoteAddr = "192.0.2.10:1"
		require.NoError(t, signer.Sign(r.Header, fmt.Sprintf("m%d", i), testNow, body))
		w := serve(handler, r)
		switch w.Code {
		case 200, 403, http.StatusTeapot:
		default:
			t.Fatalf("status %d", w.Code)
		}
	}
	<-done
}
