package clock

import (
	"testing"
	"time"
)

func TestNowAndAt(t *testing.T) {
	cur := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := New(func() time.Time { return cur })
	if got := c.Now(); got != 0 {
		t.Fatalf("Now at creation = %d, want 0", got)
	}
	cur = cur.Add(1500 * time.Millisecond)
	if got := c.Now(); got != int64(1500*time.Millisecond) {
		t.Fatalf("Now = %d, want 1.5s", got)
	}
	if got := c.At(cur.Add(-time.Hour)); got != int64(1500*time.Millisecond-time.Hour) {
		t.Fatalf("At = %d", got)
	}
}

func TestRealClock(t *testing.T) {
	r := New(nil)
	t0 := time.Now()
	a, b := r.Now(), r.At(t0)
	if a < 0 || b < 0 {
		t.Fatalf("real clock went backwards: Now %d, At %d", a, b)
	}
	if later := r.At(time.Now()); later < b {
		t.Fatalf("At(later) = %d < At(earlier) = %d", later, b)
	}
}
