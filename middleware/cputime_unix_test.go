//go:build unix

package middleware

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time of the process so far: on a
// shared machine it is a steadier measure than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
