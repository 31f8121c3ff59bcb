package middleware

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLateReleaseKeepsNewerClaim: a handler that outlives its lease and then
// fails must not release the claim a retry took after the lease ended, or a
// third delivery runs while the retry is still in flight. The replay.Store
// interface names a key, not a claim, so the Guard itself skips a Release
// once its lease is over (the key has expired or belongs to another claim).
func TestLateReleaseKeepsNewerClaim(t *testing.T) {
	g, clock, req := clockedCheck(t, "slow")
	first := g.Check(context.Background(), req())
	require.True(t, first.Proceed())

	clock.Advance(g.cfg.Lease + time.Second) // the first handler is still running
	second := g.Check(context.Background(), req())
	require.True(t, second.Proceed(), "lease over: the retry runs (%s)", second.Reason)

	require.NoError(t, first.Done(500)) // the slow first handler fails at last
	assert.Equal(t, ReasonInFlight, g.Check(context.Background(), req()).Reason,
		"the retry's claim must survive the first handler's late release")

	require.NoError(t, second.Done(500))
	assert.True(t, g.Check(context.Background(), req()).Proceed(), "the retry's own release frees the key")
}
