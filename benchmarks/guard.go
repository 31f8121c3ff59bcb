package benchmarks

import (
	"strings"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
	"golang.org/x/time/rate"
)

// NewGuard returns the full Guard of the load test and BenchmarkGuard:
// Standard Webhooks with the fixture secret, the allow list parsed from
// allow, a rate limit sized never to refuse n deliveries from one address,
// and a fresh in-memory replay store large enough for n unique event IDs.
// A hookguard package that is still a skeleton gives ErrUnavailable.
func NewGuard(allow string, n int) (g *middleware.Guard, err error) {
	defer recoverUnimplemented("middleware", &err)
	kr, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: KeyFor(StandardWebhooks)})
	if err != nil {
		return nil, err
	}
	list, err := ipallow.Parse(allow)
	if err != nil {
		return nil, err
	}
	budget := 2*n + 1024
	limiter, err := ratelimit.NewMemory(rate.Limit(budget), budget, 1024)
	if err != nil {
		return nil, err
	}
	return middleware.New(middleware.Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: kr,
		Allow:   list,
		Limiter: limiter,
		Replay:  replay.NewMemory(max(budget, replay.DefaultCapacity)),
	})
}

// AllowText is an allow list of n deterministic random prefixes (Prefixes)
// plus the loopback range, one per line, as ipallow.Parse reads it.
func AllowText(n int) string {
	var b strings.Builder
	for _, p := range Prefixes(n) {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	b.WriteString("127.0.0.0/8\n")
	return b.String()
}
