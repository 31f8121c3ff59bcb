package bounded

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValues(t *testing.T) {
	b := &Values{Max: 2}
	require.Equal(t, "a", b.Get("a"))
	require.Equal(t, "b", b.Get("b"))
	require.Equal(t, Other, b.Get("c"), "past the cap")
	require.Equal(t, "a", b.Get("a"), "admitted values stay admitted")
	require.Equal(t, "", b.Get(""), "no value is not a value")
	require.Equal(t, Other, (&Values{}).Get("x"), "the zero value admits none")
}

func TestValuesConcurrent(t *testing.T) {
	b := &Values{Max: 10}
	var wg sync.WaitGroup
	got := make([][]string, 8)
	for g := range got {
		wg.Go(func() {
			for i := range 100 {
				got[g] = append(got[g], b.Get(fmt.Sprint(i)))
			}
		})
	}
	wg.Wait()
	distinct := map[string]bool{}
	for _, vs := range got {
		for _, v := range vs {
			distinct[v] = true
		}
	}
	require.Len(t, distinct, 11, "10 admitted values plus other")
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{{200, "200"}, {100, "100"}, {599, "599"}, {99, Other}, {600, Other}, {0, Other}, {-1, Other}} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			require.Equal(t, tc.want, Status(tc.code))
		})
	}
}
