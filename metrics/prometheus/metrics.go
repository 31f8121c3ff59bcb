package hookprom

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hookguard/hookguard/internal/bounded"
	"github.com/hookguard/hookguard/middleware"
)

// DurationBuckets are the bucket boundaries, in seconds, that OpenTelemetry's
// semantic conventions recommend for http.server.request.duration (and
// http.client.request.duration).
var DurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// StepBuckets are the bucket boundaries, in seconds, of the verification and
// claim histograms: 1 µs to about 4 s, each four times the last (an HMAC
// takes microseconds, a remote store's claim milliseconds).
var StepBuckets = prometheus.ExponentialBuckets(1e-6, 4, 12)

// Options configures New. The zero value is ready to use.
type Options struct {
	// Registerer receives the collectors; nil means
	// prometheus.DefaultRegisterer (what promhttp.Handler serves).
	Registerer prometheus.Registerer
	// MaxValues caps the distinct values of each label (schemes, reasons,
	// secret IDs, stores); further values are reported as "other". 0 means
	// 64.
	MaxValues int
}

// Metrics records a Guard's observations as Prometheus metrics. Its Observe
// method is a middleware.Config.Observer; one Metrics may observe several
// Guards (the scheme label tells them apart). It is safe for concurrent use.
type Metrics struct {
	gatherer prometheus.Gatherer

	deliveries *prometheus.CounterVec
	outcomes   *prometheus.CounterVec
	matches    *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	verify     *prometheus.HistogramVec
	claim      *prometheus.HistogramVec
	upstream   *prometheus.HistogramVec
	watched    *watched

	schemes, reasons, secrets bounded.Values
}

// New creates the metrics and registers them with o.Registerer. It fails if
// they are registered there already (one Metrics per registry).
func New(o Options) (*Metrics, error) {
	reg := o.Registerer
	if reg == nil {
		reg = prometheus.DefaultRegisterer
	}
	max := o.MaxValues
	if max <= 0 {
		max = 64
	}
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookguard_deliveries_total",
			Help: "Deliveries the Guard decided on, by scheme and stable reason code (accepted, duplicate, bad_signature, ...).",
		}, []string{"scheme", "reason"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookguard_handler_outcomes_total",
			Help: "Handler runs of accepted deliveries, by outcome: completed (2xx), released (non-2xx, the retry runs) or panicked.",
		}, []string{"scheme", "outcome"}),
		matches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hookguard_secret_matches_total",
			Help: "Deliveries whose signature verified, by the ID of the secret that matched (rotation progress).",
		}, []string{"scheme", "secret_id"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_server_request_duration_seconds",
			Help:    "Duration of webhook deliveries through the Guard, from its start to the outcome (OpenTelemetry http.server.request.duration).",
			Buckets: DurationBuckets,
		}, []string{"http_response_status_code", "scheme", "reason"}),
		verify: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hookguard_verify_duration_seconds",
			Help:    "Time spent verifying a delivery's signature.",
			Buckets: StepBuckets,
		}, []string{"scheme"}),
		claim: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hookguard_claim_duration_seconds",
			Help:    "Time the replay store took to claim a delivery's event ID.",
			Buckets: StepBuckets,
		}, []string{"scheme"}),
		upstream: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_client_request_duration_seconds",
			Help:    "Duration of requests to the upstream through Metrics.Transport, by status, or error_type when none came (OpenTelemetry http.client.request.duration).",
			Buckets: DurationBuckets,
		}, []string{"http_response_status_code", "error_type"}),
		watched: newWatched(max),
	}
	m.schemes.Max, m.reasons.Max, m.secrets.Max = max, max, max
	for _, c := range []prometheus.Collector{m.deliveries, m.outcomes, m.matches, m.duration, m.verify, m.claim, m.upstream, m.watched} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.gatherer = prometheus.DefaultGatherer
	if g, ok := reg.(prometheus.Gatherer); ok {
		m.gatherer = g
	}
	return m, nil
}

// Observe records one delivery. Set it as middleware.Config.Observer.
func (m *Metrics) Observe(_ context.Context, o middleware.Observation) {
	scheme := m.schemes.Get(o.Event.Scheme)
	reason := m.reasons.Get(string(o.Reason))
	m.deliveries.WithLabelValues(scheme, reason).Inc()
	if o.Outcome != middleware.OutcomeNone {
		m.outcomes.WithLabelValues(scheme, string(o.Outcome)).Inc()
	}
	if o.Event.SecretID != "" {
		m.matches.WithLabelValues(scheme, m.secrets.Get(o.Event.SecretID)).Inc()
	}
	m.duration.WithLabelValues(bounded.Status(o.Status), scheme, reason).Observe(o.Total.Seconds())
	if o.Verify > 0 {
		m.verify.WithLabelValues(scheme).Observe(o.Verify.Seconds())
	}
	if o.Claim > 0 {
		m.claim.WithLabelValues(scheme).Observe(o.Claim.Seconds())
	}
}

// Handler serves the metrics of the registry New registered with (when
// Options.Registerer is also a prometheus.Gatherer, as *prometheus.Registry
// is; otherwise prometheus.DefaultGatherer), in the Prometheus text or
// OpenMetrics format. Mount it at /metrics, preferably on a listener of its
// own.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})
}

// Transport wraps rt (nil: http.DefaultTransport) so each request records
// its duration, until the response headers arrived, in
// http_client_request_duration_seconds: labelled with the status code, or
// with error_type ("timeout" or "transport") when the round trip failed.
// Use it for the client that forwards deliveries to an upstream.
func (m *Metrics) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return roundTripper{rt: rt, m: m}
}

type roundTripper struct {
	rt http.RoundTripper
	m  *Metrics
}

func (t roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.rt.RoundTrip(req)
	d := time.Since(start).Seconds()
	if err != nil {
		t.m.upstream.WithLabelValues("", errorType(err)).Observe(d)
		return resp, err
	}
	t.m.upstream.WithLabelValues(bounded.Status(resp.StatusCode), "").Observe(d)
	return resp, nil
}

// errorType classifies a round-trip error into a bounded label value.
func errorType(err error) string {
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout()) {
		return "timeout"
	}
	return "transport"
}
