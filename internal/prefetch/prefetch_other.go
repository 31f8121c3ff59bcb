//go:build (!amd64 && !arm64) || purego

package prefetch

import "unsafe"

// Write is a hint that the cache line holding p will be written soon; on
// this architecture, or with the purego build tag, it does nothing.
func Write(unsafe.Pointer) {}
