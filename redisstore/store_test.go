package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hookguard/hookguard/replay"
)

func newStore(t *testing.T, c redis.Scripter, o StoreOptions) *Store {
	t.Helper()
	if o.Prefix == "" {
		o.Prefix = uniquePrefix("store")
	}
	s, err := NewStore(c, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustClaim(t *testing.T, s *Store, key string, lease time.Duration, want replay.State) {
	t.Helper()
	got, err := s.Claim(context.Background(), key, lease)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	if got != want {
		t.Fatalf("Claim(%q) = %v, want %v", key, got, want)
	}
}

// expire makes key's lease (or keep) end now, as if its process died long ago.
func expire(t *testing.T, c *redis.Client, s *Store, key string) {
	t.Helper()
	if err := c.Del(context.Background(), s.Key(key)).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestLateCompleteDoesNotTakeOverClaim: replica A's lease ends mid-handler,
// replica B claims the key; A's late Complete and Release leave B's claim
// alone, and B decides.
func TestLateCompleteDoesNotTakeOverClaim(t *testing.T) {
	c := newClient(t, shared)
	ctx := context.Background()
	prefix := uniquePrefix("owner")
	a := newStore(t, c, StoreOptions{Prefix: prefix})
	b := newStore(t, c, StoreOptions{Prefix: prefix})
	third := newStore(t, c, StoreOptions{Prefix: prefix})

	mustClaim(t, a, "evt", time.Minute, replay.Fresh)
	expire(t, c, a, "evt")
	mustClaim(t, b, "evt", time.Minute, replay.Fresh)
	bToken, err := c.Get(ctx, b.Key("evt")).Result()
	if err != nil {
		t.Fatal(err)
	}

	if err := a.Complete(ctx, "evt", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := a.Release(ctx, "evt"); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, b.Key("evt")).Result(); err != nil || got != bToken {
		t.Fatalf("after A's late Complete and Release the key holds %q (%v), want B's token %q", got, err, bToken)
	}
	mustClaim(t, third, "evt", time.Minute, replay.InFlight)
	if st := a.Stats(); st.Superseded != 1 || st.Tracked != 0 {
		t.Errorf("A's Stats = %+v, want Superseded 1 (the Complete; the Release had no token left), Tracked 0", st)
	}

	// B fails: its Release frees the key for the sender's retry.
	if err := b.Release(ctx, "evt"); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, third, "evt", time.Minute, replay.Fresh)
}

// TestLateReleaseDoesNotFreeClaim: A's Release after its lease ended and B
// claimed must not free B's claim (which would let a third delivery run).
func TestLateReleaseDoesNotFreeClaim(t *testing.T) {
	c := newClient(t, shared)
	ctx := context.Background()
	prefix := uniquePrefix("owner")
	a := newStore(t, c, StoreOptions{Prefix: prefix})
	b := newStore(t, c, StoreOptions{Prefix: prefix})

	mustClaim(t, a, "evt", time.Minute, replay.Fresh)
	expire(t, c, a, "evt")
	mustClaim(t, b, "evt", time.Minute, replay.Fresh)
	if err := a.Release(ctx, "evt"); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, a, "evt", time.Minute, replay.InFlight)
	if err := b.Complete(ctx, "evt", time.Hour); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, a, "evt", time.Minute, replay.Done)
	// A late Release after B's Complete never undoes it either.
	if err := a.Release(ctx, "evt"); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, a, "evt", time.Minute, replay.Done)
}

// TestLateCompleteRecordsExpiredKey: a Complete after the lease ended, when
// nobody else claimed the key, still records it as done (the work was done).
func TestLateCompleteRecordsExpiredKey(t *testing.T) {
	c := newClient(t, shared)
	ctx := context.Background()
	s := newStore(t, c, StoreOptions{})
	mustClaim(t, s, "evt", time.Minute, replay.Fresh)
	expire(t, c, s, "evt")
	if err := s.Complete(ctx, "evt", time.Hour); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, "evt", time.Minute, replay.Done)
	pttl, err := c.PTTL(ctx, s.Key("evt")).Result()
	if err != nil {
		t.Fatal(err)
	}
	if pttl <= 59*time.Minute || pttl > time.Hour {
		t.Errorf("done key PTTL = %v, want about the keep (1h)", pttl)
	}
	if v, _ := c.Get(ctx, s.Key("evt")).Result(); v != doneMarker {
		t.Errorf("done key holds %q, want %q", v, doneMarker)
	}
}

// TestClaimSetsLease: the claimed key expires at the end of the lease and
// holds this claim's token; an InFlight answer does not extend it.
func TestClaimSetsLease(t *testing.T) {
	c := newClient(t, shared)
	ctx := context.Background()
	s := newStore(t, c, StoreOptions{})
	mustClaim(t, s, "evt", 1500*time.Millisecond, replay.Fresh)
	mustClaim(t, s, "evt", time.Hour, replay.InFlight)
	pttl, err := c.PTTL(ctx, s.Key("evt")).Result()
	if err != nil {
		t.Fatal(err)
	}
	if pttl <= 0 || pttl > 1500*time.Millisecond {
		t.Errorf("claimed key PTTL = %v, want within (0, 1.5s]", pttl)
	}
	if st := s.Stats(); st.Tracked != 1 {
		t.Errorf("Tracked = %d, want 1", st.Tracked)
	}
}

