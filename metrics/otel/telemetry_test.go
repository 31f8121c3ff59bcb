package hookotel

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/internal/guardtest"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/replay"
)

// fixture is a Guard observed by a Telemetry on an SDK MeterProvider with a
// ManualReader and a TracerProvider with a SpanRecorder, served on loopback
// behind a "server" span (as otelhttp would start one).
type fixture struct {
	srv      *httptest.Server
	reader   *sdkmetric.ManualReader
	spans    *tracetest.SpanRecorder
	mu       sync.Mutex
	observed map[string]middleware.Observation // by "event ID/reason"
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{reader: sdkmetric.NewManualReader(), spans: tracetest.NewSpanRecorder(), observed: map[string]middleware.Observation{}}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(f.spans))
	tel, err := New(Options{
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(f.reader)),
		TracerProvider: tp,
	})
	require.NoError(t, err)

	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: guardtest.Key, NotAfter: time.Unix(1893456000, 0)})
	require.NoError(t, err)
	store := replay.NewMemory(1000)
	require.NoError(t, tel.WatchKeyring("standard-webhooks", keys))
	require.NoError(t, tel.WatchStore("replay", func() StoreStats {
		s := store.Stats()
		return StoreStats{Keys: s.Keys, Capacity: s.Capacity, Evictions: s.Evictions, EvictedLive: s.EvictedLive}
	}))
	guard := guardtest.NewGuard(t, func(c *middleware.Config) {
		c.Keyring, c.Replay = keys, store
		c.Observer = func(ctx context.Context, o middleware.Observation) {
			f.mu.Lock()
			f.observed[o.Event.ID+"/"+string(o.Reason)] = o
			f.mu.Unlock()
			tel.Observe(ctx, o)
		}
	})
	app := guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context())
		switch ev.ID {
		case "msg_fail":
			w.WriteHeader(http.StatusInternalServerError)
		case "msg_panic":
			panic(http.ErrAbortHandler)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	server := tp.Tracer("test")
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := server.Start(r.Context(), "server")
		defer span.End()
		app.ServeHTTP(w, r.WithContext(ctx))
	}))
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) send(t *testing.T, key []byte, id string) int {
	resp, err := f.srv.Client().Do(guardtest.Delivery(t, f.srv.URL, key, id, `{"n":1}`))
	if err != nil {
		return 0 // the connection was dropped (a panic)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// sums returns a counter's data points as "attr=value,... -> n".
func sums(t *testing.T, rm metricdata.ResourceMetrics, name string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, dp := range find(t, rm, name).Data.(metricdata.Sum[int64]).DataPoints {
		out[dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Value
	}
	return out
}

func find(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				require.Equal(t, ScopeName, sm.Scope.Name)
				return m
			}
		}
	}
	t.Fatalf("no metric %s", name)
	return metricdata.Metrics{}
}

