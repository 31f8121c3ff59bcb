package replay_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hookguard/hookguard/replay"
)

func ExampleWindow_Check() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	var w replay.Window // zero: 5 minutes each side

	fmt.Println(w.Check(now.Add(-4*time.Minute), now))
	err := w.Check(now.Add(-7*time.Minute), now)
	fmt.Println(errors.Is(err, replay.ErrStale), err)
	err = replay.Window{Future: 30 * time.Second}.Check(now.Add(time.Minute), now)
	fmt.Println(errors.Is(err, replay.ErrFuture), err)
	// Output:
	// <nil>
	// true replay: timestamp too old by 2m0s (7m0s old, window allows 5m0s)
	// true replay: timestamp too far in the future by 30s (1m0s ahead, window allows 30s)
}

func ExampleNewMemory() {
	ctx := context.Background()
	store := replay.NewMemory(0) // 100 000 IDs
	key := replay.Key("stripe", "evt_1NG8Du2eZvKYlo2C")

	// First delivery: claim it, run the handler, complete on success.
	st, _ := store.Claim(ctx, key, replay.DefaultLease)
	fmt.Println("first delivery:", st)
	// A duplicate arriving while the handler runs must wait: 409.
	st, _ = store.Claim(ctx, key, replay.DefaultLease)
	fmt.Println("while in flight:", st, "->", st.Err())
	_ = store.Complete(ctx, key, replay.DefaultKeep)
	// A duplicate after success is acknowledged without running again: 2xx.
	st, _ = store.Claim(ctx, key, replay.DefaultLease)
	fmt.Println("after success:", st, "->", st.Err())

	// A handler that fails releases its claim so the retry runs.
	other := replay.Key("stripe", "evt_2")
	_, _ = store.Claim(ctx, other, replay.DefaultLease)
	_ = store.Release(ctx, other)
	st, _ = store.Claim(ctx, other, replay.DefaultLease)
	fmt.Println("retry after failure:", st)
	fmt.Printf("%+v\n", store.Stats())
	// Output:
	// first delivery: fresh
	// while in flight: in flight -> replay: event in flight
	// after success: done -> replay: duplicate event
	// retry after failure: fresh
	// {Keys:2 Capacity:100000 Evictions:0 EvictedLive:0 EvictedInFlight:0}
}

func ExampleMemory_ClaimAt() {
	// A caller that has just read the clock hands the reading over instead
	// of letting the store read it again; tests pass any time they like.
	store := replay.NewMemory(0)
	now := time.Now()
	fmt.Println(store.ClaimAt("6:stripe:evt_1", time.Minute, now))
	fmt.Println(store.ClaimAt("6:stripe:evt_1", time.Minute, now.Add(30*time.Second)))
	fmt.Println(store.ClaimAt("6:stripe:evt_1", time.Minute, now.Add(time.Minute)), "(the lease ran out)")
	store.CompleteAt("6:stripe:evt_1", time.Hour, now.Add(time.Minute))
	fmt.Println(store.ClaimAt("6:stripe:evt_1", time.Minute, now.Add(2*time.Minute)))
	// Output:
	// fresh
	// in flight
	// fresh (the lease ran out)
	// done
}

func ExampleNewMemoryWithOptions() {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	store := replay.NewMemoryWithOptions(replay.MemoryOptions{
		Capacity: 10_000,
		Now:      func() time.Time { return now }, // a fake clock: no sleeping
	})
	_, _ = store.Claim(ctx, "k", time.Minute)
	now = now.Add(2 * time.Minute) // the claimer died; its lease ran out
	st, _ := store.Claim(ctx, "k", time.Minute)
	fmt.Println(st)
	// Output: fresh
}

func ExampleKey() {
	fmt.Println(replay.Key("stripe", "evt_123"))
	fmt.Println(replay.Key("a:b", "c"), replay.Key("a", "b:c"))
	long := replay.Key("github", strings.Repeat("x", 1000))
	fmt.Println(long[:9], len(long))
	// Output:
	// 6:stripe:evt_123
	// 3:a:b:c 1:a:b:c
	// 6:github# 52
}
