package middleware

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/replay"
)

// TestLateReleaseKeepsNewerClaim: a handler that outlives its lease and then
// fails must not release the claim a retry took after the lease ended, or a
// third delivery runs while the retry is still in flight. The replay.Store
// interface names a key, not a claim, so the Guard itself skips a Release
// once its lease is over (the key has expired or belongs to another claim).
func TestLateReleaseKeepsNewerClaim(t *testing.T) {
	var now atomic.Int64
	now.Store(testNow.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	store := replay.NewMemoryWithOptions(replay.MemoryOptions{Now: clock})
	g := newTestGuard(t, func(c *Config) { c.Replay = store; c.Now = clock })
	body := []byte(`{}`)
	req := func() Request {
		return Request{RemoteAddr: "192.0.2.1:1", Header: signedHeaders(t, "slow", body), Body: body}
	}
	first := g.Check(context.Background(), req())
	require.True(t, first.Proceed())

	now.Add(int64(g.cfg.Lease + time.Second)) // the first handler is still running
	second := g.Check(context.Background(), req())
	require.True(t, second.Proceed(), "lease over: the retry runs (%s)", second.Reason)

	require.NoError(t, first.Done(500)) // the slow first handler fails at last
	assert.Equal(t, ReasonInFlight, g.Check(context.Background(), req()).Reason,
		"the retry's claim must survive the first handler's late release")

	require.NoError(t, second.Done(500))
	assert.True(t, g.Check(context.Background(), req()).Proceed(), "the retry's own release frees the key")
}
