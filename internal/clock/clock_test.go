package clock

import (
	"testing"
	"time"
)

type store struct {
	src // embedded under an unexported name, as the stores do
}

type src = Source

func TestReal(t *testing.T) {
	fake := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name string
		v    any
		want bool
	}{
		{"real store", &store{src: New(nil)}, true},
		{"fake store", &store{src: New(func() time.Time { return fake })}, false},
		{"source", func() *Source { s := New(nil); return &s }(), true},
		{"not a store", &struct{ src Source }{New(nil)}, false}, // a named field promotes nothing
		{"nil", nil, false},
		{"store by value", store{src: New(nil)}, false}, // the method has a pointer receiver
	}
	for _, c := range cases {
		if got := Real(c.v); got != c.want {
			t.Errorf("%s: Real = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNowAndAt(t *testing.T) {
	cur := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := New(func() time.Time { return cur })
	if got := Now(&s); got != 0 {
		t.Fatalf("Now at creation = %d, want 0", got)
	}
	cur = cur.Add(1500 * time.Millisecond)
	if got := Now(&s); got != int64(1500*time.Millisecond) {
		t.Fatalf("Now = %d, want 1.5s", got)
	}
	if got := At(&s, cur.Add(-time.Hour)); got != int64(1500*time.Millisecond-time.Hour) {
		t.Fatalf("At = %d", got)
	}

	r := New(nil)
	t0 := time.Now()
	a, b := Now(&r), At(&r, t0)
	if a < 0 || b < 0 {
		t.Fatalf("real clock went backwards: Now %d, At %d", a, b)
	}
	// A later reading gives a later offset.
	if later := At(&r, time.Now()); later < b {
		t.Fatalf("At(later) = %d < At(earlier) = %d", later, b)
	}
}
