package loadtest

import (
	"github.com/hookguard/hookguard/benchmarks"
	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/ipallow"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
	"golang.org/x/time/rate"
)

// NewGuard returns the full Guard of the load test: Standard Webhooks with
// the fixture secret, the allow list parsed from allow, a rate limit sized
// never to refuse n deliveries from one address, and a fresh in-memory
// replay store large enough for n unique event IDs.
func NewGuard(allow string, n int) (*middleware.Guard, error) {
	kr, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: benchmarks.KeyFor(benchmarks.StandardWebhooks)})
	if err != nil {
		return nil, err
	}
	list, err := ipallow.Parse(allow)
	if err != nil {
		return nil, err
	}
	budget := 2*n + 1024
	return middleware.New(middleware.Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: kr,
		Allow:   list,
		Limiter: ratelimit.NewMemory(rate.Limit(budget), budget, 1024),
		Replay:  replay.NewMemory(max(budget, middleware.DefaultReplayCapacity)),
	})
}
