package replay

// lru is the non-thread-safe core of one shard of a Memory: the records of
// up to cap keys in least-recently-written order. It is golang-lru's
// simplelru (a hash index over a doubly linked list) laid out without
// pointers:
//
//   - ents is an array of entries linked into the list by uint32 indices,
//     with unused entries on a free list; it grows by appending, up to cap;
//   - idx is an open-addressing hash table (linear probing, backward-shift
//     deletion, load at most 3/4) of 8-byte slots, each holding an entry's
//     index and 32 bits of its digest, which also choose its home slot.
//
// Holding no pointers, neither array is ever scanned by the garbage
// collector, and a new key costs no allocation of its own. A lookup of an
// absent key reads one idx line (a 32-bit match that is not the key is rare:
// load / 2³²); a present key reads one idx line and its entry. Evicting the
// oldest record reads its entry, which the previous eviction's unlinking
// already brought into the cache, and its idx line.
//
// The fields every new key writes come first, so that with the shard's
// mutex before them they share one cache line: under contention from
// several cores, each line a shard writes is one more to pass between them.
type lru struct {
	head, tail uint32 // most and least recently written entries; none if empty
	free       uint32 // first free entry, linked through next; none if none
	n          int    // keys held
	ents       []entry
	idx        []uint64
	cap        int // most keys held
	maxIdx     int // idx size at which load stays <= 3/4 with cap keys
}

// none is the null entry index.
const none = ^uint32(0)

// maxLRUCap is the largest capacity one lru holds: entry indices are
// uint32, none excluded, and idx must stay addressable by 32-bit homes.
const maxLRUCap = 1 << 30

// entry is one key's record, 32 bytes: two to a cache line.
type entry struct {
	d          digest
	r          record
	prev, next uint32 // towards head (newer) and tail (older)
}

// idx slot layout: the low 32 bits hold the entry index + 1 (0 marks an
// empty slot), the high 32 bits the key's fragment.
func slotOf(frag, e uint32) uint64 { return uint64(frag)<<32 | uint64(e+1) }
func slotEnt(s uint64) uint32      { return uint32(s) - 1 }
func slotFrag(s uint64) uint32     { return uint32(s >> 32) }

// fragment is the 32 bits of d that choose its idx home and pre-filter
// matches. The shard was chosen by d[0]'s low bits, so they are not used.
func fragment(d digest) uint32 { return uint32(d[0] >> 32) }

func (l *lru) init(capacity int) {
	*l = lru{head: none, tail: none, free: none, cap: capacity, maxIdx: 8}
	for l.maxIdx*3 < capacity*4 {
		l.maxIdx <<= 1
	}
	l.idx = make([]uint64, min(l.maxIdx, 64))
}

// find returns the idx position holding d, or -1 and the first empty
// position of d's probe run.
func (l *lru) find(d digest) (pos, empty int) {
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

// get returns the entry index holding d and its idx position, if any.
func (l *lru) get(d digest) (e uint32, pos int, ok bool) {
	pos, _ = l.find(d)
	if pos < 0 {
		return none, -1, false
	}
	return slotEnt(l.idx[pos]), pos, true
}

// set gives entry e the record r and makes it the most recent.
func (l *lru) set(e uint32, r record) {
	l.ents[e].r = r
	l.toFront(e)
}

// toFront moves entry e to the head of the list.
func (l *lru) toFront(e uint32) {
	if l.head == e {
		return
	}
	l.unlink(e)
	l.pushFront(e)
}

func (l *lru) unlink(e uint32) {
	x := &l.ents[e]
	if x.prev != none {
		l.ents[x.prev].next = x.next
	} else {
		l.head = x.next
	}
	if x.next != none {
		l.ents[x.next].prev = x.prev
	} else {
		l.tail = x.prev
	}
}

func (l *lru) pushFront(e uint32) {
	x := &l.ents[e]
	x.prev, x.next = none, l.head
	if l.head != none {
		l.ents[l.head].prev = e
	} else {
		l.tail = e
	}
	l.head = e
}

// add inserts d, known absent, with record r as the most recent entry. The
// caller has made room: l.n < l.cap.
func (l *lru) add(d digest, r record) {
	var e uint32
	if l.free != none {
		e = l.free
		l.free = l.ents[e].next
	} else {
		e = uint32(len(l.ents))
		l.ents = append(l.ents, entry{})
	}
	l.ents[e].d, l.ents[e].r = d, r
	l.pushFront(e)
	l.n++
	if l.n*4 > len(l.idx)*3 && len(l.idx) < l.maxIdx {
		l.grow()
	}
	_, i := l.find(d)
	l.idx[i] = slotOf(fragment(d), e)
}

// remove drops entry e, whose idx position is pos.
func (l *lru) remove(e uint32, pos int) {
	l.unlink(e)
	l.ents[e] = entry{next: l.free}
	l.free = e
	l.n--
	l.deleteSlot(pos)
}

// removeOldest drops the least recently written entry; the list is not
// empty.
func (l *lru) removeOldest() {
	e := l.tail
	pos, _ := l.find(l.ents[e].d)
	l.remove(e, pos)
}

// deleteSlot empties idx position i, shifting later slots of its probe run
// back so that no lookup stops early (no tombstones).
func (l *lru) deleteSlot(i int) {
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
func (l *lru) grow() {
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
