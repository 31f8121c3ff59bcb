package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/hookguard/hookguard/replay"
)

// exercise runs every operation of a Store and a Limiter through c.
func exercise(t *testing.T, c redis.Scripter) {
	t.Helper()
	ctx := context.Background()
	s, err := NewStore(c, StoreOptions{Prefix: uniquePrefix("kinds")})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"6:stripe:evt_1", "6:github:d-2", "x"} {
		mustClaim(t, s, k, time.Minute, replay.Fresh)
		mustClaim(t, s, k, time.Minute, replay.InFlight)
		if err := s.Release(ctx, k); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, k, time.Minute, replay.Fresh)
		if err := s.Complete(ctx, k, time.Hour); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, s, k, time.Minute, replay.Done)
	}
	l, err := NewLimiter(c, LimiterOptions{Rate: rate.Every(time.Hour), Burst: 2, Prefix: uniquePrefix("kinds-rl")})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false} {
		d, err := l.Take(ctx, "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != want {
			t.Fatalf("take %d: %+v, want Allowed %v", i+1, d, want)
		}
	}
}

// TestClusterClient runs the Store and the Limiter through a
// *redis.ClusterClient against a one-node Redis Cluster holding every slot:
// the scripts touch only their own key, so a cluster node runs them.
func TestClusterClient(t *testing.T) {
	bin, err := redisBinary()
	if err != nil {
		t.Fatal(installHint + "\n(" + err.Error() + ")")
	}
	srv, err := newRedisServer(bin, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	ctx := context.Background()
	admin := newClient(t, srv)
	if err := admin.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatalf("CLUSTER ADDSLOTSRANGE: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		info, err := admin.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster not ok after 10s: %q, %v", info, err)
		}
		time.Sleep(20 * time.Millisecond) // polling for the cluster state
	}
	// The hash tag: a stored key hashes to the slot of the caller's key,
	// whatever the prefix.
	s, err := NewStore(admin, StoreOptions{Prefix: "a:long:prefix:"})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"6:stripe:evt_1", "6:github:d-2", "203.0.113.7"} {
		got, err1 := admin.ClusterKeySlot(ctx, s.Key(k)).Result()
		want, err2 := admin.ClusterKeySlot(ctx, k).Result()
		if err1 != nil || err2 != nil || got != want {
			t.Errorf("slot of %q = %d (%v), want the slot of %q, %d (%v)", s.Key(k), got, err1, k, want, err2)
		}
	}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{srv.Addr()}, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
	defer cc.Close()
	exercise(t, cc)
}

// TestRing runs the Store and the Limiter through a *redis.Ring.
func TestRing(t *testing.T) {
	r := redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": shared.Addr()}, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
	defer r.Close()
	exercise(t, r)
}

// TestUniversalClient runs them through the redis.UniversalClient interface.
func TestUniversalClient(t *testing.T) {
	u := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{shared.Addr()}, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
	defer u.Close()
	exercise(t, u)
}
