//go:build unix

package replay_test

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time the process has used. The
// benchmarks report it per op next to wall time: on a shared, overloaded
// machine wall ns/op mostly measures the wait for a core.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
