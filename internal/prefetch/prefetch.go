// Package prefetch asks the CPU to start loading a cache line without
// waiting for it: a hint that lets the cache misses of a data structure
// overlap with work the caller does before it touches the line. The memory
// stores use it (ratelimit.Memory before reading the clock, replay.Memory
// before the middleware checks a signature).
//
// Write never faults and has no effect on results; on architectures
// without an implementation, and with the purego build tag, it does
// nothing.
package prefetch
