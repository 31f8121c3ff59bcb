//go:build !purego

package prefetch

import "unsafe"

// Write brings the cache line holding p towards the CPU in a writable state
// where the CPU can (PREFETCHW), else readable (PREFETCHT0), without
// waiting for it.
//
//go:noescape
func Write(p unsafe.Pointer)

// hasPrefetchW reports whether the CPU has PREFETCHW (CPUID 8000_0001h ECX
// bit 8: AMD's 3DNowPrefetch, Intel's PRFCHW since Broadwell). Write falls
// back to PREFETCHT0, which every amd64 CPU has, when it does not.
var hasPrefetchW = cpuidExt1ECX()&(1<<8) != 0

// cpuidExt1ECX returns ECX of CPUID leaf 8000_0001h.
func cpuidExt1ECX() uint32
