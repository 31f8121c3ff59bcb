package benchmarks

import (
	"errors"
	"net/netip"
	"strconv"
	"testing"
)

func buildMatcher(tb testing.TB, m IPMatcher, ps []netip.Prefix) func(netip.Addr) bool {
	tb.Helper()
	f, err := m.Build(ps)
	if errors.Is(err, ErrUnavailable) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatalf("%s: %v", m.Name, err)
	}
	return f
}

// TestIPMatchersAgree proves every allow-list implementation gives the
// linear scan's answer for every query, and that the queries contain both
// hits and misses.
func TestIPMatchersAgree(t *testing.T) {
	for _, n := range []int{10, 1_000} {
		ps := Prefixes(n)
		qs := Queries(ps, 2_000)
		var want []bool
		hits := 0
		linear := buildMatcher(t, IPMatchers()[2], ps)
		for _, q := range qs {
			ok := linear(q)
			want = append(want, ok)
			if ok {
				hits++
			}
		}
		if hits < len(qs)/2 || hits == len(qs) {
			t.Fatalf("%d prefixes: %d hits of %d queries; want at least half and some misses", n, hits, len(qs))
		}
		for _, m := range IPMatchers() {
			t.Run(strconv.Itoa(n)+"/"+m.Key, func(t *testing.T) {
				contains := buildMatcher(t, m, ps)
				for i, q := range qs {
					if got := contains(q); got != want[i] {
						t.Fatalf("Contains(%v) = %v, linear scan says %v", q, got, want[i])
					}
				}
			})
		}
	}
}

// BenchmarkIPLookup times one membership test over the same deterministic
// prefixes and queries.
func BenchmarkIPLookup(b *testing.B) {
	for _, n := range PrefixCounts {
		for _, m := range IPMatchers() {
			b.Run(strconv.Itoa(n)+"/"+m.Key, func(b *testing.B) {
				ps := Prefixes(n)
				qs := Queries(ps, 4096)
				contains := buildMatcher(b, m, ps)
				i, hits := 0, 0
				chunk := 256
				if m.Kind == KindFloor && n >= 100_000 {
					chunk = 1 // a linear scan of 100 000 prefixes is a chunk on its own
				}
				timeOps(b, chunk, func() error {
					if contains(qs[i&4095]) {
						hits++
					}
					i++
					return nil
				})
				if i > 4096 && hits == 0 {
					b.Fatal("no query matched")
				}
			})
		}
	}
}
