package replay_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/replay"
)

func TestWindowCheck(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		w      replay.Window
		offset time.Duration // ts - now
		want   error
		beyond time.Duration
	}{
		{"Now", replay.Window{}, 0, nil, 0},
		{"DefaultPastEdge", replay.Window{}, -5 * time.Minute, nil, 0},
		{"DefaultPastBeyond", replay.Window{}, -5*time.Minute - time.Nanosecond, replay.ErrStale, time.Nanosecond},
		{"DefaultFutureEdge", replay.Window{}, 5 * time.Minute, nil, 0},
		{"DefaultFutureBeyond", replay.Window{}, 7 * time.Minute, replay.ErrFuture, 2 * time.Minute},
		{"Asymmetric/PastOK", replay.Window{Past: time.Hour, Future: time.Second}, -59 * time.Minute, nil, 0},
		{"Asymmetric/FutureRefused", replay.Window{Past: time.Hour, Future: time.Second}, 2 * time.Second, replay.ErrFuture, time.Second},
		{"Asymmetric/PastRefused", replay.Window{Past: time.Second, Future: time.Hour}, -3 * time.Second, replay.ErrStale, 2 * time.Second},
		{"NegativeFutureMeansNone", replay.Window{Future: -1}, time.Nanosecond, replay.ErrFuture, time.Nanosecond},
		{"NegativeFutureAllowsNow", replay.Window{Future: -1}, 0, nil, 0},
		{"NegativePastMeansNone", replay.Window{Past: -1}, -time.Nanosecond, replay.ErrStale, time.Nanosecond},
		{"PastOnlyOverridesPast", replay.Window{Past: time.Hour}, 6 * time.Minute, replay.ErrFuture, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.w.Check(now.Add(tc.offset), now)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			var se *replay.SkewError
			require.True(t, errors.As(err, &se))
			require.Equal(t, tc.beyond, se.Beyond())
			require.Positive(t, se.Skew)
		})
	}
}

func TestWindowCheckZeroTimestampIsStale(t *testing.T) {
	require.ErrorIs(t, replay.Window{}.Check(time.Time{}, time.Now()), replay.ErrStale)
}

func TestSkewErrorMessage(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	err := replay.Window{}.Check(now.Add(-7*time.Minute), now)
	require.EqualError(t, err, "replay: timestamp too old by 2m0s (7m0s old, window allows 5m0s)")
	err = replay.Window{Future: 30 * time.Second}.Check(now.Add(45*time.Second), now)
	require.EqualError(t, err, "replay: timestamp too far in the future by 15s (45s ahead, window allows 30s)")
}

func TestWindowCheckAllocs(t *testing.T) {
	now := time.Now()
	ts := now.Add(-time.Minute)
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if (replay.Window{}).Check(ts, now) != nil {
			t.Fatal("unexpected error")
		}
	}))
}

func TestStateStringAndErr(t *testing.T) {
	require.Equal(t, "fresh", replay.Fresh.String())
	require.Equal(t, "in flight", replay.InFlight.String())
	require.Equal(t, "done", replay.Done.String())
	require.Equal(t, "State(7)", replay.State(7).String())
	require.NoError(t, replay.Fresh.Err())
	require.ErrorIs(t, replay.InFlight.Err(), replay.ErrInFlight)
	require.ErrorIs(t, replay.Done.Err(), replay.ErrDuplicate)
	require.ErrorIs(t, replay.State(-1).Err(), replay.ErrDuplicate, "an unknown state must never read as Fresh")
}

// A timestamp more than 292 years ahead makes now.Sub(ts) saturate at the
// most negative Duration, whose negation overflows back to itself: such a
// timestamp (a 12-digit unix time is signed content hmac accepts) must
// still be refused as future, and one as far behind as stale.
func TestWindowCheckSaturatedSkew(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	far := time.Unix(999999999999, 0).UTC() // year 33658
	err := replay.Window{}.Check(far, now)
	require.ErrorIs(t, err, replay.ErrFuture)
	var se *replay.SkewError
	require.True(t, errors.As(err, &se))
	require.Positive(t, se.Skew)
	require.Positive(t, se.Beyond())

	err = replay.Window{}.Check(time.Unix(-999999999999, 0), now)
	require.ErrorIs(t, err, replay.ErrStale)
	require.True(t, errors.As(err, &se))
	require.Positive(t, se.Skew)
}
