package redisstore

import (
	"hash/maphash"
	"sync"
	"time"
)

// tokenShards is the number of independently locked partitions of a
// tokenTable; a power of two.
const tokenShards = 32

// tokenTable remembers, per key, the token of the claim this Store holds on
// it, until Complete or Release uses it or its lease ends. It is bounded: at
// most max entries are live at once (checked per shard, so the bound is
// max/tokenShards per shard), expired entries are swept when a shard fills.
type tokenTable struct {
	seed   maphash.Seed
	perMax int
	shards [tokenShards]tokenShard
}

type tokenShard struct {
	mu sync.Mutex
	m  map[string]tokenEntry
	_  [40]byte // keep shards on separate cache lines
}

type tokenEntry struct {
	token    string
	deadline int64 // local UnixNano at which the lease ends
}

func (t *tokenTable) init(n int) {
	t.seed = maphash.MakeSeed()
	t.perMax = max(1, (n+tokenShards-1)/tokenShards)
	for i := range t.shards {
		t.shards[i].m = make(map[string]tokenEntry)
	}
}

func (t *tokenTable) shard(key string) *tokenShard {
	return &t.shards[maphash.String(t.seed, key)&(tokenShards-1)]
}

// room reports whether key's shard can take one more entry, sweeping expired
// entries when it is full.
func (t *tokenTable) room(key string, now int64) bool {
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) < t.perMax {
		return true
	}
	for k, e := range s.m {
		if e.deadline <= now {
			delete(s.m, k)
		}
	}
	return len(s.m) < t.perMax
}

// put records token as the claim this Store holds on key until deadline.
func (t *tokenTable) put(key, token string, deadline int64) {
	s := t.shard(key)
	s.mu.Lock()
	s.m[key] = tokenEntry{token: token, deadline: deadline}
	s.mu.Unlock()
}

// take removes and returns the token held for key ("" when none).
func (t *tokenTable) take(key string) tokenEntry {
	s := t.shard(key)
	s.mu.Lock()
	e, ok := s.m[key]
	if ok {
		delete(s.m, key)
	}
	s.mu.Unlock()
	return e
}

// restore puts e back after a failed Complete or Release so a retry can use
// it, unless a newer claim took key's slot meanwhile.
func (t *tokenTable) restore(key string, e tokenEntry) {
	if e.token == "" {
		return
	}
	s := t.shard(key)
	s.mu.Lock()
	if _, ok := s.m[key]; !ok {
		s.m[key] = e
	}
	s.mu.Unlock()
}

// len returns the number of entries (live or not yet swept).
func (t *tokenTable) len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// deadline returns the local time at which a lease taken now ends.
func deadline(lease time.Duration) int64 { return time.Now().Add(lease).UnixNano() }
