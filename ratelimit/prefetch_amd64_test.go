//go:build !purego

package ratelimit

import "testing"

// TestPrefetchFallback runs prefetch's PREFETCHT0 branch, the one CPUs
// without PREFETCHW take, whatever this CPU has.
func TestPrefetchFallback(t *testing.T) {
	defer func(had bool) { hasPrefetchW = had }(hasPrefetchW)
	hasPrefetchW = false
	var e slot
	prefetch(&e)
}
