package ratelimit

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// evictScan is the least number of buckets the eviction hand examines for a
// full one before it settles for the not-recently-used candidate it found.
const evictScan = 8

// Slot tags. A slot's tag is the key's 64-bit keyed hash with its three low
// bits replaced by flags; tag 0 is an empty slot. A key's identity is
// therefore 61 bits of its hash.
const (
	// tagRef is the CLOCK mark: used since the eviction hand last passed.
	tagRef = 1
	// tagOccupied marks a slot holding a bucket.
	tagOccupied = 2
	// tagLocked marks a slot whose tat, or whose place in the table, is
	// being changed by the goroutine that set it. See shard.
	tagLocked = 4
	// tagFlags are the bits of a tag that do not identify the key.
	tagFlags = tagRef | tagOccupied | tagLocked
	// tagMoved fills every slot of a table that grow has replaced: a
	// goroutine still probing the old table meets it and starts again
	// from the current one. It is locked, so nothing ever takes it.
	tagMoved = tagLocked
)

// keyTag is the tag of the key hashing to h, unlocked and unmarked.
func keyTag(h uint64) uint64 { return h&^tagFlags | tagOccupied }

// slot is one key's bucket: 16 bytes, four to a cache line, no pointers (the
// GC never scans a table), so a hit costs one cache miss and a key costs no
// allocation of its own.
//
// tag is read and written atomically, since takes probe without the shard
// mutex; tat is read and written only by the goroutine holding the slot's
// lock (tagLocked, set by compare-and-swap), or by the shard mutex holder
// while the slot is empty and so invisible to takes.
type slot struct {
	tag atomic.Uint64
	tat int64 // full time, see policy
}

// table is one generation of a shard's slots. grow replaces it whole.
type table struct {
	slots []slot
	mask  int // len(slots) - 1; the length is a power of two
}

func newTable(n int) *table { return &table{slots: make([]slot, n), mask: n - 1} }

// home is the table position a tag probes from: bits 3 and up (the low bits
// are flags, and the shard index comes from the top bits).
func (tb *table) home(tag uint64) int { return int(tag>>3) & tb.mask }

// shard holds buckets in an open-addressing hash table (linear probing,
// backward-shift deletion, load at most 3/4), swept by a CLOCK eviction hand,
// the second-chance approximation of least recently used. It plays the role
// of golang-lru's simplelru, specialised so that a hit touches one table line
// and allocates nothing (a map plus a linked LRU list costs three or four
// cache misses per hit), and so that eviction can prefer full buckets.
//
// # Locking
//
// A take of a key already in the table (a hit) does not touch the shard
// mutex: it probes the table with atomic loads and locks only its own slot,
// by a compare-and-swap that sets tagLocked in the slot's tag, updates tat,
// and unlocks with a store of the tag (marked used). Every other line it
// reads is only read, so concurrent hits on different keys share nothing
// written, and cores do not pass a lock's cache line back and forth.
//
// Everything else — inserting a key, evicting, the backward shift, growing
// the table and the eviction hand — runs under the shard mutex, and also
// takes the lock of every slot whose tat it reads or whose bucket it moves or
// removes. So the shard mutex holder is the only writer of an empty slot and
// of a slot's identity, and these invariants hold at every instant:
//
//   - a key's tag appears unlocked in at most one slot of the current table,
//     and that slot is its bucket: a move publishes the bucket at its new
//     place while still holding its old slot locked, and the old slot never
//     becomes that key's again without going through the mutex holder;
//   - a slot's tat changes only under its lock.
//
// A take that probes without the mutex therefore either finds its key's tag
// unlocked, locks it and owns the key's one bucket, or gives up — it met an
// empty slot (the key may be absent, or being moved past the take) or a slot
// of a replaced table — and does the lookup again under the mutex, where the
// table does not change. A take holds at most one slot lock, for a few
// nanoseconds, and waits for nothing while holding it; only the mutex holder
// holds several (the eviction candidate while the hand looks further, a hole
// of the backward shift), and it never waits for the mutex while holding
// one, so no cycle of waits can form. Waiters spin briefly and then yield
// (runtime.Gosched): a holder preempted inside its critical section gets to
// run.
type shard struct {
	// tab is read by every take and written by grow only, on a cache
	// line of its own so that inserts do not slow hits down.
	tab atomic.Pointer[table]
	_   [56]byte

	mu              sync.Mutex // serialises changes to the table's structure
	n               int        // occupied slots
	capacity        int        // most buckets this shard may hold
	maxSlots        int        // table size at which load stays <= 3/4 at capacity
	hand            int
	evictions       uint64
	evictedDraining uint64
	_               [64]byte // keep the next shard's tab off this cache line
}

func (s *shard) init(capacity int) {
	s.capacity = capacity
	s.maxSlots = 8
	for s.maxSlots*3 < capacity*4 {
		s.maxSlots <<= 1
	}
	s.tab.Store(newTable(min(s.maxSlots, 64)))
}

// spin is one round of waiting for a slot lock held by another goroutine.
// Slot locks are held for nanoseconds: spin a little, then yield.
func spin(n *int) {
	if *n++; *n > 16 {
		runtime.Gosched()
	}
}

