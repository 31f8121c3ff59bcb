package hookprom

import (
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hookguard/hookguard/hmac"
)

// StoreStats is a store's occupancy and evictions at one moment, in the
// words of the hookguard memory stores' Stats: fill it from
// replay.Memory.Stats, ratelimit.Memory.Stats or any store's own counters.
type StoreStats struct {
	Keys      int    // keys (records, buckets) held now
	Capacity  int    // the bound on Keys; 0 if unbounded
	Evictions uint64 // keys dropped to make room (only grows)
	// EvictedLive is the part of Evictions that were still live: for a
	// replay store, each one re-opened replay for its event ID.
	EvictedLive uint64
}

// Keyring lists secrets without their keys: *hmac.Keyring satisfies it.
type Keyring interface {
	Secrets() []hmac.SecretInfo
}

// WatchStore reports stats() at every scrape as hookguard_store_keys,
// hookguard_store_capacity, hookguard_store_evictions_total and
// hookguard_store_evicted_live_total with the label store=name (for
// example "replay", "ratelimit"). stats is called from the scrape and must
// be safe for concurrent use. A name can be watched once.
func (m *Metrics) WatchStore(name string, stats func() StoreStats) error {
	return add(m.watched, name, &m.watched.stores, stats)
}

// WatchKeyring reports, at every scrape, each secret of k that has an end
// (NotAfter) as hookguard_secret_not_after_timestamp_seconds{scheme,
// secret_id}, so an alert can join it with hookguard_secret_matches_total
// (a secret about to end that still signs deliveries). scheme is the name
// of the scheme the Guard using k verifies. A scheme can be watched once.
func (m *Metrics) WatchKeyring(scheme string, k Keyring) error {
	return add(m.watched, scheme, &m.watched.keyrings, k)
}

// watched is the collector of WatchStore and WatchKeyring: it reads the
// registered functions at scrape time.
type watched struct {
	mu       sync.Mutex
	max      int
	stores   map[string]func() StoreStats
	keyrings map[string]Keyring

	keys, capacity, evictions, evictedLive, notAfter *prometheus.Desc
}

func newWatched(max int) *watched {
	return &watched{
		max:         max,
		stores:      map[string]func() StoreStats{},
		keyrings:    map[string]Keyring{},
		keys:        prometheus.NewDesc("hookguard_store_keys", "Keys (records, buckets) a store holds now.", []string{"store"}, nil),
		capacity:    prometheus.NewDesc("hookguard_store_capacity", "The bound on a store's keys.", []string{"store"}, nil),
		evictions:   prometheus.NewDesc("hookguard_store_evictions_total", "Keys a store dropped to make room.", []string{"store"}, nil),
		evictedLive: prometheus.NewDesc("hookguard_store_evicted_live_total", "Keys a store dropped to make room while still live (replay: re-opened replay for that event ID).", []string{"store"}, nil),
		notAfter:    prometheus.NewDesc("hookguard_secret_not_after_timestamp_seconds", "When a secret stops verifying (its NotAfter), as a Unix time; only secrets that have one.", []string{"scheme", "secret_id"}, nil),
	}
}

// add registers v under name in the map *into, at most max names each.
func add[V any](w *watched, name string, into *map[string]V, v V) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch _, dup := (*into)[name]; {
	case name == "":
		return fmt.Errorf("hookprom: a watched store or keyring needs a name")
	case dup:
		return fmt.Errorf("hookprom: %q is watched already", name)
	case len(*into) >= w.max:
		return fmt.Errorf("hookprom: at most %d stores and %d keyrings can be watched", w.max, w.max)
	}
	(*into)[name] = v
	return nil
}

// Describe implements prometheus.Collector.
func (w *watched) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{w.keys, w.capacity, w.evictions, w.evictedLive, w.notAfter} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (w *watched) Collect(ch chan<- prometheus.Metric) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for name, stats := range w.stores {
		s := stats()
		ch <- prometheus.MustNewConstMetric(w.keys, prometheus.GaugeValue, float64(s.Keys), name)
		ch <- prometheus.MustNewConstMetric(w.capacity, prometheus.GaugeValue, float64(s.Capacity), name)
		ch <- prometheus.MustNewConstMetric(w.evictions, prometheus.CounterValue, float64(s.Evictions), name)
		ch <- prometheus.MustNewConstMetric(w.evictedLive, prometheus.CounterValue, float64(s.EvictedLive), name)
	}
	for scheme, k := range w.keyrings {
		secrets := k.Secrets()
		for i, s := range secrets {
			if i == w.max {
				break // an operator's keyring is short; stay bounded regardless
			}
			if !s.NotAfter.IsZero() {
				ch <- prometheus.MustNewConstMetric(w.notAfter, prometheus.GaugeValue, unixSeconds(s.NotAfter), scheme, s.ID)
			}
		}
	}
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
