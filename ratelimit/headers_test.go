package ratelimit_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/ratelimit"
)

func TestWriteHeaders(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		d                         ratelimit.Decision
		retryAfter, policy, limit string
	}{
		{
			name:   "allowed",
			d:      ratelimit.Decision{Allowed: true, Limit: 100, Remaining: 42, ResetAfter: 17200 * time.Millisecond, Window: time.Minute},
			policy: `"default";q=100;w=60`,
			limit:  `"default";r=42;t=18`,
		},
		{
			name:   "allowed and full (rate.Inf)",
			d:      ratelimit.Decision{Allowed: true, Limit: 5, Remaining: 5},
			policy: `"default";q=5`,
			limit:  `"default";r=5;t=0`,
		},
		{
			name:       "refused: rounded up",
			d:          ratelimit.Decision{Limit: 10, RetryAfter: 1200 * time.Millisecond, ResetAfter: 9 * time.Second, Window: 10 * time.Second},
			retryAfter: "2",
			policy:     `"default";q=10;w=10`,
			limit:      `"default";r=0;t=2`,
		},
		{
			name:       "refused: exact seconds stay",
			d:          ratelimit.Decision{Limit: 1, RetryAfter: 3 * time.Second, Window: 3 * time.Second},
			retryAfter: "3",
			policy:     `"default";q=1;w=3`,
			limit:      `"default";r=0;t=3`,
		},
		{
			name:       "refused: a nanosecond is a second",
			d:          ratelimit.Decision{Limit: 1, RetryAfter: 1, Window: 100 * time.Millisecond},
			retryAfter: "1",
			policy:     `"default";q=1;w=1`,
			limit:      `"default";r=0;t=1`,
		},
		{
			name:       "refused without RetryAfter: at least one second",
			d:          ratelimit.Decision{Limit: 1},
			retryAfter: "1",
			policy:     `"default";q=1`,
			limit:      `"default";r=0;t=0`,
		},
		{
			name:   "named policy, escaped",
			d:      ratelimit.Decision{Allowed: true, Limit: 1, Policy: "we\"b\\h\nooks\x7fé"},
			policy: `"we\"b\\h_ooks___";q=1`,
			limit:  `"we\"b\\h_ooks___";r=0;t=0`,
		},
		{
			name:   "nonsense counts clamp at zero",
			d:      ratelimit.Decision{Allowed: true, Limit: -1, Remaining: -3, ResetAfter: -time.Second},
			policy: `"default";q=0`,
			limit:  `"default";r=0;t=0`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			h.Set("Retry-After", "999") // replaced or, when allowed, left alone
			h.Set("RateLimit", "stale")
			ratelimit.WriteHeaders(h, tc.d)
			if tc.retryAfter != "" {
				require.Equal(t, []string{tc.retryAfter}, h.Values("Retry-After"))
			} else {
				require.Equal(t, "999", h.Get("Retry-After"))
			}
			require.Equal(t, []string{tc.policy}, h.Values("RateLimit-Policy"))
			require.Equal(t, []string{tc.limit}, h.Values("RateLimit"))
		})
	}
}

func TestWriteHeadersFromMemory(t *testing.T) {
	m := must(ratelimit.NewMemory(10, 5, 10)) // refills in 500ms
	now := time.Unix(0, 0)
	for range 5 {
		m.TakeAt("k", now)
	}
	d := m.TakeAt("k", now)
	h := http.Header{}
	ratelimit.WriteHeaders(h, d)
	require.Equal(t, "1", h.Get("Retry-After"))
	require.Equal(t, `"default";q=5;w=1`, h.Get("RateLimit-Policy"))
	require.Equal(t, `"default";r=0;t=1`, h.Get("RateLimit"))
}

// parseItem parses one RFC 9651 Item of the shape WriteHeaders writes: a
// String followed by integer parameters. It fails on anything else.
func parseItem(t *testing.T, v string) (string, map[string]int64) {
	t.Helper()
	require.True(t, strings.HasPrefix(v, `"`), v)
	var name strings.Builder
	i := 1
	for ; ; i++ {
		require.Less(t, i, len(v), "unterminated string %q", v)
		c := v[i]
		require.True(t, c >= 0x20 && c <= 0x7e, "byte %#x in %q", c, v)
		if c == '\\' {
			i++
			require.Less(t, i, len(v))
			require.Contains(t, `"\`, string(v[i]), "bad escape in %q", v)
			name.WriteByte(v[i])
			continue
		}
		if c == '"' {
			break
		}
		name.WriteByte(c)
	}
	params := map[string]int64{}
	for _, p := range strings.Split(v[i+1:], ";")[1:] {
		k, val, ok := strings.Cut(p, "=")
		require.True(t, ok, "parameter %q in %q", p, v)
		n, err := strconv.ParseInt(val, 10, 64)
		require.NoError(t, err, v)
		require.GreaterOrEqual(t, n, int64(0), v)
		require.LessOrEqual(t, n, int64(999_999_999_999_999), "sf-integer range: %q", v)
		params[k] = n
	}
	require.True(t, v[i+1:] == "" || v[i+1] == ';', v)
	return name.String(), params
}

func FuzzWriteHeaders(f *testing.F) {
	f.Add("default", true, 10, 3, int64(0), int64(time.Second), int64(time.Minute))
	f.Add("we\"b\\", false, 1, 0, int64(1), int64(1), int64(1))
	f.Add("\x00\xff", false, -1, -1, int64(-1), int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, policy string, allowed bool, limit, remaining int, retry, reset, window int64) {
		d := ratelimit.Decision{Allowed: allowed, Limit: limit, Remaining: remaining,
			RetryAfter: time.Duration(retry), ResetAfter: time.Duration(reset), Window: time.Duration(window), Policy: policy}
		h := http.Header{}
		ratelimit.WriteHeaders(h, d)
		pname, pp := parseItem(t, h.Get("RateLimit-Policy"))
		lname, lp := parseItem(t, h.Get("RateLimit"))
		require.Equal(t, pname, lname)
		if policy == "" {
			require.Equal(t, "default", pname)
		} else {
			require.Len(t, pname, len(policy))
		}
		require.Contains(t, pp, "q")
		if w, ok := pp["w"]; ok {
			require.Positive(t, w)
		}
		require.Contains(t, lp, "r")
		require.Contains(t, lp, "t")
		ra := h.Get("Retry-After")
		if allowed {
			require.Empty(t, ra)
			return
		}
		n, err := strconv.ParseInt(ra, 10, 64)
		require.NoError(t, err)
		require.Positive(t, n)
		// Retry-After never points before the end of the effective window.
		require.GreaterOrEqual(t, n, lp["t"])
		require.GreaterOrEqual(t, float64(n)*1e9, float64(d.RetryAfter))
	})
}