// lockSlot locks e, waiting while another goroutine holds it, and returns its
// tag as it was before locking. Only the shard mutex holder calls it, on an
// occupied slot of the current table, whose identity therefore cannot change.
func lockSlot(e *slot) uint64 {
	for n := 0; ; spin(&n) {
		t := e.tag.Load()
		if t&tagLocked == 0 && e.tag.CompareAndSwap(t, t|tagLocked) {
			return t
		}
	}
}

// acquire is a take's lookup without the shard mutex: it returns the slot of
// the key whose tag is want, locked, or nil when it cannot tell (see shard).
func (tb *table) acquire(want uint64) *slot {
	for i, n := tb.home(want), 0; ; {
		e := &tb.slots[i]
		t := e.tag.Load()
		switch {
		case t&^tagRef == want:
			if e.tag.CompareAndSwap(t, want|tagLocked) {
				return e
			}
			// Another take locked it, or the hand cleared its mark:
			// look again.
		case t&^tagRef == want|tagLocked:
			spin(&n) // another take of this key, or a move
		case t == 0 || t == tagMoved:
			return nil
		default:
			i = (i + 1) & tb.mask // another key's bucket
		}
	}
}

// lookup returns the slot of the bucket of the key whose tag is want, locked,
// inserting a full bucket (evicting one at capacity) when it is absent, and
// the tag to unlock it with: marked used for a bucket found, unmarked for a
// new one, so that a flood of one-off keys is evicted before buckets that are
// used again. now is the current time in the policy's nanoseconds. The caller
// holds s.mu.
func (s *shard) lookup(want uint64, now int64) (*slot, uint64) {
	tb := s.tab.Load()
	for i := tb.home(want); ; i = (i + 1) & tb.mask {
		e := &tb.slots[i]
		t := e.tag.Load()
		if t == 0 {
			break
		}
		if t&^(tagRef|tagLocked) == want {
			lockSlot(e)
			return e, want | tagRef
		}
	}
	if s.n >= s.capacity {
		v := s.victim(tb, now)
		s.evictions++
		if tb.slots[v].tat > now {
			s.evictedDraining++
		}
		s.remove(tb, v)
	} else if (s.n+1)*4 > len(tb.slots)*3 && len(tb.slots) < s.maxSlots {
		tb = s.grow(tb)
	}
	i := tb.home(want)
	for tb.slots[i].tag.Load() != 0 {
		i = (i + 1) & tb.mask
	}
	e := &tb.slots[i]
	e.tat = now
	e.tag.Store(want | tagLocked)
	s.n++
	return e, want
}

// grow replaces tb, the current table, by one twice its size holding every
// bucket, and returns it. Each old slot is locked for good as it is copied
// (tagMoved), so no take updates a bucket in the old table after its copy.
func (s *shard) grow(tb *table) *table {
	nt := newTable(2 * len(tb.slots))
	for j := range tb.slots {
		e := &tb.slots[j]
		var t uint64
		for n := 0; ; spin(&n) {
			t = e.tag.Load()
			if t&tagLocked == 0 && e.tag.CompareAndSwap(t, tagMoved) {
				break
			}
		}
		if t == 0 {
			continue
		}
		i := nt.home(t)
		for nt.slots[i].tag.Load() != 0 {
			i = (i + 1) & nt.mask
		}
		nt.slots[i].tat = e.tat
		nt.slots[i].tag.Store(t)
	}
	s.tab.Store(nt)
	s.hand = 0
	return nt
}

// remove empties position i of tb, whose slot the caller holds locked,
// shifting later entries of its probe run back so that no lookup stops early
// (no tombstones). Each moved bucket is published at its new place before its
// old slot, still locked, becomes the next hole.
func (s *shard) remove(tb *table, i int) {
	for j := (i + 1) & tb.mask; ; j = (j + 1) & tb.mask {
		e := &tb.slots[j]
		t := e.tag.Load()
		if t == 0 {
			break
		}
		// The entry at j may move to i unless its home lies cyclically
		// in (i, j].
		k := tb.home(t)
		if i <= j {
			if i < k && k <= j {
				continue
			}
		} else if i < k || k <= j {
			continue
		}
		t = lockSlot(e)
		tb.slots[i].tat = e.tat
		tb.slots[i].tag.Store(t)
		i = j
	}
	tb.slots[i].tag.Store(0)
	s.n--
}

// victim advances the eviction hand and picks the position of the bucket to
// evict, returned locked: the first full bucket it meets (a full bucket loses
// nothing), else the first bucket not used since the hand last passed it,
// once at least evictScan buckets have been examined for a full one (or the
// hand is back at that bucket). Used buckets the hand passes lose their mark
// (their second chance). The shard holds at least one bucket, so the sweep
// ends within about two revolutions.
func (s *shard) victim(tb *table, now int64) int {
	cand, candTag := -1, uint64(0) // held locked until returned or released
	for seen := 0; ; {
		j := s.hand
		s.hand++
		if s.hand == len(tb.slots) {
			s.hand = 0
		}
		if j == cand {
			return cand
		}
		e := &tb.slots[j]
		if e.tag.Load() == 0 {
			continue
		}
		seen++
		t := lockSlot(e)
		if e.tat <= now {
			if cand >= 0 {
				tb.slots[cand].tag.Store(candTag)
			}
			return j
		}
		switch {
		case t&tagRef != 0:
			e.tag.Store(t &^ tagRef)
		case cand < 0:
			cand, candTag = j, t
		default:
			e.tag.Store(t)
		}
		if cand >= 0 && seen >= evictScan {
			return cand
		}
	}
}
