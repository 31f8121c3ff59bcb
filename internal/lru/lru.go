// Package lru is the non-thread-safe core of hookguard's memory stores
// (replay.Memory, ratelimit.Memory): a least-recently-used list of up to a
// fixed number of keys, each with a value, in two pointer-free arrays, and a
// locked shard around it.
//
// It is golang-lru's simplelru (a hash index over a doubly linked list)
// laid out without pointers:
//
//   - ents is an array of entries linked into the list by uint32 indices,
//     with unused entries on a free list; it grows by appending, up to cap;
//   - idx is an open-addressing hash table (linear probing, backward-shift
//     deletion, load at most 3/4) of 8-byte slots, each holding an entry's
//     index and 32 bits of its key's digest, which also choose its home slot.
//
// Holding no pointers (as long as V holds none), neither array is ever
// scanned by the garbage collector, and a new key costs no allocation of its
// own. Keys are kept as digests: keyed hashes chosen by the store.
package lru

// Digest identifies a key: keyed hashes of it under seeds the store keeps
// secret. The store picks its shard from the low bits of Digest[0]; bits 32
// and up of Digest[0] place the key in its shard's index.
type Digest [2]uint64

// None is the null entry index.
const None = ^uint32(0)

// freed marks the prev link of an entry on the free list.
const freed = None - 1

// MaxCap is the largest capacity one LRU holds: entry indices are uint32,
// None and freed excluded, and idx must stay addressable by 32-bit homes.
const MaxCap = 1 << 30

// LRU holds up to a fixed number of keys with a value each, ordered by last
// use (ToFront, Add). Its zero value is not usable: call Init.
type LRU[V any] struct {
	head, tail uint32 // most and least recently used entries; None if empty
	free       uint32 // first free entry, linked through next; None if none
	n          int    // keys held
	ents       []entry[V]
	idx        []uint64
	cap        int // most keys held
	maxIdx     int // idx size at which load stays <= 3/4 with cap keys
}

// entry is one key's value: 32 bytes for an 8-byte V, two to a cache line.
type entry[V any] struct {
	d          Digest
	v          V
	prev, next uint32 // towards head (newer) and tail (older)
}

// idx slot layout: the low 32 bits hold the entry index + 1 (0 marks an
// empty slot), the high 32 bits the key's fragment.
func slotOf(frag, e uint32) uint64 { return uint64(frag)<<32 | uint64(e+1) }
func slotEnt(s uint64) uint32      { return uint32(s) - 1 }
func slotFrag(s uint64) uint32     { return uint32(s >> 32) }

// fragment is the 32 bits of d that choose its idx home and pre-filter
// matches. The shard was chosen by d[0]'s low bits, so they are not used.
func fragment(d Digest) uint32 { return uint32(d[0] >> 32) }

// Init empties l and sets its capacity (1 to MaxCap).
func (l *LRU[V]) Init(capacity int) {
	*l = LRU[V]{head: None, tail: None, free: None, cap: capacity, maxIdx: 8}
	for l.maxIdx*3 < capacity*4 {
		l.maxIdx <<= 1
	}
	l.idx = make([]uint64, min(l.maxIdx, 64))
}

// Len is the number of keys held.
func (l *LRU[V]) Len() int { return l.n }

// Full reports whether l holds its capacity: Add needs room first.
func (l *LRU[V]) Full() bool { return l.n >= l.cap }

// Oldest is the least recently used entry; None if l is empty.
func (l *LRU[V]) Oldest() uint32 { return l.tail }

// Value is entry e's value, for reading and writing.
func (l *LRU[V]) Value(e uint32) *V { return &l.ents[e].v }

// Entries is the number of entries allocated, held or free: every index
// below it is one that Add returned.
func (l *LRU[V]) Entries() int { return len(l.ents) }

// Held reports whether entry e holds a key (it is not free). e must be
// below Entries.
func (l *LRU[V]) Held(e uint32) bool { return l.ents[e].prev != freed }

