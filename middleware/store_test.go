package middleware

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/replay"
)

// Tests of how the Guard drives its replay store: leases and timeouts.

// TestLeaseExpiry: a delivery whose handler never finished (a crashed
// replica) blocks retries with 409 only until its lease ends; the store's
// fake clock moves, nothing sleeps.
func TestLeaseExpiry(t *testing.T) {
	g, clock, req := clockedCheck(t, "crash")
	v := g.Check(context.Background(), req())
	require.True(t, v.Proceed()) // ... and the process dies: no Done.

	clock.Advance(30 * time.Second)
	assert.Equal(t, ReasonInFlight, g.Check(context.Background(), req()).Reason)
	clock.Advance(31 * time.Second)
	v = g.Check(context.Background(), req())
	require.True(t, v.Proceed(), "lease over: the retry runs (%s)", v.Reason)
	require.NoError(t, v.Done(200))
	assert.Equal(t, ReasonDuplicate, g.Check(context.Background(), req()).Reason)
}

// TestStoreTimeout: Complete runs with a deadline when StoreTimeout is set,
// and without the request's cancellation.
func TestStoreTimeout(t *testing.T) {
	rec := &recordingStore{Store: replay.NewMemory(10)}
	g := newTestGuard(t, func(c *Config) { c.Replay = rec; c.StoreTimeout = time.Second })
	ctx, cancel := context.WithCancel(context.Background())
	handler := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cancel() }))
	r := signedRequest(t, "to", testNow, nil).WithContext(ctx)
	require.Equal(t, 200, serve(handler, r).Code)
	assert.True(t, rec.hadDeadline)
	assert.NoError(t, rec.completeErr)
	assert.Equal(t, ReasonDuplicate, g.Check(context.Background(), Request{RemoteAddr: "192.0.2.1:1", Header: signedHeaders(t, "to", nil)}).Reason)
}

type recordingStore struct {
	replay.Store
	hadDeadline bool
	completeErr error
}

func (s *recordingStore) Complete(ctx context.Context, key string, keep time.Duration) error {
	_, s.hadDeadline = ctx.Deadline()
	s.completeErr = ctx.Err()
	return s.Store.Complete(ctx, key, keep)
}
