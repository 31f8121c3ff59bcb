package middleware

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/internal/fakeclock"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// TestSharedClockChoice: the Guard hands its clock reading to the memory
// stores only when it and they all read the real clock; any injected clock
// on either side keeps every component on its own clock.
func TestSharedClockChoice(t *testing.T) {
	fake := fakeclock.New(testNow).Now
	cases := []struct {
		name                  string
		guardNow              func() time.Time
		store                 replay.Store
		limiter               ratelimit.Limiter
		wantReplay, wantLimit bool
	}{
		{"all real", nil, replay.NewMemory(10), ratelimit.NewMemory(1, 1, 10), true, true},
		{"guard on a fake clock", fake, replay.NewMemory(10), ratelimit.NewMemory(1, 1, 10), false, false},
		{"stores on a fake clock", nil,
			replay.NewMemoryWithOptions(replay.MemoryOptions{Now: fake}),
			mustLimiter(t, ratelimit.MemoryOptions{Rate: 1, Burst: 1, MaxKeys: 10, Now: fake}), false, false},
		{"other store types", nil, nopStore{}, failingLimiter{}, false, false},
		{"default store, no limiter", nil, nil, nil, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := New(Config{Scheme: hmac.StandardWebhooks, Keyring: testKeyring(t),
				Now: c.guardNow, Replay: c.store, Limiter: c.limiter})
			require.NoError(t, err)
			assert.Equal(t, c.wantReplay, g.memReplay != nil, "replay store takes the Guard's reading")
			assert.Equal(t, c.wantLimit, g.memLimiter != nil, "limiter takes the Guard's reading")
		})
	}
}

func mustLimiter(t *testing.T, o ratelimit.MemoryOptions) *ratelimit.Memory {
	l, err := ratelimit.NewMemoryWithOptions(o)
	require.NoError(t, err)
	return l
}

// TestSharedClockBehaviour runs the Guard on the real clock with memory
// stores, so that the stores take the Guard's reading (ClaimAt, CompleteAt,
// TakeAt), inside a synctest bubble whose clock moves only when every
// goroutine waits: leases, Keep and refills behave as with each store
// reading its own clock, and Keep counts from the delivery's clock reading.
func TestSharedClockBehaviour(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := replay.NewMemory(100)
		limiter := ratelimit.NewMemory(rate.Every(time.Minute), 3, 100)
		const keep = 20 * time.Minute
		g, err := New(Config{Scheme: hmac.StandardWebhooks, Keyring: testKeyring(t),
			Replay: store, Limiter: limiter, Keep: keep})
		require.NoError(t, err)
		require.NotNil(t, g.memReplay)
		require.NotNil(t, g.memLimiter)
		signer := hmac.NewSigner(hmac.StandardWebhooks, testKeyring(t))
		body := []byte(`{}`)
		check := func(id string) *Verdict {
			h := http.Header{}
			require.NoError(t, signer.Sign(h, id, time.Now(), body))
			return g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", Header: h, Body: body})
		}
		key := func(id string) string { return replay.Key(g.cfg.Source, id) }

		// A claim is in flight for Lease on the store's clock, then free.
		v := check("a")
		require.True(t, v.Proceed(), v.Reason)
		assert.Equal(t, ReasonInFlight, check("a").Reason)
		time.Sleep(g.cfg.Lease - time.Second)
		assert.Equal(t, ReasonInFlight, check("a").Reason, "lease not over yet")
		time.Sleep(2 * time.Second)
		retry := check("a")
		claimed := time.Now()
		require.True(t, retry.Proceed(), "lease over: the retry runs (%s)", retry.Reason)

		// Burst 3, one token a minute: the four checks in 61 s above left
		// 2/60 of a token (3 - 4 + 61/60), so the next is refused.
		assert.Equal(t, ReasonRateLimited, check("b").Reason)

		// The retry's handler takes a minute and succeeds: Keep counts
		// from the delivery's clock reading, before the handler ran.
		time.Sleep(time.Minute)
		require.NoError(t, retry.Done(http.StatusOK))
		assert.Equal(t, ReasonDuplicate, check("a").Reason)
		time.Sleep(time.Until(claimed.Add(keep)) - time.Second)
		state, err := store.Claim(context.Background(), key("a"), time.Minute)
		require.NoError(t, err)
		assert.Equal(t, replay.Done, state, "remembered until Keep after the delivery's reading")
		time.Sleep(2 * time.Second)
		state, err = store.Claim(context.Background(), key("a"), time.Minute)
		require.NoError(t, err)
		assert.Equal(t, replay.Fresh, state, "forgotten once Keep after the delivery's reading is over")

		// A failure releases the claim; the retry runs and completes.
		v = check("c")
		require.True(t, v.Proceed(), v.Reason)
		require.NoError(t, v.Done(http.StatusInternalServerError))
		v = check("c")
		require.True(t, v.Proceed(), "released: the retry runs (%s)", v.Reason)
		require.NoError(t, v.Done(http.StatusNoContent))
		assert.Equal(t, ReasonDuplicate, check("c").Reason)
	})
}

// TestPrefetchChoice: the Guard asks the memory store to prefetch a claim
// only when the event ID is the scheme's signed ID header, read before the
// signature is checked; deliveries whose ID cannot be prefetched (too long
// for the short key form, or from a header map that is not an http.Header)
// are still deduplicated exactly.
func TestPrefetchChoice(t *testing.T) {
	mk := func(mutate func(*Config)) *Guard {
		c := Config{Scheme: hmac.StandardWebhooks, Keyring: testKeyring(t), Now: func() time.Time { return testNow }}
		if mutate != nil {
			mutate(&c)
		}
		g, err := New(c)
		require.NoError(t, err)
		return g
	}
	assert.NotNil(t, mk(nil).prefetchStore, "default store, signed ID")
	assert.Equal(t, "Webhook-Id", mk(nil).prefetchHeader)
	assert.Nil(t, mk(func(c *Config) { c.EventID = BodyHashEventID }).prefetchStore, "custom EventID")
	assert.Nil(t, mk(func(c *Config) { c.Replay = nopStore{} }).prefetchStore, "not a memory store")
	gh, err := hmac.GitHub.ParseKey("a-github-secret-of-some-length")
	require.NoError(t, err)
	kr, err := hmac.NewKeyring(hmac.Secret{ID: "gh", Key: gh})
	require.NoError(t, err)
	assert.Nil(t, mk(func(c *Config) { c.Scheme, c.Keyring = hmac.GitHub, kr }).prefetchStore, "unsigned ID header")

	g := mk(nil)
	handler := g.Handler(newCounter())
	long := strings.Repeat("x", replay.MaxKeyLen) // the hashed key form
	for _, id := range []string{"msg_short", long} {
		r := signedRequest(t, id, testNow, []byte(`{}`))
		require.Equal(t, 200, serve(handler, r).Code, "first delivery of %.12s", id)
		r = signedRequest(t, id, testNow, []byte(`{}`))
		w := serve(handler, r)
		require.Equal(t, "duplicate", reasonOf(w), "second delivery of %.12s", id)
	}
	h := signedHeaders(t, "msg_func", []byte(`{}`))
	req := Request{RemoteAddr: "192.0.2.1:1", Header: hmac.HeaderFunc(h.Get), Body: []byte(`{}`)}
	v := g.Check(context.Background(), req)
	require.True(t, v.Proceed(), v.Reason)
	require.NoError(t, v.Done(200))
	assert.Equal(t, ReasonDuplicate, g.Check(context.Background(), req).Reason)
}
