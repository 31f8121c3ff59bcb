// Package replaytest: SKELETON, the replay owner replaces this file.
package replaytest

import (
	"testing"
	"time"

	"github.com/hookguard/hookguard/replay"
)

// NewStore returns a fresh, empty store for one subtest and a function that
// moves that store's notion of time forward by d (a fake clock for the memory
// store; a TTL/time shift for a server-backed store). No test sleeps.
type NewStore func(t *testing.T) (s replay.Store, advance func(d time.Duration))

// Run runs the conformance suite against stores made by newStore.
func Run(t *testing.T, newStore NewStore) { panic("unimplemented") }
