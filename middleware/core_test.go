package middleware

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
)

// frameworkHeaders stands for a fasthttp/fiber header adapter with Values.
type frameworkHeaders map[string][]string

func (f frameworkHeaders) Get(k string) string {
	if v := f[http.CanonicalHeaderKey(k)]; len(v) > 0 {
		return v[0]
	}
	return ""
}
func (f frameworkHeaders) Values(k string) []string { return f[http.CanonicalHeaderKey(k)] }

func signedHeaders(t *testing.T, id string, body []byte) http.Header {
	h := http.Header{}
	require.NoError(t, hmac.NewSigner(hmac.StandardWebhooks, testKeyring(t)).Sign(h, id, testNow, body))
	return h
}

func TestCheck(t *testing.T) {
	body := []byte(`{"a":1}`)
	h := signedHeaders(t, "msg_fw", body)
	h.Set("X-Forwarded-For", "203.0.113.7")
	h.Set("X-Forwarded-Proto", "https")

	adapters := map[string]func(http.Header) hmac.Headers{
		"http.Header": func(h http.Header) hmac.Headers { return h },
		"with Values": func(h http.Header) hmac.Headers { return frameworkHeaders(h) },
		"HeaderFunc":  func(h http.Header) hmac.Headers { return hmac.HeaderFunc(h.Get) },
	}
	for name, adapt := range adapters {
		t.Run(name, func(t *testing.T) {
			g := newTestGuard(t, func(c *Config) {
				c.Allow = ipallow.MustParse("203.0.113.0/24")
				c.TrustedProxies = ipallow.MustParse("10.0.0.0/8")
				c.RequireTLS = true
			})
			req := Request{RemoteAddr: "10.0.0.1:1234", Header: adapt(h), Body: body}
			v := g.Check(context.Background(), req)
			require.True(t, v.Proceed(), "%s %v", v.Reason, v.Err)
			assert.Equal(t, "msg_fw", v.Event.ID)
			assert.Equal(t, "203.0.113.7", v.Event.ClientIP.String())
			assert.Equal(t, "k1", v.Event.SecretID)

			// Second delivery while the first is in flight.
			v2 := g.Check(context.Background(), req)
			assert.False(t, v2.Proceed())
			assert.Equal(t, http.StatusConflict, v2.Status)
			assert.Equal(t, "60", v2.Header().Get("Retry-After"))
			assert.Equal(t, `{"error":"in_flight"}`+"\n", string(v2.Body()))
			require.NoError(t, v2.Done(200)) // no-op on a refusal

			require.NoError(t, v.Done(http.StatusOK))
			require.NoError(t, v.Done(http.StatusInternalServerError)) // second Done: no-op

			v3 := g.Check(context.Background(), req)
			assert.Equal(t, ReasonDuplicate, v3.Reason)
			assert.Equal(t, 200, v3.Status)
		})
	}

	t.Run("release on failure", func(t *testing.T) {
		g := newTestGuard(t)
		req := Request{RemoteAddr: "192.0.2.1:1", Header: signedHeaders(t, "msg_rel", body), Body: body}
		v := g.Check(context.Background(), req)
		require.True(t, v.Proceed())
		require.NoError(t, v.Done(502))
		assert.True(t, g.Check(context.Background(), req).Proceed())
	})
	t.Run("refusals", func(t *testing.T) {
		g := newTestGuard(t, func(c *Config) { c.MaxBody = 4 })
		v := g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", Header: signedHeaders(t, "x", body), Body: body})
		assert.Equal(t, ReasonTooLarge, v.Reason)
		assert.Equal(t, 413, v.Status)
		v = g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", Body: nil})
		assert.Equal(t, ReasonMissingHeader, v.Reason)
		v = g.Check(context.Background(), Request{})
		assert.Equal(t, ReasonMissingHeader, v.Reason)
	})
	t.Run("tls", func(t *testing.T) {
		g := newTestGuard(t, func(c *Config) { c.RequireTLS = true })
		hh := signedHeaders(t, "tls", body)
		v := g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", Header: hh, Body: body})
		assert.Equal(t, http.StatusMisdirectedRequest, v.Status)
		v = g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", TLS: true, Header: hh, Body: body})
		assert.True(t, v.Proceed())
	})
}

func TestEventIDFuncs(t *testing.T) {
	f := JSONFieldEventID("id")
	id, err := f(hmac.Result{}, nil, []byte(`{"id":"evt_123","object":"event"}`))
	require.NoError(t, err)
	assert.Equal(t, "evt_123", id)
	for _, b := range []string{`[]`, `{"id":5}`, `{"id":""}`, `{}`, `nope`} {
		_, err := f(hmac.Result{}, nil, []byte(b))
		assert.Equal(t, ReasonMalformed, ReasonFor(err), b)
	}
	a, _ := ContentEventID(hmac.Result{Scheme: "x"}, nil, []byte("b"))
	b, _ := ContentEventID(hmac.Result{Scheme: "y"}, nil, []byte("b"))
	c, _ := ContentEventID(hmac.Result{Scheme: "x", Timestamp: testNow}, nil, []byte("b"))
	assert.NotEqual(t, a, b)
	assert.NotEqual(t, a, c, "the signed timestamp is part of the content")
	assert.True(t, strings.HasPrefix(a, "sha256:"))

	// Stripe with the body's id: a retry re-signed with a new timestamp is a duplicate.
	k := testKeyring(t)
	g, err := New(Config{Scheme: hmac.Stripe, Keyring: k, EventID: JSONFieldEventID("id"), Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	body := []byte(`{"id":"evt_1","type":"charge.succeeded"}`)
	for i, want := range []Reason{ReasonAccepted, ReasonDuplicate} {
		hh := http.Header{}
		require.NoError(t, hmac.NewSigner(hmac.Stripe, k).Sign(hh, "", testNow.Add(time.Duration(i)*time.Second), body))
		v := g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", Header: hh, Body: body})
		assert.Equal(t, want, v.Reason)
		assert.Equal(t, "evt_1", v.Event.ID)
		_ = v.Done(200)
	}
	hh := http.Header{}
	require.NoError(t, hmac.NewSigner(hmac.Stripe, k).Sign(hh, "", testNow, []byte(`{"type":"x"}`)))
	v := g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", Header: hh, Body: []byte(`{"type":"x"}`)})
	assert.Equal(t, ReasonMalformed, v.Reason)
}

func TestReasonStatus(t *testing.T) {
	want := map[Reason]int{
		ReasonAccepted: 200, ReasonDuplicate: 200, ReasonInFlight: 409, ReasonBadSignature: 401,
		ReasonStale: 401, ReasonFuture: 401, ReasonMalformed: 400, ReasonMissingHeader: 400,
		ReasonTooLarge: 413, ReasonRateLimited: 429, ReasonNotAllowed: 403, ReasonTLSRequired: 403,
		ReasonStoreUnavailable: 503,
	}
	for r, s := range want {
		assert.Equal(t, s, r.Status(), r)
		assert.Contains(t, string(r.body()), `"`+string(r)+`"`)
	}
}
