package middleware

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	stdhmac "crypto/hmac"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/handshake"
	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/pubkey"
	"github.com/hookguard/hookguard/signature"
)

// TestPublicKeyScheme: a Guard on an Authenticator verifies Standard
// Webhooks v1a (Ed25519) deliveries end to end.
func TestPublicKeyScheme(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{1}, 64)))
	require.NoError(t, err)
	ring, err := pubkey.NewKeyring(pubkey.Key{ID: "pk1", Public: pub})
	require.NoError(t, err)
	g, err := New(Config{Authenticator: pubkey.NewVerifier(pubkey.StandardWebhooks, ring), Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	signer, err := pubkey.NewSigner(pubkey.StandardWebhooks, priv)
	require.NoError(t, err)
	h := newCounter()
	send := func(id, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		require.NoError(t, signer.Sign(r.Header, id, testNow, []byte(body)))
		return serve(g.Handler(h), r)
	}
	assert.Equal(t, 200, send("msg_pk", `{"a":1}`).Code)
	assert.Equal(t, "duplicate", reasonOf(send("msg_pk", `{"a":1}`)))
	assert.Equal(t, "pk1", h.event.SecretID)
	assert.Equal(t, "standard-webhooks-v1a", h.event.Scheme)

	r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(`{"a":2}`))
	require.NoError(t, signer.Sign(r.Header, "msg_forged", testNow, []byte(`{"a":1}`)))
	assert.Equal(t, 401, serve(g.Handler(h), r).Code)
	assert.EqualValues(t, 1, h.total.Load())
}

// twilioRequest signs a Twilio form POST for url with the Guard's test key.
func twilioRequest(t *testing.T, url, target string, form string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	require.NoError(t, hmac.NewSigner(hmac.Twilio, testKeyring(t)).SignURL(r.Header, http.MethodPost, url, "", testNow, []byte(form), testNow))
	return r
}

// TestURLScheme: Twilio signs the URL; the Guard checks the configured
// public URL, or the request's own URL as this server and its trusted
// proxies saw it, never a client's X-Forwarded-Host.
func TestURLScheme(t *testing.T) {
	const form = "CallSid=CA123&From=%2B15551234567"
	guard := func(mutate func(*Config)) *Guard {
		return newTestGuard(t, func(c *Config) {
			c.Scheme = hmac.Twilio
			c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
			if mutate != nil {
				mutate(c)
			}
		})
	}
	t.Run("public URL", func(t *testing.T) {
		g := guard(func(c *Config) { c.PublicURL = "https://hooks.example.com" })
		r := twilioRequest(t, "https://hooks.example.com/twilio/sms?x=1", "/twilio/sms?x=1", form)
		w := serve(g.Handler(newCounter()), r)
		assert.Equal(t, 200, w.Code, w.Body.String())
	})
	t.Run("from the request", func(t *testing.T) {
		g := guard(nil)
		r := twilioRequest(t, "http://example.com/twilio/sms", "http://example.com/twilio/sms", form)
		assert.Equal(t, 200, serve(g.Handler(newCounter()), r).Code)
	})
	t.Run("behind a trusted proxy", func(t *testing.T) {
		g := guard(nil)
		r := twilioRequest(t, "https://public.example.com/twilio/sms", "http://internal:8080/twilio/sms", form)
		r.RemoteAddr = "10.0.0.5:1234"
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "public.example.com")
		assert.Equal(t, 200, serve(g.Handler(newCounter()), r).Code)
	})
	t.Run("behind a trusted proxy given as a bare IP", func(t *testing.T) {
		g := guard(nil)
		r := twilioRequest(t, "https://public.example.com/twilio/sms", "http://internal:8080/twilio/sms", form)
		r.RemoteAddr = "10.0.0.5" // RemoteAddr may lack the port
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "public.example.com")
		assert.Equal(t, 200, serve(g.Handler(newCounter()), r).Code)
	})
	t.Run("trusted proxy's empty forwarded host refused", func(t *testing.T) {
		g := guard(nil)
		r := twilioRequest(t, "https://public.example.com/twilio/sms", "http://internal:8080/twilio/sms", form)
		r.RemoteAddr = "10.0.0.5:1234"
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "public.example.com, ")
		assert.Equal(t, 400, serve(g.Handler(newCounter()), r).Code)
	})
	t.Run("untrusted client's forwarding headers ignored", func(t *testing.T) {
		var logs strings.Builder
		g := guard(func(c *Config) { c.Logger = newTestLogger(&logs) })
		r := twilioRequest(t, "https://public.example.com/twilio/sms", "http://internal:8080/twilio/sms", form)
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "public.example.com")
		w := serve(g.Handler(newCounter()), r)
		assert.Equal(t, 401, w.Code)
		assert.Contains(t, logs.String(), "http://internal:8080/twilio/sms", "the error names the URL used")
	})
}

