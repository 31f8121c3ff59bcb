package replaytest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/hookguard/hookguard/replay"
	"github.com/hookguard/hookguard/replay/replaytest"
)

// TestRunMemory runs the suite the way another module would.
func TestRunMemory(t *testing.T) {
	replaytest.Run(t, func(t *testing.T) (replay.Store, func(time.Duration)) {
		var (
			mu  sync.Mutex
			now = time.Unix(1_800_000_000, 0)
		)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		return replay.NewMemoryWithOptions(replay.MemoryOptions{Capacity: 4096, Now: clock}), advance
	})
}
