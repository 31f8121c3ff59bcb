//go:build !linux

package hmac_test

import "time"

// threadCPU falls back to the wall clock where thread CPU time is not
// available.
func threadCPU() time.Duration { return time.Duration(time.Now().UnixNano()) }