// TestHandshakes: each provider's handshake is answered by the Guard, never
// by the handler; a forged one is refused like a forged delivery.
func TestHandshakes(t *testing.T) {
	h := newCounter()
	t.Run("slack", func(t *testing.T) {
		g := newTestGuard(t, func(c *Config) { c.Scheme = hmac.Slack; c.Handshake = handshake.Slack{} })
		body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
		r := httptest.NewRequest(http.MethodPost, "/slack", bytes.NewReader(body))
		require.NoError(t, hmac.NewSigner(hmac.Slack, testKeyring(t)).Sign(r.Header, "", testNow, body))
		w := serve(g.Handler(h), r)
		assert.Equal(t, 200, w.Code)
		assert.Equal(t, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", w.Body.String())
		assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))

		r = httptest.NewRequest(http.MethodPost, "/slack", bytes.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", "1700000000")
		r.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
		w = serve(g.Handler(h), r)
		assert.Equal(t, 401, w.Code, "a forged handshake")
		assert.NotContains(t, w.Body.String(), "3eZbrw")
	})
	t.Run("zoom", func(t *testing.T) {
		k := testKeyring(t)
		scheme := hmac.Zoom
		g := newTestGuard(t, func(c *Config) { c.Scheme = scheme; c.Keyring = k; c.Handshake = handshake.Zoom{Keys: k} })
		body := []byte(`{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`)
		r := httptest.NewRequest(http.MethodPost, "/zoom", bytes.NewReader(body))
		require.NoError(t, hmac.NewSigner(scheme, k).Sign(r.Header, "", testNow, body))
		w := serve(g.Handler(h), r)
		require.Equal(t, 200, w.Code, w.Body.String())
		mac := stdhmac.New(sha256.New, testKey)
		mac.Write([]byte("qgg8vlvZRS6UYooatFL8Aw"))
		assert.JSONEq(t, `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"`+hex.EncodeToString(mac.Sum(nil))+`"}`, w.Body.String())
	})
	t.Run("meta", func(t *testing.T) {
		g := newTestGuard(t, func(c *Config) { c.Scheme = hmac.Meta; c.Handshake = handshake.Meta{VerifyToken: "meta-verify-token"} })
		w := serve(g.Handler(h), httptest.NewRequest(http.MethodGet, "/meta?hub.mode=subscribe&hub.verify_token=meta-verify-token&hub.challenge=1158201444", nil))
		assert.Equal(t, 200, w.Code)
		assert.Equal(t, "1158201444", w.Body.String())
		w = serve(g.Handler(h), httptest.NewRequest(http.MethodGet, "/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444", nil))
		assert.Equal(t, 401, w.Code)
		assert.NotContains(t, w.Body.String(), "1158201444")
	})
	t.Run("dropbox", func(t *testing.T) {
		g := newTestGuard(t, func(c *Config) { c.Scheme = hmac.Dropbox; c.Handshake = handshake.Dropbox{} })
		w := serve(g.Handler(h), httptest.NewRequest(http.MethodGet, "/dropbox?challenge=abc123", nil))
		assert.Equal(t, 200, w.Code)
		assert.Equal(t, "abc123", w.Body.String())
		assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
		w = serve(g.Handler(h), httptest.NewRequest(http.MethodGet, "/dropbox?challenge=%3Cscript%3E", nil))
		assert.NotEqual(t, 200, w.Code)
	})
	assert.Zero(t, h.total.Load(), "no handshake reached the handler")
}

// TestTenants: per-tenant keyrings picked from the path; one tenant cannot
// pre-claim another's event ID; an unknown tenant is refused like a forgery.
func TestTenants(t *testing.T) {
	keys := map[string]*hmac.Keyring{}
	for _, name := range []string{"acme", "globex"} {
		k, err := hmac.NewKeyring(hmac.Secret{ID: name + "-1", Key: []byte(name + "-secret-0123456789abcdef")})
		require.NoError(t, err)
		keys[name] = k
	}
	g := newTestGuard(t, func(c *Config) {
		c.Scheme, c.Keyring = hmac.Scheme{}, nil
		c.Tenant = func(_ context.Context, r *Request) (Tenant, error) {
			name := r.PathValue("tenant")
			k, ok := keys[name]
			if !ok {
				return Tenant{}, fmt.Errorf("unknown tenant %q", name)
			}
			return Tenant{Name: name, Authenticator: hmac.NewVerifier(hmac.StandardWebhooks, k)}, nil
		}
	})
	h := newCounter()
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/{tenant}", g.Handler(h))
	send := func(tenant, signWith, id string) *httptest.ResponseRecorder {
		body := []byte(`{}`)
		r := httptest.NewRequest(http.MethodPost, "/webhooks/"+tenant, bytes.NewReader(body))
		require.NoError(t, hmac.NewSigner(hmac.StandardWebhooks, keys[signWith]).Sign(r.Header, id, testNow, body))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	assert.Equal(t, 200, send("acme", "acme", "evt_1").Code)
	assert.Equal(t, "acme", h.event.Tenant)
	assert.Equal(t, "", reasonOf(send("globex", "globex", "evt_1")), "the same ID at another tenant is its own event")
	assert.Equal(t, "globex", h.event.Tenant)
	assert.Equal(t, "duplicate", reasonOf(send("acme", "acme", "evt_1")))
	assert.Equal(t, 401, send("globex", "acme", "evt_2").Code, "acme's key does not sign for globex")
	keys["initech"] = keys["acme"]
	delete(keys, "initech")
	w := send("initech", "acme", "evt_3")
	assert.Equal(t, 401, w.Code)
	assert.Equal(t, "bad_signature", reasonOf(w))
	assert.EqualValues(t, 2, h.total.Load())
}

var _ signature.Authenticator = (*hmac.Verifier)(nil)
