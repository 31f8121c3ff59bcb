package replay_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/replay"
)

func TestKey(t *testing.T) {
	require.Equal(t, "6:stripe:evt_123", replay.Key("stripe", "evt_123"))
	require.Equal(t, "0::", replay.Key("", ""))
	require.NotEqual(t, replay.Key("a:b", "c"), replay.Key("a", "b:c"))
	require.NotEqual(t, replay.Key("github-app-1", "d1"), replay.Key("github-app-2", "d1"))

	long := strings.Repeat("x", 500)
	k := replay.Key("github", long)
	require.True(t, strings.HasPrefix(k, "6:github#"), k)
	require.Len(t, k, len("6:github#")+43)
	require.NotContains(t, k, long[:64], "an over-long ID must not be stored raw")
	require.NotEqual(t, k, replay.Key("github", long+"y"))
	require.NotEqual(t, k, replay.Key("githuB", long))

	k = replay.Key(long, "id")
	require.True(t, strings.HasPrefix(k, "#"), k)
	require.Len(t, k, 44)
	require.NotEqual(t, k, replay.Key(long, "id2"))
	require.NotEqual(t, k, replay.Key(long[:499], "xid"))
}

func TestKeyBoundary(t *testing.T) {
	src := "stripe"
	for n := replay.MaxKeyLen - 20; n <= replay.MaxKeyLen+20; n++ {
		id := strings.Repeat("i", n)
		k := replay.Key(src, id)
		require.LessOrEqual(t, len(k), replay.MaxKeyLen)
		if 2+len(src)+len(id)+1 <= replay.MaxKeyLen {
			require.Equal(t, "6:stripe:"+id, k)
		}
	}
}

// FuzzKey checks the namespacing property: Key is deterministic, bounded
// and injective over (source, id) pairs.
func FuzzKey(f *testing.F) {
	long := strings.Repeat("z", 200)
	for _, s := range [][4]string{
		{"a:b", "c", "a", "b:c"},
		{"stripe", "evt_1", "stripe", "evt_2"},
		{"", "1:a:b", "1:a", "b"},
		{"github", long, "github", long + "x"},
		{long, "a", long + "a", ""},
		{"6:stripe", "x", "stripe", "x"},
		{"x", "#", "", "x#"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, s1, id1, s2, id2 string) {
		k1, k2 := replay.Key(s1, id1), replay.Key(s2, id2)
		if len(k1) > replay.MaxKeyLen || len(k2) > replay.MaxKeyLen {
			t.Fatalf("key longer than MaxKeyLen: %d, %d", len(k1), len(k2))
		}
		if k1 != replay.Key(s1, id1) {
			t.Fatal("Key is not deterministic")
		}
		if (s1 == s2 && id1 == id2) != (k1 == k2) {
			t.Fatalf("Key(%q, %q) = %q and Key(%q, %q) = %q", s1, id1, k1, s2, id2, k2)
		}
	})
}