func TestRealDeliveries(t *testing.T) {
	f := newFixture(t)
	for _, d := range []struct {
		key    []byte
		id     string
		status int
	}{
		{guardtest.Key, "msg_1", 204},
		{guardtest.Key, "msg_1", 200}, // duplicate
		{guardtest.ForgedKey, "msg_2", 401},
		{guardtest.Key, "msg_fail", 500},
		{guardtest.Key, "msg_panic", 0},
	} {
		require.Equal(t, d.status, f.send(t, d.key, d.id), d.id)
	}

	t.Run("metrics", func(t *testing.T) {
		var rm metricdata.ResourceMetrics
		require.NoError(t, f.reader.Collect(context.Background(), &rm))
		const s = "hookguard.scheme=standard-webhooks"
		require.Equal(t, map[string]int64{
			"hookguard.reason=accepted," + s: 3, "hookguard.reason=duplicate," + s: 1, "hookguard.reason=bad_signature," + s: 1,
		}, sums(t, rm, "hookguard.deliveries"))
		require.Equal(t, map[string]int64{
			"hookguard.outcome=completed," + s: 1, "hookguard.outcome=released," + s: 1, "hookguard.outcome=panicked," + s: 1,
		}, sums(t, rm, "hookguard.handler.outcomes"))
		require.Equal(t, map[string]int64{s + ",hookguard.secret.id=k1": 4}, sums(t, rm, "hookguard.secret.matches"))

		dur := find(t, rm, "http.server.request.duration")
		require.Equal(t, "s", dur.Unit)
		counts := map[string]uint64{}
		for _, dp := range dur.Data.(metricdata.Histogram[float64]).DataPoints {
			require.Equal(t, DurationBuckets, dp.Bounds)
			counts[dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Count
		}
		require.Equal(t, map[string]uint64{
			"hookguard.reason=accepted," + s + ",http.response.status_code=204":                1,
			"hookguard.reason=duplicate," + s + ",http.response.status_code=200":               1,
			"hookguard.reason=bad_signature," + s + ",http.response.status_code=401":           1,
			"error.type=500,hookguard.reason=accepted," + s + ",http.response.status_code=500": 2,
		}, counts)
		for name, n := range map[string]uint64{"hookguard.verify.duration": 5, "hookguard.claim.duration": 4} {
			dps := find(t, rm, name).Data.(metricdata.Histogram[float64]).DataPoints
			require.Len(t, dps, 1)
			require.Equal(t, n, dps[0].Count, name)
		}
		keys := find(t, rm, "hookguard.store.keys").Data.(metricdata.Gauge[int64]).DataPoints
		require.Len(t, keys, 1)
		require.Equal(t, int64(1), keys[0].Value, "msg_1 completed; msg_fail, msg_panic released")
		notAfter := find(t, rm, "hookguard.secret.not_after").Data.(metricdata.Gauge[float64]).DataPoints
		require.Len(t, notAfter, 1)
		require.Equal(t, 1893456000.0, notAfter[0].Value)
	})

	t.Run("spans", func(t *testing.T) {
		byName := map[string][]sdktrace.ReadOnlySpan{}
		for _, s := range f.spans.Ended() {
			byName[s.Name()] = append(byName[s.Name()], s)
		}
		require.Len(t, byName["server"], 5)
		require.Len(t, byName["hookguard.delivery"], 5)
		require.Len(t, byName["hookguard.verify"], 5)
		require.Len(t, byName["hookguard.claim"], 4)
		require.Len(t, byName["hookguard.handler"], 3)

		parents := map[string]bool{}
		for _, s := range byName["server"] {
			parents[s.SpanContext().SpanID().String()] = true
		}
		deliveries := map[string]sdktrace.ReadOnlySpan{}
		for _, s := range byName["hookguard.delivery"] {
			require.True(t, parents[s.Parent().SpanID().String()], "the delivery span is a child of the request's span")
			attrs := attrMap(s.Attributes())
			deliveries[attrs["hookguard.event.id"]+"/"+attrs["hookguard.reason"]] = s
		}

		f.mu.Lock()
		defer f.mu.Unlock()
		for key, want := range map[string]struct {
			attrs    map[string]string
			status   codes.Code
			children []string
		}{
			"msg_1/accepted":     {map[string]string{"hookguard.reason": "accepted", "hookguard.outcome": "completed", "http.response.status_code": "204", "hookguard.secret.id": "k1", "client.address": "127.0.0.1"}, codes.Unset, []string{"hookguard.verify", "hookguard.claim", "hookguard.handler"}},
			"/bad_signature":     {map[string]string{"hookguard.reason": "bad_signature", "http.response.status_code": "401"}, codes.Unset, []string{"hookguard.verify"}},
			"msg_panic/accepted": {map[string]string{"hookguard.outcome": "panicked", "http.response.status_code": "500", "error.type": "500"}, codes.Error, []string{"hookguard.verify", "hookguard.claim", "hookguard.handler"}},
		} {
			t.Run(key, func(t *testing.T) {
				s, o := deliveries[key], f.observed[key]
				require.NotNil(t, s)
				attrs := attrMap(s.Attributes())
				for k, v := range want.attrs {
					require.Equal(t, v, attrs[k], k)
				}
				require.Equal(t, want.status, s.Status().Code)
				require.Equal(t, o.Start, s.StartTime())
				require.Equal(t, o.Start.Add(o.Total), s.EndTime())

				// The children: exact durations, back to back, inside the parent.
				durations := map[string]time.Duration{"hookguard.verify": o.Verify, "hookguard.claim": o.Claim, "hookguard.handler": o.Handler}
				var children []sdktrace.ReadOnlySpan
				for _, c := range f.spans.Ended() {
					if c.Parent().SpanID() == s.SpanContext().SpanID() {
						children = append(children, c)
					}
				}
				slices.SortFunc(children, func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) })
				var got []string
				prevEnd := s.StartTime()
				for _, c := range children {
					got = append(got, c.Name())
					require.Equal(t, durations[c.Name()], c.EndTime().Sub(c.StartTime()), c.Name())
					require.False(t, c.StartTime().Before(prevEnd), "%s starts before the previous step ended", c.Name())
					require.False(t, c.EndTime().After(s.EndTime()), c.Name())
					prevEnd = c.EndTime()
				}
				require.Equal(t, want.children, got)
			})
		}
	})
}

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

func TestLabelsBounded(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	tel, err := New(Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), MaxValues: 2})
	require.NoError(t, err)
	for _, id := range []string{"a", "b", "c", "d"} {
		tel.Observe(context.Background(), middleware.Observation{
			Reason: middleware.ReasonAccepted, Status: 200, Outcome: middleware.OutcomeCompleted,
			Event: middleware.Event{Scheme: "s", SecretID: id},
		})
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	require.Equal(t, map[string]int64{
		"hookguard.scheme=s,hookguard.secret.id=a": 1, "hookguard.scheme=s,hookguard.secret.id=b": 1,
		"hookguard.scheme=s,hookguard.secret.id=other": 2,
	}, sums(t, rm, "hookguard.secret.matches"))
}

// TestGlobalProvidersByDefault proves New works with no SDK installed (the
// global no-op providers): nothing is forced on the user.
func TestGlobalProvidersByDefault(t *testing.T) {
	tel, err := New(Options{})
	require.NoError(t, err)
	tel.Observe(context.Background(), middleware.Observation{Reason: middleware.ReasonBadSignature, Status: 401, Start: time.Now()})
}
