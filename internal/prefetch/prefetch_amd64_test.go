//go:build !purego

package prefetch

import (
	"testing"
	"unsafe"
)

// TestFallback runs Write's PREFETCHT0 branch, the one CPUs without
// PREFETCHW take, whatever this CPU has. A wrong encoding or operand there
// would stop the test with an illegal-instruction or memory fault.
func TestFallback(t *testing.T) {
	defer func(had bool) { hasPrefetchW = had }(hasPrefetchW)
	hasPrefetchW = false
	var x [64]byte
	Write(unsafe.Pointer(&x[0]))
}
