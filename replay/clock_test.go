package replay_test

import (
	"time"

	"github.com/hookguard/hookguard/internal/fakeclock"
)

// fakeClock is the shared manually advanced test clock.
type fakeClock = fakeclock.Clock

func newFakeClock() *fakeClock { return fakeclock.New(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)) }
