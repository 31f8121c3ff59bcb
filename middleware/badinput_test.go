package middleware

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/replay"
)

// TestBadInput: every hostile or broken delivery gets its status and never
// reaches the handler.
func TestBadInput(t *testing.T) {
	body := []byte(`{"type":"invoice.paid"}`)
	ok := func(t *testing.T) *http.Request { return signedRequest(t, "msg_bad", testNow, body) }
	with := func(f func(r *http.Request)) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request { r := ok(t); f(r); return r }
	}
	rawTS := func(ts string) func(t *testing.T) *http.Request {
		// A timestamp header that cannot be signed by Sign: the signature is
		// recomputed by hand so only the timestamp syntax is wrong.
		return with(func(r *http.Request) { r.Header.Set("Webhook-Timestamp", ts) })
	}
	signedAt := func(ts time.Time) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request { return signedRequest(t, "msg_bad", ts, body) }
	}
	sig := func(t *testing.T) string { return ok(t).Header.Get("Webhook-Signature") }

	tests := []struct {
		name   string
		cfg    func(*Config)
		req    func(t *testing.T) *http.Request
		status int
		reason string
	}{
		{"missing id", nil, with(func(r *http.Request) { r.Header.Del("Webhook-Id") }), 400, "missing_header"},
		{"missing timestamp", nil, with(func(r *http.Request) { r.Header.Del("Webhook-Timestamp") }), 400, "missing_header"},
		{"missing signature", nil, with(func(r *http.Request) { r.Header.Del("Webhook-Signature") }), 400, "missing_header"},
		{"empty id", nil, with(func(r *http.Request) { r.Header.Set("Webhook-Id", "") }), 400, "missing_header"},
		{"empty timestamp", nil, with(func(r *http.Request) { r.Header.Set("Webhook-Timestamp", "") }), 400, "missing_header"},
		{"empty signature", nil, with(func(r *http.Request) { r.Header.Set("Webhook-Signature", "") }), 400, "missing_header"},
		{"duplicated signature", nil, with(func(r *http.Request) {
			r.Header.Add("Webhook-Signature", "v1,"+strings.Repeat("A", 43)+"=")
		}), 400, "malformed"},
		{"duplicated signature, forged first", nil, func(t *testing.T) *http.Request {
			r := ok(t)
			good := r.Header.Get("Webhook-Signature")
			r.Header["Webhook-Signature"] = []string{"v1," + strings.Repeat("A", 43) + "=", good}
			return r
		}, 400, "malformed"},
		{"duplicated id", nil, with(func(r *http.Request) { r.Header.Add("Webhook-Id", "msg_other") }), 400, "malformed"},
		{"duplicated timestamp", nil, with(func(r *http.Request) { r.Header.Add("Webhook-Timestamp", "1700000000") }), 400, "malformed"},
		{"oversized signature header", nil, with(func(r *http.Request) {
			r.Header.Set("Webhook-Signature", strings.Repeat("v1,"+strings.Repeat("A", 43)+"= ", 2000))
		}), 400, "malformed"},
		{"oversized id header", nil, with(func(r *http.Request) { r.Header.Set("Webhook-Id", strings.Repeat("x", 64<<10)) }), 400, "malformed"},
		{"non-numeric timestamp", nil, rawTS("tomorrow"), 400, "malformed"},
		{"plus-signed timestamp", nil, rawTS("+1700000000"), 400, "malformed"},
		{"minus-signed timestamp", nil, rawTS("-5"), 400, "malformed"},
		{"leading-zero timestamp", nil, rawTS("01700000000"), 400, "malformed"},
		{"huge timestamp", nil, rawTS("99999999999999999999999"), 400, "malformed"},
		{"fractional timestamp", nil, rawTS("1700000000.5"), 400, "malformed"},
		{"far-future timestamp", nil, signedAt(testNow.AddDate(100, 0, 0)), 401, "future"},
		{"just past the future bound", nil, signedAt(testNow.Add(5*time.Minute + time.Second)), 401, "future"},
		{"ancient timestamp", nil, signedAt(time.Unix(1, 0)), 401, "stale"},
		{"timestamp changed after signing", nil, rawTS("1700000001"), 401, "bad_signature"},
		{"truncated signature", nil, func(t *testing.T) *http.Request {
			r := ok(t)
			s := sig(t)
			r.Header.Set("Webhook-Signature", s[:len(s)-5])
			return r
		}, 400, "malformed"},
		{"unpadded signature", nil, func(t *testing.T) *http.Request {
			r := ok(t)
			r.Header.Set("Webhook-Signature", strings.TrimRight(sig(t), "="))
			return r
		}, 400, "malformed"},
		{"non-canonical signature", nil, func(t *testing.T) *http.Request {
			r := ok(t)
			s := []byte(sig(t))
			// The last data character carries 2 unused bits: setting one
			// decodes to the same MAC in a lax decoder.
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
			i := len(s) - 2
			s[i] = alphabet[strings.IndexByte(alphabet, s[i])^1]
			r.Header.Set("Webhook-Signature", string(s))
			return r
		}, 400, "malformed"},
		{"signature of another body", nil, func(t *testing.T) *http.Request {
			r := ok(t)
			r.Body = io.NopCloser(strings.NewReader(`{"type":"invoice.void"}`))
			r.ContentLength = -1
			return r
		}, 401, "bad_signature"},
		{"body one byte over the cap", func(c *Config) { c.MaxBody = int64(len(body)) - 1 }, ok, 413, "too_large"},
		{"body over the cap, no Content-Length", func(c *Config) { c.MaxBody = int64(len(body)) - 1 }, with(func(r *http.Request) {
			r.ContentLength = -1
			r.Body = io.NopCloser(bytes.NewReader(body))
		}), 413, "too_large"},
		{"Content-Length over the cap", func(c *Config) { c.MaxBody = 10 }, with(func(r *http.Request) {
			r.ContentLength = 1 << 40
		}), 413, "too_large"},
		{"spoofed X-Forwarded-For from an untrusted peer", func(c *Config) {
			c.Allow = ipallow.MustParse("203.0.113.0/24")
			c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
		}, with(func(r *http.Request) { r.Header.Set("X-Forwarded-For", "203.0.113.5") }), 403, "not_allowed"},
		{"garbage X-Forwarded-For from a trusted proxy", func(c *Config) {
			c.Allow = ipallow.MustParse("203.0.113.0/24")
			c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
		}, with(func(r *http.Request) {
			r.RemoteAddr = "10.1.2.3:443"
			r.Header.Set("X-Forwarded-For", "203.0.113.5, not-an-ip")
		}), 403, "not_allowed"},
		{"IPv4-mapped peer outside the list", func(c *Config) { c.Allow = ipallow.MustParse("203.0.113.0/24") },
			with(func(r *http.Request) { r.RemoteAddr = "[::ffff:192.0.2.10]:40000" }), 403, "not_allowed"},
		{"IPv6 peer outside an IPv4 list", func(c *Config) { c.Allow = ipallow.MustParse("192.0.2.10/32") },
			with(func(r *http.Request) { r.RemoteAddr = "[2001:db8::1]:40000" }), 403, "not_allowed"},
		{"unparsable RemoteAddr", func(c *Config) { c.Allow = ipallow.MustParse("192.0.2.0/24") },
			with(func(r *http.Request) { r.RemoteAddr = "somewhere" }), 403, "not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mut []func(*Config)
			if tt.cfg != nil {
				mut = append(mut, tt.cfg)
			}
			store := &countingStore{Store: replay.NewMemory(16)}
			mut = append(mut, func(c *Config) { c.Replay = store })
			g := newTestGuard(t, mut...)
			h := newCounter()
			w := serve(g.Handler(h), tt.req(t))
			assert.Equal(t, tt.status, w.Code, "body %q", w.Body.String())
			assert.Equal(t, tt.reason, reasonOf(w))
			assert.EqualValues(t, 0, h.total.Load(), "handler must not run")
			assert.EqualValues(t, 0, store.calls.Load(), "nothing stored for a refused delivery")
		})
	}
}

