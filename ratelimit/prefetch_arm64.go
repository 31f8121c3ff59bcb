//go:build !purego

package ratelimit

// prefetch asks the CPU to bring e's cache line in for writing (PRFM
// PSTL1KEEP), without waiting for it. It is a hint: it never faults and has
// no effect on results. See Memory.Take for why it pays.
//
//go:noescape
func prefetch(e *slot)
