//go:build !purego

package ratelimit

import "testing"

// TestPrefetchFallback runs prefetch's PREFETCHT0 branch, the one CPUs
// without PREFETCHW take, whatever this CPU has. A wrong encoding or operand
// there would stop the test with an illegal-instruction or memory fault.
func TestPrefetchFallback(t *testing.T) {
	defer func(had bool) { hasPrefetchW = had }(hasPrefetchW)
	hasPrefetchW = false
	var e slot
	prefetch(&e)
}
