package rotation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hookguard/hookguard/rotation"
	"github.com/stretchr/testify/require"
)

var p = rotation.Policy[int]{Package: "test", Label: "key"}

func ids(s *rotation.Set[int]) []string {
	var out []string
	for _, k := range s.Keys() {
		out = append(out, k.ID)
	}
	return out
}

func TestSet(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var s rotation.Set[int]
	require.Empty(t, s.Keys())
	require.NoError(t, s.Init(&p, rotation.Key[int]{Value: 1}, rotation.Key[int]{ID: "b", Value: 2}))
	require.Equal(t, []string{"b", "key-1"}, ids(&s))
	require.ErrorContains(t, s.RotateAt(&p, rotation.Key[int]{ID: "b"}, time.Hour, t0), "duplicate")
	require.ErrorContains(t, s.RotateAt(&p, rotation.Key[int]{ID: "c"}, -1, t0), "negative")
	require.NoError(t, s.RotateAt(&p, rotation.Key[int]{ID: "c", Value: 3}, time.Hour, t0))
	require.Equal(t, []string{"c", "b", "key-1"}, ids(&s))
	keys := s.Keys()
	c := rotation.At(t0.Add(30 * time.Minute))
	require.True(t, keys[0].Usable(&c))
	require.True(t, keys[1].Usable(&c))
	late := rotation.At(t0.Add(2 * time.Hour))
	require.False(t, keys[1].Usable(&late))
	require.True(t, keys[0].Usable(&late), "the newest key has no bounds")
	require.NoError(t, s.Revoke(&p, "b"))
	require.ErrorContains(t, s.Revoke(&p, "b"), `no key with ID "b"`)
	require.Equal(t, []string{"c", "key-1"}, ids(&s))
	require.ErrorContains(t, s.Init(&p, rotation.Key[int]{ID: "x", NotBefore: t0, NotAfter: t0}), "NotAfter")
}

func TestClockReadsOnce(t *testing.T) {
	var c rotation.Clock
	first := c.Now()
	require.Equal(t, first, c.Now())
}

func ExampleSet() {
	var s rotation.Set[string]
	p := rotation.Policy[string]{Package: "example", Label: "key"}
	_ = s.Init(&p, rotation.Key[string]{ID: "2025", Value: "old"})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_ = s.RotateAt(&p, rotation.Key[string]{ID: "2026", Value: "new"}, 24*time.Hour, now)
	for _, k := range s.Keys() {
		fmt.Println(k.ID, k.Value, k.NotAfter.Format(time.DateOnly))
	}
	// Output:
	// 2026 new 0001-01-01
	// 2025 old 2026-01-02
}
