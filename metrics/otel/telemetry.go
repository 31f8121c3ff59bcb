package hookotel

import (
	"context"
	"strconv"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/hookguard/hookguard/internal/bounded"
	"github.com/hookguard/hookguard/internal/watch"
	"github.com/hookguard/hookguard/middleware"
)

// ScopeName is the instrumentation scope of the meter and tracer.
const ScopeName = "github.com/hookguard/hookguard/metrics/otel"

// Attribute keys of hookguard's own attributes.
const (
	SchemeKey   = attribute.Key("hookguard.scheme")
	ReasonKey   = attribute.Key("hookguard.reason")
	OutcomeKey  = attribute.Key("hookguard.outcome")
	SecretIDKey = attribute.Key("hookguard.secret.id")
	EventIDKey  = attribute.Key("hookguard.event.id")
	StoreKey    = attribute.Key("hookguard.store")
)

// DurationBuckets are the bucket boundaries, in seconds, the semantic
// conventions recommend for http.server.request.duration.
var DurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// StepBuckets are the bucket boundaries, in seconds, of the verification and
// claim histograms: 1 µs to about 4 s, each four times the last.
var StepBuckets = []float64{1e-6, 4e-6, 1.6e-5, 6.4e-5, 2.56e-4, 1.024e-3, 4.096e-3, 1.6384e-2, 6.5536e-2, 0.262144, 1.048576, 4.194304}

// Options configures New. The zero value uses the global providers.
type Options struct {
	// MeterProvider creates the instruments; nil means otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// TracerProvider creates the spans; nil means otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MaxValues caps the distinct values of each metric attribute (schemes,
	// reasons, secret IDs, stores); further values are reported as "other".
	// 0 means 64.
	MaxValues int
}

// Telemetry reports a Guard's observations as OpenTelemetry metrics and
// spans. Its Observe method is a middleware.Config.Observer; one Telemetry
// may observe several Guards. It is safe for concurrent use.
type Telemetry struct {
	tracer trace.Tracer
	meter  metric.Meter

	deliveries, outcomes, matches metric.Int64Counter
	duration, verify, claim       metric.Float64Histogram
	watched                       *watch.Set

	schemes, reasons, secrets bounded.Values
}

// New creates the instruments. It fails only if the MeterProvider refuses
// one.
func New(o Options) (*Telemetry, error) {
	mp, tp := o.MeterProvider, o.TracerProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	max := o.MaxValues
	if max <= 0 {
		max = 64
	}
	t := &Telemetry{tracer: tp.Tracer(ScopeName), meter: mp.Meter(ScopeName)}
	t.schemes.Max, t.reasons.Max, t.secrets.Max = max, max, max
	m := t.meter
	var err error
	counter := func(name, unit, desc string) metric.Int64Counter {
		var c metric.Int64Counter
		if err == nil {
			c, err = m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		}
		return c
	}
	histogram := func(name, desc string, buckets []float64) metric.Float64Histogram {
		var h metric.Float64Histogram
		if err == nil {
			h, err = m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
				metric.WithExplicitBucketBoundaries(buckets...))
		}
		return h
	}
	t.deliveries = counter("hookguard.deliveries", "{delivery}", "Deliveries the Guard decided on, by scheme and stable reason code.")
	t.outcomes = counter("hookguard.handler.outcomes", "{run}", "Handler runs of accepted deliveries, by outcome: completed, released or panicked.")
	t.matches = counter("hookguard.secret.matches", "{delivery}", "Deliveries whose signature verified, by the ID of the secret that matched.")
	t.duration = histogram("http.server.request.duration", "Duration of webhook deliveries through the Guard, from its start to the outcome.", DurationBuckets)
	t.verify = histogram("hookguard.verify.duration", "Time spent verifying a delivery's signature.", StepBuckets)
	t.claim = histogram("hookguard.claim.duration", "Time the replay store took to claim a delivery's event ID.", StepBuckets)
	if err != nil {
		return nil, err
	}
	if t.watched, err = newWatched(m, max); err != nil {
		return nil, err
	}
	return t, nil
}

