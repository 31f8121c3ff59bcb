package hookprom

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hookguard/hookguard/internal/watch"
)

// StoreStats is a store's occupancy and evictions at one moment, in the
// words of the hookguard memory stores' Stats (Keys, Capacity, Evictions,
// EvictedLive): fill it from replay.Memory.Stats, ratelimit.Memory.Stats
// or any store's own counters. The OpenTelemetry module uses the same type.
type StoreStats = watch.StoreStats

// Keyring lists secrets without their keys: *hmac.Keyring satisfies it.
type Keyring = watch.Keyring

// WatchStore reports stats() at every scrape as hookguard_store_keys,
// hookguard_store_capacity, hookguard_store_evictions_total and
// hookguard_store_evicted_live_total with the label store=name (for
// example "replay", "ratelimit"). stats is called from the scrape and must
// be safe for concurrent use. A name can be watched once.
func (m *Metrics) WatchStore(name string, stats func() StoreStats) error {
	if err := m.watched.set.AddStore(name, stats); err != nil {
		return fmt.Errorf("hookprom: %w", err)
	}
	return nil
}

// WatchKeyring reports, at every scrape, each secret of k that has an end
// (NotAfter) as hookguard_secret_not_after_timestamp_seconds{scheme,
// secret_id}, so an alert can join it with hookguard_secret_matches_total
// (a secret about to end that still signs deliveries). scheme is the name
// of the scheme the Guard using k verifies. A scheme can be watched once.
func (m *Metrics) WatchKeyring(scheme string, k Keyring) error {
	if err := m.watched.set.AddKeyring(scheme, k); err != nil {
		return fmt.Errorf("hookprom: %w", err)
	}
	return nil
}

// watched is the collector of WatchStore and WatchKeyring: it reads the
// registered functions at scrape time.
type watched struct {
	set                                              *watch.Set
	keys, capacity, evictions, evictedLive, notAfter *prometheus.Desc
}

func newWatched(max int) *watched {
	return &watched{
		set:         watch.NewSet(max),
		keys:        prometheus.NewDesc("hookguard_store_keys", "Keys (records, buckets) a store holds now.", []string{"store"}, nil),
		capacity:    prometheus.NewDesc("hookguard_store_capacity", "The bound on a store's keys.", []string{"store"}, nil),
		evictions:   prometheus.NewDesc("hookguard_store_evictions_total", "Keys a store dropped to make room.", []string{"store"}, nil),
		evictedLive: prometheus.NewDesc("hookguard_store_evicted_live_total", "Keys a store dropped to make room while still live (replay: re-opened replay for that event ID).", []string{"store"}, nil),
		notAfter:    prometheus.NewDesc("hookguard_secret_not_after_timestamp_seconds", "When a secret stops verifying (its NotAfter), as a Unix time; only secrets that have one.", []string{"scheme", "secret_id"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (w *watched) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{w.keys, w.capacity, w.evictions, w.evictedLive, w.notAfter} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (w *watched) Collect(ch chan<- prometheus.Metric) {
	w.set.Each(func(name string, s StoreStats) {
		ch <- prometheus.MustNewConstMetric(w.keys, prometheus.GaugeValue, float64(s.Keys), name)
		ch <- prometheus.MustNewConstMetric(w.capacity, prometheus.GaugeValue, float64(s.Capacity), name)
		ch <- prometheus.MustNewConstMetric(w.evictions, prometheus.CounterValue, float64(s.Evictions), name)
		ch <- prometheus.MustNewConstMetric(w.evictedLive, prometheus.CounterValue, float64(s.EvictedLive), name)
	}, func(scheme, id string, notAfter time.Time) {
		ch <- prometheus.MustNewConstMetric(w.notAfter, prometheus.GaugeValue, float64(notAfter.UnixNano())/1e9, scheme, id)
	})
}
