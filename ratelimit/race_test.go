//go:build race

package ratelimit_test

// raceEnabled reports whether the race detector is on: it slows Take tenfold
// and inflates the heap, so the memory-bound test does not run under it.
const raceEnabled = true
