package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	hookprom "github.com/hookguard/hookguard/metrics/prometheus"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/ratelimit"
	"github.com/hookguard/hookguard/replay"
)

// newServeMetrics builds serve's Prometheus metrics (-metrics ADDR) on a
// registry of its own: the Guard's observations, the upstream's status and
// latency (its Transport), the memory stores' occupancy and the keyring's
// secret end times, plus the Go runtime and process collectors. It returns
// the /metrics handler.
func newServeMetrics(cfg *middleware.Config) (*hookprom.Metrics, http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m, err := hookprom.New(hookprom.Options{Registerer: reg})
	if err != nil {
		return nil, nil, err
	}
	cfg.Observer = m.Observe
	if cfg.Keyring != nil {
		if err := m.WatchKeyring(cfg.Scheme.Name(), cfg.Keyring); err != nil {
			return nil, nil, err
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return m, mux, nil
}

// watchStores reports the memory stores serve uses (a Redis store or the
// inbox keeps its own counts).
func watchStores(m *hookprom.Metrics, cfg *middleware.Config) error {
	if r, ok := cfg.Replay.(*replay.Memory); ok {
		if err := m.WatchStore("replay", func() hookprom.StoreStats {
			s := r.Stats()
			return hookprom.StoreStats{Keys: s.Keys, Capacity: s.Capacity, Evictions: s.Evictions, EvictedLive: s.EvictedLive}
		}); err != nil {
			return err
		}
	}
	if l, ok := cfg.Limiter.(*ratelimit.Memory); ok {
		return m.WatchStore("ratelimit", func() hookprom.StoreStats {
			s := l.Stats()
			return hookprom.StoreStats{Keys: s.Keys, Capacity: s.Capacity, Evictions: s.Evictions, EvictedLive: s.EvictedLive}
		})
	}
	return nil
}