// Observe records one delivery's metrics and span. Set it as
// middleware.Config.Observer.
func (t *Telemetry) Observe(ctx context.Context, o middleware.Observation) {
	scheme := SchemeKey.String(t.schemes.Get(o.Event.Scheme))
	reason := ReasonKey.String(t.reasons.Get(string(o.Reason)))
	t.deliveries.Add(ctx, 1, metric.WithAttributes(scheme, reason))
	if o.Outcome != middleware.OutcomeNone {
		t.outcomes.Add(ctx, 1, metric.WithAttributes(scheme, OutcomeKey.String(string(o.Outcome))))
	}
	if o.Event.SecretID != "" {
		t.matches.Add(ctx, 1, metric.WithAttributes(scheme, SecretIDKey.String(t.secrets.Get(o.Event.SecretID))))
	}
	status := o.Status
	if bounded.Status(status) == bounded.Other {
		status = 0
	}
	attrs := []attribute.KeyValue{semconv.HTTPResponseStatusCode(status), scheme, reason}
	if status >= 500 {
		attrs = append(attrs, semconv.ErrorTypeKey.String(strconv.Itoa(status)))
	}
	t.duration.Record(ctx, o.Total.Seconds(), metric.WithAttributes(attrs...))
	if o.Verify > 0 {
		t.verify.Record(ctx, o.Verify.Seconds(), metric.WithAttributes(scheme))
	}
	if o.Claim > 0 {
		t.claim.Record(ctx, o.Claim.Seconds(), metric.WithAttributes(scheme))
	}
	t.span(ctx, o, attrs)
}

// span records the delivery's span and its steps' child spans, with explicit
// timestamps (see the package documentation).
func (t *Telemetry) span(ctx context.Context, o middleware.Observation, attrs []attribute.KeyValue) {
	end := o.Start.Add(o.Total)
	attrs = append(attrs, SchemeKey.String(o.Event.Scheme)) // the span's own, unbounded by MaxValues
	if o.Outcome != middleware.OutcomeNone {
		attrs = append(attrs, OutcomeKey.String(string(o.Outcome)))
	}
	if o.Event.ID != "" {
		attrs = append(attrs, EventIDKey.String(o.Event.ID))
	}
	if o.Event.SecretID != "" {
		attrs = append(attrs, SecretIDKey.String(o.Event.SecretID))
	}
	if o.Event.ClientIP.IsValid() {
		attrs = append(attrs, semconv.ClientAddress(o.Event.ClientIP.String()))
	}
	ctx, span := t.tracer.Start(ctx, "hookguard.delivery",
		trace.WithTimestamp(o.Start), trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	if o.Status >= 500 {
		span.SetStatus(codes.Error, string(o.Reason)+" "+string(o.Outcome))
	}
	// Laid back to back, ending at the outcome: handler, then claim before
	// it, then verification before that.
	stepEnd := end
	for _, step := range []struct {
		name string
		d    time.Duration
	}{{"hookguard.handler", o.Handler}, {"hookguard.claim", o.Claim}, {"hookguard.verify", o.Verify}} {
		if step.d <= 0 {
			continue
		}
		start := stepEnd.Add(-step.d)
		if start.Before(o.Start) {
			start = o.Start
		}
		_, s := t.tracer.Start(ctx, step.name, trace.WithTimestamp(start), trace.WithSpanKind(trace.SpanKindInternal))
		if step.name == "hookguard.handler" && o.Outcome == middleware.OutcomePanicked {
			s.SetStatus(codes.Error, "panicked")
		}
		s.End(trace.WithTimestamp(stepEnd))
		stepEnd = start
	}
	span.End(trace.WithTimestamp(end))
}