// TestGoodEdges are the positive controls of TestBadInput.
func TestGoodEdges(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1024)
	tests := []struct {
		name string
		cfg  func(*Config)
		req  func(t *testing.T) *http.Request
	}{
		{"body exactly at the cap", func(c *Config) { c.MaxBody = 1024 }, func(t *testing.T) *http.Request {
			return signedRequest(t, "m", testNow, body)
		}},
		{"body exactly at the cap, no Content-Length", func(c *Config) { c.MaxBody = 1024 }, func(t *testing.T) *http.Request {
			r := signedRequest(t, "m", testNow, body)
			r.ContentLength = -1
			r.Body = io.NopCloser(bytes.NewReader(body))
			return r
		}},
		{"window bounds included", nil, func(t *testing.T) *http.Request {
			return signedRequest(t, "m", testNow.Add(-5*time.Minute), body)
		}},
		{"IPv4-mapped peer inside the list", func(c *Config) { c.Allow = ipallow.MustParse("192.0.2.0/24") }, func(t *testing.T) *http.Request {
			r := signedRequest(t, "m", testNow, body)
			r.RemoteAddr = "[::ffff:192.0.2.10]:40000"
			return r
		}},
		{"forwarded by a trusted proxy", func(c *Config) {
			c.Allow = ipallow.MustParse("203.0.113.0/24")
			c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
		}, func(t *testing.T) *http.Request {
			r := signedRequest(t, "m", testNow, body)
			r.RemoteAddr = "10.1.2.3:443"
			r.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.5")
			return r
		}},
		{"IPv4-mapped address forwarded by a trusted proxy", func(c *Config) {
			c.Allow = ipallow.MustParse("203.0.113.0/24")
			c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
		}, func(t *testing.T) *http.Request {
			r := signedRequest(t, "m", testNow, body)
			r.RemoteAddr = "10.1.2.3:443"
			r.Header.Set("X-Forwarded-For", "::ffff:203.0.113.9")
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mut []func(*Config)
			if tt.cfg != nil {
				mut = append(mut, tt.cfg)
			}
			g := newTestGuard(t, mut...)
			h := newCounter()
			var cl int64
			w := serve(g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				cl = r.ContentLength
				h.ServeHTTP(w, r)
			})), tt.req(t))
			require.Equal(t, 200, w.Code, "body %q", w.Body.String())
			assert.EqualValues(t, 1, h.total.Load())
			assert.Equal(t, body, h.body)
			assert.Equal(t, int64(len(body)), cl, "ContentLength of the restored body")
		})
	}
}

