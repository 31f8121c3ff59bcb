package ipallow

import (
	"net/netip"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHolder(t *testing.T) {
	var zero Holder
	require.Nil(t, zero.Load())
	require.False(t, zero.Contains(netip.MustParseAddr("10.0.0.1")))
	require.ErrorIs(t, zero.Check(netip.MustParseAddr("10.0.0.1")), ErrNotAllowed)

	a, b := MustParse("10.0.0.0/8"), MustParse("192.0.2.0/24")
	h := NewHolder(a)
	require.Same(t, a, h.Load())
	require.True(t, h.Contains(netip.MustParseAddr("10.0.0.1")))
	require.NoError(t, h.Check(netip.MustParseAddr("::ffff:10.0.0.1")))
	h.Store(b)
	require.Same(t, b, h.Load())
	require.False(t, h.Contains(netip.MustParseAddr("10.0.0.1")))
	require.Same(t, b, h.Swap(a))
	require.Same(t, a, h.Load())
	require.Nil(t, NewHolder(nil).Load())
}

func TestHolderSwapWhileServing(t *testing.T) {
	a, b := MustParse("10.0.0.0/8, 192.0.2.1"), MustParse("172.16.0.0/12, 192.0.2.1")
	h := NewHolder(a)
	stable := netip.MustParseAddr("192.0.2.1") // in both lists
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !h.Contains(stable) {
					panic("address in every list refused during a swap")
				}
				l := h.Load()
				if l != a && l != b {
					panic("unknown list")
				}
			}
		})
	}
	for i := range 2000 {
		if i%2 == 0 {
			h.Store(b)
		} else {
			h.Store(a)
		}
	}
	close(stop)
	wg.Wait()
}

func TestHolderContainsZeroAllocs(t *testing.T) {
	h := NewHolder(MustParse("10.0.0.0/8, 2001:db8::/32"))
	ips := []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("::ffff:10.1.2.3"), netip.MustParseAddr("2001:db8::1%eth0"), netip.MustParseAddr("192.0.2.1")}
	require.Zero(t, testing.AllocsPerRun(100, func() {
		for _, ip := range ips {
			h.Contains(ip)
			_ = h.Check(ip)
		}
	}))
}

func TestSource(t *testing.T) {
	fixed := MustParse("192.0.2.0/24")
	swapped := MustParse("198.51.100.0/24")
	h := NewHolder(fixed)
	var nilList *List
	for _, tc := range []struct {
		name string
		src  Source
		want *List
	}{
		{"fixed list", fixed, fixed},
		{"nil list", nilList, nil},
		{"holder", h, fixed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Same(t, tc.want, tc.src.Load())
		})
	}
	var src Source = h
	h.Store(swapped)
	require.Same(t, swapped, src.Load(), "a Holder as Source sees the swap")
	require.True(t, src.Load().Contains(netip.MustParseAddr("198.51.100.7")))
}
