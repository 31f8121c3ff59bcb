// Package replaytest is the conformance suite every replay.Store must pass:
// the memory store in package replay, the Redis store in module redisstore
// and any third-party store. Run it from a test:
//
//	func TestConformance(t *testing.T) {
//		replaytest.Run(t, func(t *testing.T) (replay.Store, func(time.Duration)) {
//			clock := newFakeClock()
//			s := replay.NewMemoryWithOptions(replay.MemoryOptions{Now: clock.Now})
//			return s, clock.Advance
//		})
//	}
//
// The suite never sleeps: each subtest moves the store's time with the
// advance function it is given. It depends only on the standard library
// and package replay, so importing it adds nothing to a module's
// requirements.
package replaytest

import (
	"testing"
	"time"

	"github.com/hookguard/hookguard/replay"
)

// NewStore returns a fresh, empty store for one subtest and a function that
// moves that store's notion of time forward by d (a fake clock for the memory
// store; a TTL/time shift for a server-backed store). No test sleeps.
//
// Subtests run one after another, never in parallel, and use keys unique to
// the subtest, so a server-backed store may share one database between them.
// Cleanup belongs in t.Cleanup.
type NewStore func(t *testing.T) (s replay.Store, advance func(d time.Duration))

// Run runs the conformance suite against stores made by newStore, one
// fresh store per subtest. The subtests, by name:
//
//	ClaimUnknownIsFresh            Claim of a new key answers Fresh
//	ClaimInFlightIsInFlight        a second Claim answers InFlight
//	ClaimDoneIsDone                Claim after Complete answers Done, repeatedly
//	ReleaseThenClaimIsFresh        Release forgets a claim; the retry is Fresh
//	ReleaseUnknownIsNoop           Release of a key never claimed: nil, key stays unknown
//	ReleaseTwiceIsNoop             a second Release: nil
//	ReleaseDoneKeepsDone           Release never undoes a Complete
//	CompleteUnknownRecordsDone     Complete without Claim: nil, the key is Done
//	CompleteAfterLeaseExpiry       a late Complete still records Done
//	CompleteRestartsKeep           a second Complete restarts the keep period
//	LeaseExpiryFreesKey            a claim whose process died frees the key at lease end
//	ClaimDoesNotExtendLease        an InFlight answer leaves the lease alone
//	KeepExpiryFreesKey             a done key is forgotten at keep end
//	CompleteOutlivesLease          a done key lives for keep, not lease
//	ZeroLeaseMeansDefault          lease <= 0 is replay.DefaultLease (60 s)
//	ZeroKeepMeansDefault           keep <= 0 is replay.DefaultKeep (72 h)
//	IndependentKeys                keys do not affect each other
//	SimilarKeysDoNotCollide        prefixes, case, long and binary keys, replay.Key namespaces
//	ConcurrentClaimOneKey          64 goroutines claim one key: exactly one Fresh
//	ConcurrentClaimAfterRelease    rounds of 64 claimers: exactly one Fresh per round
//	ConcurrentManyKeys             8 goroutines claim 512 keys each: one Fresh per key
//	CancelledContext               a cancelled context fails every call and changes nothing
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, advance := newStore(t)
			if s == nil || advance == nil {
				t.Fatal("replaytest: newStore returned a nil store or advance func")
			}
			tc.f(&harness{T: t, s: s, advance: advance})
		})
	}
}
