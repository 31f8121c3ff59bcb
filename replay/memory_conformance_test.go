package replay_test

import (
	"testing"
	"time"

	"github.com/hookguard/hookguard/replay"
	"github.com/hookguard/hookguard/replay/replaytest"
)

func TestMemoryConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts replay.MemoryOptions
	}{
		{"Default", replay.MemoryOptions{}},
		{"OneShard", replay.MemoryOptions{Capacity: 10_000, Shards: 1}},
		{"ManyShards", replay.MemoryOptions{Capacity: 4096, Shards: 64}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			replaytest.Run(t, func(t *testing.T) (replay.Store, func(time.Duration)) {
				clock := newFakeClock()
				o := tc.opts
				o.Now = clock.Now
				return replay.NewMemoryWithOptions(o), clock.Advance
			})
		})
	}
}
