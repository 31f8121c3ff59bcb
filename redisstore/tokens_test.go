package redisstore

import "testing"

// TestTokenTableSweepsExpired: a full shard makes room by dropping claims
// whose lease ended, never live ones; restore never overwrites a newer claim.
func TestTokenTableSweepsExpired(t *testing.T) {
	var tt tokenTable
	tt.init(tokenShards) // one entry per shard
	tt.put("k", "t1", 100)
	if tt.room("k", 50) {
		t.Fatal("room in a full shard whose only claim is live")
	}
	if tt.len() != 1 {
		t.Fatalf("len = %d, want 1", tt.len())
	}
	if !tt.room("k", 200) {
		t.Fatal("no room after the only claim's lease ended")
	}
	if tt.len() != 0 {
		t.Fatalf("len = %d after the sweep, want 0", tt.len())
	}

	tt.put("k", "t1", 100)
	e := tt.take("k")
	if e.token != "t1" || tt.take("k").token != "" {
		t.Fatalf("take = %+v, then a second take found a token", e)
	}
	tt.put("k", "t2", 300) // a newer claim of the same key
	tt.restore("k", e)
	if got := tt.take("k"); got.token != "t2" {
		t.Fatalf("restore overwrote the newer claim: %+v", got)
	}
	tt.restore("k", e)
	if got := tt.take("k"); got.token != "t1" {
		t.Fatalf("restore into an empty slot: %+v, want t1", got)
	}
}
