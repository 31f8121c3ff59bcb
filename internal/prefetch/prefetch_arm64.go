//go:build !purego

package prefetch

import "unsafe"

// Write brings the cache line holding p towards the CPU for writing (PRFM
// PSTL1KEEP), without waiting for it.
//
//go:noescape
func Write(p unsafe.Pointer)
