package middleware

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// TestReplayKeyMatchesKey checks the Guard's precomputed-prefix replay key
// against replay.Key for every source and ID length around the limits.
func TestReplayKeyMatchesKey(t *testing.T) {
	for _, store := range []replay.Store{replay.NewMemory(10), nopStore{}} {
		for _, source := range []string{"standard-webhooks", "s", "a#b", strings.Repeat("x", 100), strings.Repeat("y", 125), strings.Repeat("z", 200)} {
			g := newTestGuard(t, func(c *Config) { c.Source, c.Replay = source, store })
			for _, st := range []*reqState{g.newState(t.Context()), g.getState(t.Context())} {
				for n := 0; n <= replay.MaxKeyLen+2; n++ {
					id := strings.Repeat("i", n)
					require.Equal(t, replay.Key(source, id), g.replayKey(st, id), "%T, pooled %v, source %d bytes, id %d bytes", store, st.keyBuf != nil, len(source), n)
				}
			}
		}
	}
}

// TestRateKeyCache checks the pooled state's rate-limit key cache.
func TestRateKeyCache(t *testing.T) {
	st := &reqState{}
	for _, s := range []string{"192.0.2.10", "192.0.2.10", "2001:db8::1", "2001:db8::2", "192.0.2.11", "2001:db8:0:1::1"} {
		ip := netip.MustParseAddr(s)
		require.Equal(t, ratelimit.IPKey(ip, 0, 64), st.rateKeyOf(ip), s)
	}
	putState(st)
}
