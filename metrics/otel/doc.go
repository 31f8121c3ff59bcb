// Package hookotel reports a hookguard Guard's observations through
// OpenTelemetry: metrics through a MeterProvider and a span per delivery
// through a TracerProvider. It uses the OpenTelemetry APIs only; no SDK or
// exporter is forced on the user (nil providers mean the global ones,
// which do nothing until the application installs its own).
//
//	t, err := hookotel.New(hookotel.Options{MeterProvider: mp, TracerProvider: tp})
//	guard, err := middleware.New(middleware.Config{ /* ... */ Observer: t.Observe})
//
// # Metrics
//
// The instruments mirror the Prometheus module's metrics
// (github.com/hookguard/hookguard/metrics/prometheus):
//
//	hookguard.deliveries             counter   hookguard.scheme, hookguard.reason
//	hookguard.handler.outcomes       counter   hookguard.scheme, hookguard.outcome
//	hookguard.secret.matches         counter   hookguard.scheme, hookguard.secret.id
//	http.server.request.duration     histogram (s) http.response.status_code, hookguard.scheme,
//	                                           hookguard.reason, error.type (5xx)
//	hookguard.verify.duration        histogram (s) hookguard.scheme
//	hookguard.claim.duration         histogram (s) hookguard.scheme
//	hookguard.store.keys, hookguard.store.capacity            gauges    hookguard.store
//	hookguard.store.evictions, hookguard.store.evicted_live   counters  hookguard.store
//	hookguard.secret.not_after       gauge (s, Unix time) hookguard.scheme, hookguard.secret.id
//
// http.server.request.duration advises the bucket boundaries the semantic
// conventions recommend and measures Observation.Total. Attribute values on
// metrics are bounded exactly as in the Prometheus module: none comes from
// a request, and each attribute admits Options.MaxValues distinct values,
// the rest reported as "other".
//
// # Traces
//
// Each delivery becomes a span "hookguard.delivery" (a child of the span in
// the request's context, such as otelhttp's server span) from
// Observation.Start to the outcome, with child spans "hookguard.verify",
// "hookguard.claim" and "hookguard.handler" for the steps that ran. The
// Observer is told each step's duration, not its start, so the children are
// laid back to back ending at the outcome: their durations are exact, their
// starts are placed (the unmeasured steps before verification, such as
// reading the body, show as the gap at the start). Span attributes use the
// semantic conventions' names (http.response.status_code, client.address,
// error.type) plus hookguard.* ones; the event ID, which the sender chose
// and signed, appears on spans only, never on metrics.
package hookotel
