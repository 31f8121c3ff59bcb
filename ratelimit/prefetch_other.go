//go:build (!amd64 && !arm64) || purego

package ratelimit

// prefetch is a hint that e's cache line will be written soon; on this
// architecture it does nothing.
func prefetch(*slot) {}
