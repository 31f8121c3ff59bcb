//go:build !purego

package ratelimit

// prefetch asks the CPU to bring e's cache line in, for writing where the
// CPU can, without waiting for it. It is a hint: it never faults and has no
// effect on results. See Memory.Take for why it pays.
//
//go:noescape
func prefetch(e *slot)

// hasPrefetchW reports whether the CPU has PREFETCHW (CPUID 8000_0001h ECX
// bit 8: AMD's 3DNowPrefetch, Intel's PRFCHW since Broadwell). prefetch falls
// back to PREFETCHT0, which every amd64 CPU has, when it does not.
var hasPrefetchW = cpuidExt1ECX()&(1<<8) != 0

// cpuidExt1ECX returns ECX of CPUID leaf 8000_0001h.
func cpuidExt1ECX() uint32
