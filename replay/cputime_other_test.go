//go:build !unix

package replay_test

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
