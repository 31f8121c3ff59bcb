package hookotel

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/metric"

	"github.com/hookguard/hookguard/internal/watch"
)

// StoreStats is a store's occupancy and evictions at one moment, in the
// words of the hookguard memory stores' Stats (Keys, Capacity, Evictions,
// EvictedLive). The Prometheus module uses the same type.
type StoreStats = watch.StoreStats

// Keyring lists secrets without their keys: *hmac.Keyring satisfies it.
type Keyring = watch.Keyring

// WatchStore reports stats() at every collection as hookguard.store.keys,
// hookguard.store.capacity, hookguard.store.evictions and
// hookguard.store.evicted_live with hookguard.store=name. stats must be safe
// for concurrent use. A name can be watched once.
func (t *Telemetry) WatchStore(name string, stats func() StoreStats) error {
	if err := t.watched.AddStore(name, stats); err != nil {
		return fmt.Errorf("hookotel: %w", err)
	}
	return nil
}

// WatchKeyring reports, at every collection, each secret of k that has an
// end (NotAfter) as hookguard.secret.not_after (Unix seconds) with
// hookguard.scheme=scheme and hookguard.secret.id. A scheme can be watched
// once.
func (t *Telemetry) WatchKeyring(scheme string, k Keyring) error {
	if err := t.watched.AddKeyring(scheme, k); err != nil {
		return fmt.Errorf("hookotel: %w", err)
	}
	return nil
}

// newWatched creates the observable instruments and their callback, which
// reads set at every collection.
func newWatched(m metric.Meter, max int) (*watch.Set, error) {
	set := watch.NewSet(max)
	keys, err := m.Int64ObservableGauge("hookguard.store.keys", metric.WithUnit("{key}"), metric.WithDescription("Keys (records, buckets) a store holds now."))
	if err != nil {
		return nil, err
	}
	capacity, err := m.Int64ObservableGauge("hookguard.store.capacity", metric.WithUnit("{key}"), metric.WithDescription("The bound on a store's keys."))
	if err != nil {
		return nil, err
	}
	evictions, err := m.Int64ObservableCounter("hookguard.store.evictions", metric.WithUnit("{key}"), metric.WithDescription("Keys a store dropped to make room."))
	if err != nil {
		return nil, err
	}
	live, err := m.Int64ObservableCounter("hookguard.store.evicted_live", metric.WithUnit("{key}"), metric.WithDescription("Keys a store dropped to make room while still live."))
	if err != nil {
		return nil, err
	}
	notAfter, err := m.Float64ObservableGauge("hookguard.secret.not_after", metric.WithUnit("s"), metric.WithDescription("When a secret stops verifying (its NotAfter), as a Unix time."))
	if err != nil {
		return nil, err
	}
	_, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		set.Each(func(name string, s StoreStats) {
			attrs := metric.WithAttributes(StoreKey.String(name))
			o.ObserveInt64(keys, int64(s.Keys), attrs)
			o.ObserveInt64(capacity, int64(s.Capacity), attrs)
			o.ObserveInt64(evictions, int64(s.Evictions), attrs)
			o.ObserveInt64(live, int64(s.EvictedLive), attrs)
		}, func(scheme, id string, end time.Time) {
			o.ObserveFloat64(notAfter, float64(end.UnixNano())/1e9,
				metric.WithAttributes(SchemeKey.String(scheme), SecretIDKey.String(id)))
		})
		return nil
	}, keys, capacity, evictions, live, notAfter)
	return set, err
}
