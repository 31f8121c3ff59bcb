package ipallow

import (
	"net/netip"
	"sync/atomic"
)

// Source gives the allow list in force for a request: a fixed *List, or a
// *Holder whose List may be swapped while serving. A consumer such as the
// middleware calls Load once per request and uses that List throughout it.
// Load must be safe for concurrent use and must not block.
type Source interface {
	Load() *List
}

var (
	_ Source = (*List)(nil)
	_ Source = (*Holder)(nil)
)

// Load returns l itself, so that a fixed List is a [Source] that never
// changes. It is safe on a nil List, which it returns.
func (l *List) Load() *List { return l }

// Holder holds the current List of a running server and lets it be swapped
// atomically while requests are served: readers call [Holder.Load] (or
// [Holder.Contains]) on every request and see either the old or the new List,
// never a mix, without locks.
//
// The zero Holder is ready to use and holds nil, which contains nothing.
// A Holder must not be copied after first use.
type Holder struct {
	p atomic.Pointer[List]
}

// NewHolder returns a Holder whose current List is l.
func NewHolder(l *List) *Holder {
	h := new(Holder)
	h.p.Store(l)
	return h
}

// Load returns the current List (nil if none was stored). The List is
// immutable, so the caller may keep using it after a later Store.
func (h *Holder) Load() *List {
	return h.p.Load()
}

// Store makes l the current List for every later Load.
func (h *Holder) Store(l *List) {
	h.p.Store(l)
}

// Swap makes l the current List and returns the previous one.
func (h *Holder) Swap(l *List) *List {
	return h.p.Swap(l)
}

// Contains reports whether ip is in the current List; see [List.Contains].
// It does not allocate.
func (h *Holder) Contains(ip netip.Addr) bool {
	return h.p.Load().Contains(ip)
}

// Check returns nil when ip is in the current List and [ErrNotAllowed]
// otherwise.
func (h *Holder) Check(ip netip.Addr) error {
	return h.p.Load().Check(ip)
}
