package ratelimit_test

import (
	"testing"
	"time"
)

func BenchmarkTakeAtFixed(b *testing.B) {
	keys := ipKeys(liveKeys)
	m := warm(keys)
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.TakeAt(keys[i], now)
		i++
		if i == len(keys) {
			i = 0
		}
	}
}