// TestDefaultEventIDWithoutSignedID: a scheme whose ID header is not signed
// (GitHub) dedups by the ID and by the signed content: the sender's retry
// and a capture resent under a new delivery ID are duplicates, a new event
// is processed under its own ID.
func TestDefaultEventIDWithoutSignedID(t *testing.T) {
	k := testKeyring(t)
	g, err := New(Config{Scheme: hmac.GitHub, Keyring: k, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	h := newCounter()
	handler := g.Handler(h)
	send := func(delivery, body string) string {
		r := httptest.NewRequest(http.MethodPost, "/gh", strings.NewReader(body))
		require.NoError(t, hmac.NewSigner(hmac.GitHub, k).Sign(r.Header, delivery, testNow, []byte(body)))
		w := serve(handler, r)
		require.Equal(t, 200, w.Code)
		return reasonOf(w)
	}
	assert.Equal(t, "", send("d-1", `{"action":"opened"}`))
	assert.Equal(t, "duplicate", send("d-1", `{"action":"opened"}`), "the sender's retry")
	assert.Equal(t, "duplicate", send("d-2-forged", `{"action":"opened"}`), "a capture under a new ID")
	assert.Equal(t, "", send("d-3", `{"action":"closed"}`), "a new event")
	assert.Equal(t, map[string]int{"d-1": 1, "d-3": 1}, h.calls)
}

// TestDistinctEventsSameBody: with a custom format whose ID header is not
// signed but whose timestamp is, two distinct events with byte-identical
// bodies (a heartbeat, say) sent at different times are both processed; the
// same delivery resent under a new ID is still a duplicate.
func TestDistinctEventsSameBody(t *testing.T) {
	scheme, err := hmac.NewScheme(hmac.SchemeConfig{
		Name: "chekt", SignatureHeader: "X-Signature", TimestampHeader: "X-Timestamp",
		IDHeader: "X-Chekt-Event-Id", Template: "{timestamp}.{body}",
	})
	require.NoError(t, err)
	k := testKeyring(t)
	g, err := New(Config{Scheme: scheme, Keyring: k, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	h := newCounter()
	handler := g.Handler(h)
	body := []byte(`{"type":"heartbeat"}`)
	send := func(id string, ts time.Time) string {
		r := httptest.NewRequest(http.MethodPost, "/chekt", bytes.NewReader(body))
		require.NoError(t, hmac.NewSigner(scheme, k).Sign(r.Header, id, ts, body))
		w := serve(handler, r)
		require.Equal(t, 200, w.Code)
		return reasonOf(w)
	}
	assert.Equal(t, "", send("e-1", testNow.Add(-time.Minute)))
	assert.Equal(t, "", send("e-2", testNow), "a distinct event with the same body")
	assert.Equal(t, "duplicate", send("e-3", testNow), "e-2 resent under a new ID")
	assert.Equal(t, "duplicate", send("e-1", testNow.Add(-time.Minute)), "e-1's retry")
	assert.Equal(t, map[string]int{"e-1": 1, "e-2": 1}, h.calls)
}

// countingStore counts every call to the store it wraps.
type countingStore struct {
	replay.Store
	calls atomic.Int64
}

func (s *countingStore) Claim(ctx context.Context, key string, lease time.Duration) (replay.State, error) {
	s.calls.Add(1)
	return s.Store.Claim(ctx, key, lease)
}

func (s *countingStore) Complete(ctx context.Context, key string, keep time.Duration) error {
	s.calls.Add(1)
	return s.Store.Complete(ctx, key, keep)
}

func (s *countingStore) Release(ctx context.Context, key string) error {
	s.calls.Add(1)
	return s.Store.Release(ctx, key)
}