// TestMaxClaims: the Store tracks a bounded number of claims; past the
// bound Claim fails with ErrTooManyClaims and writes nothing; completing
// claims makes room again.
func TestMaxClaims(t *testing.T) {
	c := newClient(t, shared)
	ctx := context.Background()
	s := newStore(t, c, StoreOptions{MaxClaims: tokenShards}) // one per shard
	var claimed []string
	var refused string
	for i := range 10 * tokenShards {
		k := "evt-" + string(rune('A'+i%26)) + time.Duration(i).String()
		_, err := s.Claim(ctx, k, time.Minute)
		if errors.Is(err, ErrTooManyClaims) {
			refused = k
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		claimed = append(claimed, k)
	}
	if refused == "" {
		t.Fatalf("%d claims and no ErrTooManyClaims", len(claimed))
	}
	if len(claimed) > tokenShards {
		t.Errorf("%d claims tracked, want at most %d", len(claimed), tokenShards)
	}
	if n, _ := c.Exists(ctx, s.Key(refused)).Result(); n != 0 {
		t.Errorf("a refused claim wrote its key")
	}
	for _, k := range claimed {
		if err := s.Complete(ctx, k, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	mustClaim(t, s, refused, time.Minute, replay.Fresh)
}

// TestStoreErrors: an unreachable Redis is an error (the Guard answers 503),
// a failed Claim tracks nothing, and a failed Complete keeps the token so a
// retry can still complete the claim.
func TestStoreErrors(t *testing.T) {
	dead := newStore(t, deadClient(t), StoreOptions{})
	ctx := context.Background()
	if _, err := dead.Claim(ctx, "evt", time.Minute); err == nil {
		t.Fatal("Claim against an unreachable Redis: nil error")
	}
	if err := dead.Complete(ctx, "evt", time.Minute); err == nil {
		t.Fatal("Complete against an unreachable Redis: nil error")
	}
	if st := dead.Stats(); st.Tracked != 0 {
		t.Errorf("Tracked = %d after failed calls, want 0", st.Tracked)
	}

	// A claim made while Redis answered, completed while it did not.
	c := newClient(t, shared)
	s := newStore(t, c, StoreOptions{})
	mustClaim(t, s, "evt", time.Minute, replay.Fresh)
	s.c = deadClient(t)
	if err := s.Complete(ctx, "evt", time.Hour); err == nil {
		t.Fatal("Complete against an unreachable Redis: nil error")
	}
	if err := s.Release(ctx, "evt"); err == nil {
		t.Fatal("Release against an unreachable Redis: nil error")
	}
	s.c = c
	if err := s.Release(ctx, "evt"); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, "evt", time.Minute, replay.Fresh) // the retried Release freed it
}

func TestNewStoreValidates(t *testing.T) {
	c := deadClient(t)
	if _, err := NewStore(nil, StoreOptions{}); err == nil {
		t.Error("NewStore accepted a nil client")
	}
	if _, err := NewStore(c, StoreOptions{Prefix: "x{y"}); err == nil {
		t.Error("NewStore accepted a prefix with a brace")
	}
	if _, err := NewStore(c, StoreOptions{MaxClaims: -1}); err == nil {
		t.Error("NewStore accepted a negative MaxClaims")
	}
	s, err := NewStore(c, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Key("6:stripe:evt_1"), DefaultStorePrefix+"{6:stripe:evt_1}"; got != want {
		t.Errorf("Key = %q, want %q", got, want)
	}
}

// Every go-redis client kind is accepted.
var (
	_ redis.Scripter = (*redis.Client)(nil)
	_ redis.Scripter = (*redis.ClusterClient)(nil)
	_ redis.Scripter = (*redis.Ring)(nil)
	_ redis.Scripter = redis.UniversalClient(nil)
)

// TestRoundTrips counts the commands each operation sends once the scripts
// are cached: Claim, Complete, Release and Take one each; Release of a key
// this Store does not hold none.
func TestRoundTrips(t *testing.T) {
	c := newClient(t, shared)
	h := &commandCounter{}
	c.AddHook(h)
	ctx := context.Background()
	s := newStore(t, c, StoreOptions{})
	l, err := NewLimiter(c, LimiterOptions{Rate: 100, Burst: 100, Prefix: uniquePrefix("rt")})
	if err != nil {
		t.Fatal(err)
	}
	// Warm the script cache (the first run of each script may be EVALSHA,
	// NOSCRIPT, then EVAL).
	mustClaim(t, s, "warm", time.Minute, replay.Fresh)
	if err := s.Complete(ctx, "warm", time.Minute); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, "warm2", time.Minute, replay.Fresh)
	if err := s.Release(ctx, "warm2"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Take(ctx, "warm"); err != nil {
		t.Fatal(err)
	}

	step := func(name string, want int64, f func()) {
		t.Helper()
		before := h.count()
		f()
		if got := h.count() - before; got != want {
			t.Errorf("%s: %d round trips, want %d", name, got, want)
		}
	}
	step("Claim", 1, func() { mustClaim(t, s, "a", time.Minute, replay.Fresh) })
	step("Claim (in flight)", 1, func() { mustClaim(t, s, "a", time.Minute, replay.InFlight) })
	step("Complete", 1, func() { s.Complete(ctx, "a", time.Hour) })
	step("Claim (done)", 1, func() { mustClaim(t, s, "a", time.Minute, replay.Done) })
	step("Claim", 1, func() { mustClaim(t, s, "b", time.Minute, replay.Fresh) })
	step("Release", 1, func() { s.Release(ctx, "b") })
	step("Release (not held)", 0, func() { s.Release(ctx, "b") })
	step("Take", 1, func() { l.Take(ctx, "k") })
	if n := h.byName("eval"); n > 4 {
		t.Errorf("%d EVAL commands, want at most one per script (NOSCRIPT fallback)", n)
	}
	t.Logf("round trips: Claim 1, Complete 1, Release 1, Take 1 (EVALSHA %d, EVAL %d in all)", h.byName("evalsha"), h.byName("eval"))
}
