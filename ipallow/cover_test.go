package ipallow

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWholeFamily(t *testing.T) {
	for _, tc := range []struct {
		name, list, want string // want: "" for neither family
	}{
		{"v4 default route", "0.0.0.0/0", "0.0.0.0/0"},
		{"v6 default route", "::/0", "::/0"},
		{"v4 halves", "0.0.0.0/1, 128.0.0.0/1", "0.0.0.0/0"},
		{"v6 halves", "::/1, 8000::/1", "::/0"},
		{"v4 uneven split", "0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/3, 160.0.0.0/3, 192.0.0.0/2", "0.0.0.0/0"},
		{"v4 overlapping", "0.0.0.0/1, 10.0.0.0/8, 64.0.0.0/2, 128.0.0.0/1", "0.0.0.0/0"},
		{"v4 halves plus v6 entry", "0.0.0.0/1, 128.0.0.0/1, 2001:db8::/32", "0.0.0.0/0"},
		{"mapped whole v4", "::ffff:0:0/96", "0.0.0.0/0"},
		{"v6 around the mapped range", "::/64, 0:0:0:1::/64, 0:0:0:2::/63, 0:0:0:4::/62, 0:0:0:8::/61, 0:0:0:10::/60, 0:0:0:20::/59, 0:0:0:40::/58, 0:0:0:80::/57, 0:0:0:100::/56, 0:0:0:200::/55, 0:0:0:400::/54, 0:0:0:800::/53, 0:0:0:1000::/52, 0:0:0:2000::/51, 0:0:0:4000::/50, 0:0:0:8000::/49, 0:0:1::/48, 0:0:2::/47, 0:0:4::/46, 0:0:8::/45, 0:0:10::/44, 0:0:20::/43, 0:0:40::/42, 0:0:80::/41, 0:0:100::/40, 0:0:200::/39, 0:0:400::/38, 0:0:800::/37, 0:0:1000::/36, 0:0:2000::/35, 0:0:4000::/34, 0:0:8000::/33, 0:1::/32, 0:2::/31, 0:4::/30, 0:8::/29, 0:10::/28, 0:20::/27, 0:40::/26, 0:80::/25, 0:100::/24, 0:200::/23, 0:400::/22, 0:800::/21, 0:1000::/20, 0:2000::/19, 0:4000::/18, 0:8000::/17, 1::/16, 2::/15, 4::/14, 8::/13, 10::/12, 20::/11, 40::/10, 80::/9, 100::/8, 200::/7, 400::/6, 800::/5, 1000::/4, 2000::/3, 4000::/2, 8000::/1", "::/0"},
		{"v4 halves less one address", "0.0.0.0/1, 128.0.0.0/2, 192.0.0.0/3, 224.0.0.0/4, 240.0.0.0/5, 248.0.0.0/6, 252.0.0.0/7, 254.0.0.0/8, 255.0.0.0/9, 255.128.0.0/10, 255.192.0.0/11, 255.224.0.0/12, 255.240.0.0/13, 255.248.0.0/14, 255.252.0.0/15, 255.254.0.0/16, 255.255.0.0/17, 255.255.128.0/18, 255.255.192.0/19, 255.255.224.0/20, 255.255.240.0/21, 255.255.248.0/22, 255.255.252.0/23, 255.255.254.0/24, 255.255.255.0/25, 255.255.255.128/26, 255.255.255.192/27, 255.255.255.224/28, 255.255.255.240/29, 255.255.255.248/30, 255.255.255.252/31, 255.255.255.254/32", ""},
		{"v4 first address missing", "0.0.0.1/32, 0.0.0.2/31, 0.0.0.4/30, 0.0.0.8/29, 0.0.0.16/28, 0.0.0.32/27, 0.0.0.64/26, 0.0.0.128/25, 0.0.1.0/24, 0.0.2.0/23, 0.0.4.0/22, 0.0.8.0/21, 0.0.16.0/20, 0.0.32.0/19, 0.0.64.0/18, 0.0.128.0/17, 0.1.0.0/16, 0.2.0.0/15, 0.4.0.0/14, 0.8.0.0/13, 0.16.0.0/12, 0.32.0.0/11, 0.64.0.0/10, 0.128.0.0/9, 1.0.0.0/8, 2.0.0.0/7, 4.0.0.0/6, 8.0.0.0/5, 16.0.0.0/4, 32.0.0.0/3, 64.0.0.0/2, 128.0.0.0/1", ""},
		{"v4 gap in the middle", "0.0.0.0/2, 128.0.0.0/1", ""},
		{"one v4 half", "0.0.0.0/1", ""},
		{"v6 half and v4 whole half", "::/1, 0.0.0.0/1", ""},
		{"provider ranges", "192.30.252.0/22, 185.199.108.0/22, 2a0a:a440::/29", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := MustParse(tc.list)
			p, ok := l.WholeFamily()
			require.Equal(t, tc.want != "", ok)
			if ok {
				require.Equal(t, netip.MustParsePrefix(tc.want), p)
			}
			err := Resolver{Trusted: l}.Validate()
			if ok {
				require.ErrorContains(t, err, "covers "+tc.want)
			} else {
				require.NoError(t, err)
			}
		})
	}
	var nilList *List
	_, ok := nilList.WholeFamily()
	require.False(t, ok)
}

// TestWholeFamilySplits: any split of 0.0.0.0/0 into random sibling
// prefixes covers it, and dropping any one piece does not.
func TestWholeFamilySplits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 200 {
		pieces := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
		for range 1 + rng.IntN(20) {
			i := rng.IntN(len(pieces))
			p := pieces[i]
			if p.Bits() == 32 {
				continue
			}
			lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
			hi := netip.PrefixFrom(lastAddr(lo).Next(), p.Bits()+1)
			pieces = append(append(pieces[:i:i], lo, hi), pieces[i+1:]...)
		}
		l, err := New(pieces...)
		require.NoError(t, err)
		_, ok := l.WholeFamily()
		require.True(t, ok, "%v", pieces)
		if len(pieces) > 1 {
			drop := rng.IntN(len(pieces))
			l, err = New(append(pieces[:drop:drop], pieces[drop+1:]...)...)
			require.NoError(t, err)
			_, ok = l.WholeFamily()
			require.False(t, ok, "%v without piece %d", pieces, drop)
		}
	}
}

// TestValidateRefusesSplitDefaultRoutes: trusting every address in two
// halves is refused like trusting 0.0.0.0/0 or ::/0.
func TestValidateRefusesSplitDefaultRoutes(t *testing.T) {
	for _, list := range []string{"0.0.0.0/1, 128.0.0.0/1", "::/1, 8000::/1", "10.0.0.0/8, 0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/1"} {
		require.Error(t, Resolver{Trusted: MustParse(list)}.Validate(), list)
	}
	require.NoError(t, Resolver{Trusted: MustParse("0.0.0.0/1, 2001:db8::/32")}.Validate())
}
