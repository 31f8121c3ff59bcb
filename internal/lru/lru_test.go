package lru

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// modelLRU is the reference the pointer-free lru is checked against: keys
// from most to least recently written, and their int64s.
type modelLRU struct {
	order []Digest
	recs  map[Digest]int64
}

func (m *modelLRU) toFront(d Digest) {
	i := slices.Index(m.order, d)
	m.order = slices.Delete(m.order, i, i+1)
	m.order = slices.Insert(m.order, 0, d)
}

func (m *modelLRU) remove(d Digest) {
	i := slices.Index(m.order, d)
	m.order = slices.Delete(m.order, i, i+1)
	delete(m.recs, d)
}

// checkLRU verifies every invariant of l and that it holds exactly what the
// model holds, in the same order.
func checkLRU(t *testing.T, l *LRU[int64], m *modelLRU) {
	t.Helper()
	if l.n != len(m.order) {
		t.Fatalf("n = %d, model holds %d", l.n, len(m.order))
	}
	if l.n > l.cap {
		t.Fatalf("n = %d above cap %d", l.n, l.cap)
	}
	// The list, walked from head, is the model's order, and prev links
	// mirror next links.
	prev := None
	var walked []Digest
	for e := l.head; e != None; e = l.ents[e].next {
		if l.ents[e].prev != prev {
			t.Fatalf("entry %d: prev %d, want %d", e, l.ents[e].prev, prev)
		}
		if !l.Held(e) {
			t.Fatalf("listed entry %d not held", e)
		}
		walked = append(walked, l.ents[e].d)
		if rec := l.ents[e].v; rec != m.recs[l.ents[e].d] {
			t.Fatalf("entry %d: int64 %d, model %d", e, rec, m.recs[l.ents[e].d])
		}
		prev = e
		if len(walked) > l.n {
			t.Fatal("list longer than n (cycle?)")
		}
	}
	if l.tail != prev {
		t.Fatalf("tail %d, list ends at %d", l.tail, prev)
	}
	if !slices.Equal(walked, m.order) {
		t.Fatalf("list order %v, model %v", walked, m.order)
	}
	// Free entries plus listed ones account for every entry.
	free := 0
	for e := l.free; e != None; e = l.ents[e].next {
		free++
		if l.Held(e) {
			t.Fatalf("free entry %d held", e)
		}
		if free > len(l.ents) {
			t.Fatal("free list cycle")
		}
	}
	if free+l.n != len(l.ents) {
		t.Fatalf("%d free + %d held != %d entries", free, l.n, len(l.ents))
	}
	// The index holds one slot per key, each reachable from its home
	// without crossing an empty slot, and load stays at most 3/4 unless
	// idx is at its final size.
	slots := 0
	mask := len(l.idx) - 1
	for i, s := range l.idx {
		if s == 0 {
			continue
		}
		slots++
		e := slotEnt(s)
		if int(e) >= len(l.ents) || slotFrag(s) != fragment(l.ents[e].d) {
			t.Fatalf("idx[%d] = %x does not match its entry", i, s)
		}
		for j := int(slotFrag(s)) & mask; j != i; j = (j + 1) & mask {
			if l.idx[j] == 0 {
				t.Fatalf("idx[%d] unreachable: empty slot %d on its probe run", i, j)
			}
		}
		if p, _ := l.find(l.ents[e].d); p != i {
			t.Fatalf("find of entry %d's key = %d, want %d", e, p, i)
		}
	}
	if slots != l.n {
		t.Fatalf("%d idx slots for %d keys", slots, l.n)
	}
	if len(l.idx) > l.maxIdx || (len(l.idx) < l.maxIdx && l.n*4 > len(l.idx)*3) {
		t.Fatalf("idx size %d (max %d) for %d keys", len(l.idx), l.maxIdx, l.n)
	}
}

// TestLRUAgainstModel runs random adds, updates, moves, removals and
// evictions on small lrus and checks each step against the model. Digests
// are drawn from a small universe whose fragments collide often, so probe
// runs, wrap-around and backward-shift deletion are all exercised.
func TestLRUAgainstModel(t *testing.T) {
	for _, capacity := range []int{1, 2, 3, 7, 16, 50, 200} {
		rng := rand.New(rand.NewPCG(uint64(capacity), 1))
		var l LRU[int64]
		l.Init(capacity)
		m := &modelLRU{recs: map[Digest]int64{}}
		universe := make([]Digest, 3*capacity+4)
		for i := range universe {
			// Few distinct fragments: many keys share a home.
			frag := uint64(rng.IntN(capacity + 3))
			universe[i] = Digest{frag<<32 | uint64(i), uint64(i)}
		}
		for step := range 20_000 {
			d := universe[rng.IntN(len(universe))]
			r := int64(rng.Int64())
			e, pos, ok := l.Get(d)
			if _, inModel := m.recs[d]; ok != inModel {
				t.Fatalf("cap %d step %d: get found %v, model %v", capacity, step, ok, inModel)
			}
			switch op := rng.IntN(10); {
			case ok && op < 4: // Complete or expired re-Claim of a held key
				*l.Value(e) = r
				l.ToFront(e)
				m.recs[d] = r
				m.toFront(d)
			case ok && op < 6: // Release
				l.Remove(e, pos)
				m.remove(d)
			case ok && op < 7: // a second chance for the oldest
				l.ToFront(l.tail)
				m.toFront(m.order[len(m.order)-1])
			case !ok:
				if l.n >= l.cap {
					m.remove(m.order[len(m.order)-1])
					l.RemoveEntry(l.Oldest())
				}
				l.Add(d, r)
				m.recs[d] = r
				m.order = slices.Insert(m.order, 0, d)
			}
			checkLRU(t, &l, m)
		}
	}
}

// TestLRUGrowsToCapacityAndReusesEntries fills an lru to capacity through
// every idx growth, then churns it: the arrays stop growing at capacity.
func TestLRUGrowsToCapacityAndReusesEntries(t *testing.T) {
	const capacity = 1000
	var l LRU[int64]
	l.Init(capacity)
	m := &modelLRU{recs: map[Digest]int64{}}
	for i := range 5 * capacity {
		d := Digest{uint64(i) * 0x9E3779B97F4A7C15, uint64(i)}
		if l.n >= l.cap {
			m.remove(m.order[len(m.order)-1])
			l.RemoveEntry(l.Oldest())
		}
		l.Add(d, int64(i))
		m.recs[d] = int64(i)
		m.order = slices.Insert(m.order, 0, d)
		if i%97 == 0 || i == capacity-1 {
			checkLRU(t, &l, m)
		}
	}
	checkLRU(t, &l, m)
	if len(l.ents) != capacity {
		t.Fatalf("%d entries allocated for capacity %d", len(l.ents), capacity)
	}
	if len(l.idx) != l.maxIdx {
		t.Fatalf("idx size %d, want %d", len(l.idx), l.maxIdx)
	}
}
