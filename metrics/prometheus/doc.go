// Package hookprom turns a hookguard Guard's observations into Prometheus
// metrics.
//
//	m, err := hookprom.New(hookprom.Options{}) // registers with prometheus.DefaultRegisterer
//	guard, err := middleware.New(middleware.Config{ /* ... */ Observer: m.Observe})
//	http.Handle("/metrics", promhttp.Handler())
//
// # Metrics
//
//	hookguard_deliveries_total{scheme,reason}             every decision, by its stable reason code
//	hookguard_handler_outcomes_total{scheme,outcome}      completed, released, panicked
//	hookguard_secret_matches_total{scheme,secret_id}      which secret verified (rotation progress)
//	http_server_request_duration_seconds{http_response_status_code,scheme,reason}
//	                                                      OpenTelemetry's http.server.request.duration
//	hookguard_verify_duration_seconds{scheme}             signature verification
//	hookguard_claim_duration_seconds{scheme}              the replay store's claim
//	hookguard_store_keys{store} and _capacity{store}      from Metrics.WatchStore
//	hookguard_store_evictions_total{store}, hookguard_store_evicted_live_total{store}
//	hookguard_secret_not_after_timestamp_seconds{scheme,secret_id}   from Metrics.WatchKeyring
//	http_client_request_duration_seconds{http_response_status_code,error_type}
//	                                                      an upstream, through Metrics.Transport
//
// The request-duration histogram uses the bucket boundaries OpenTelemetry's
// semantic conventions recommend for http.server.request.duration and
// measures Observation.Total: from the Guard's start to the outcome (the
// refusal written, or the handler returned and the event settled). It has
// no method, route or path label: those are the client's to choose.
//
// # Bounded labels
//
// Every label value is the operator's or the Guard's: scheme names, reason
// codes, outcomes, secret IDs of the operator's keyrings, store names, and
// status codes (100-599). None is taken from a request. Even so, each label
// admits a fixed number of distinct values (Options.MaxValues) and folds the
// rest into "other", so no configuration can grow a metric without bound.
//
// ops/alerts.yml (with promtool unit tests) and ops/dashboard.json in the
// hookguard repository are written against these names; docs/operating.md
// describes them.
package hookprom