// find returns the idx position holding d, or -1 and the first empty
// position of d's probe run.
func (l *LRU[V]) find(d Digest) (pos, empty int) {
	f := fragment(d)
	mask := len(l.idx) - 1
	for i := int(f) & mask; ; i = (i + 1) & mask {
		s := l.idx[i]
		if s == 0 {
			return -1, i
		}
		if slotFrag(s) == f && l.ents[slotEnt(s)].d == d {
			return i, -1
		}
	}
}

// Get returns the entry holding d and its idx position (for Remove), if
// any. It does not change the order.
func (l *LRU[V]) Get(d Digest) (e uint32, pos int, ok bool) {
	pos, _ = l.find(d)
	if pos < 0 {
		return None, -1, false
	}
	return slotEnt(l.idx[pos]), pos, true
}

// ToFront makes entry e the most recently used.
func (l *LRU[V]) ToFront(e uint32) {
	if l.head == e {
		return
	}
	l.unlink(e)
	l.pushFront(e)
}

func (l *LRU[V]) unlink(e uint32) {
	x := &l.ents[e]
	if x.prev != None {
		l.ents[x.prev].next = x.next
	} else {
		l.head = x.next
	}
	if x.next != None {
		l.ents[x.next].prev = x.prev
	} else {
		l.tail = x.prev
	}
}

func (l *LRU[V]) pushFront(e uint32) {
	x := &l.ents[e]
	x.prev, x.next = None, l.head
	if l.head != None {
		l.ents[l.head].prev = e
	} else {
		l.tail = e
	}
	l.head = e
}

// Add inserts d, known absent, with value v as the most recently used entry,
// and returns that entry. The caller has made room: !l.Full().
func (l *LRU[V]) Add(d Digest, v V) uint32 {
	var e uint32
	if l.free != None {
		e = l.free
		l.free = l.ents[e].next
	} else {
		e = uint32(len(l.ents))
		l.ents = append(l.ents, entry[V]{})
	}
	l.ents[e].d, l.ents[e].v = d, v
	l.pushFront(e)
	l.n++
	if l.n*4 > len(l.idx)*3 && len(l.idx) < l.maxIdx {
		l.grow()
	}
	_, i := l.find(d)
	l.idx[i] = slotOf(fragment(d), e)
	return e
}

// Remove drops entry e, whose idx position is pos (from Get).
func (l *LRU[V]) Remove(e uint32, pos int) {
	l.unlink(e)
	l.ents[e] = entry[V]{prev: freed, next: l.free}
	l.free = e
	l.n--
	l.deleteSlot(pos)
}

// RemoveEntry drops entry e, which holds a key.
func (l *LRU[V]) RemoveEntry(e uint32) {
	pos, _ := l.find(l.ents[e].d)
	l.Remove(e, pos)
}

// deleteSlot empties idx position i, shifting later slots of its probe run
// back so that no lookup stops early (no tombstones).
func (l *LRU[V]) deleteSlot(i int) {
	mask := len(l.idx) - 1
	for j := (i + 1) & mask; l.idx[j] != 0; j = (j + 1) & mask {
		// The slot at j may move to i unless its home lies cyclically in
		// (i, j].
		k := int(slotFrag(l.idx[j])) & mask
		if i <= j {
			if i < k && k <= j {
				continue
			}
		} else if i < k || k <= j {
			continue
		}
		l.idx[i] = l.idx[j]
		i = j
	}
	l.idx[i] = 0
}

// grow doubles idx and reinserts every slot.
func (l *LRU[V]) grow() {
	old := l.idx
	l.idx = make([]uint64, 2*len(old))
	mask := len(l.idx) - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := int(slotFrag(s)) & mask
		for l.idx[i] != 0 {
			i = (i + 1) & mask
		}
		l.idx[i] = s
	}
}
