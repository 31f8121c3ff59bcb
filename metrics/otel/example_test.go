package hookotel_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/hookguard/hookguard/hmac"
	hookotel "github.com/hookguard/hookguard/metrics/otel"
	"github.com/hookguard/hookguard/middleware"
)

// A Guard observed through OpenTelemetry. The application brings its own
// providers (here the SDK with an in-memory reader and span recorder; in
// production, with the exporter of its choice).
func Example() {
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	tel, err := hookotel.New(hookotel.Options{
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
	})
	if err != nil {
		panic(err)
	}
	keys, _ := hmac.NewKeyring(hmac.Secret{ID: "2024-06", Key: []byte("otel-example-secret-0123456789abc")})
	guard, _ := middleware.New(middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: keys, Observer: tel.Observe})
	app := httptest.NewServer(guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer app.Close()

	body := []byte(`{"type":"invoice.paid"}`)
	req, _ := http.NewRequest(http.MethodPost, app.URL, bytes.NewReader(body))
	_ = hmac.NewSigner(hmac.StandardWebhooks, keys).Sign(req.Header, "msg_1", time.Now(), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
			for _, dp := range sum.DataPoints {
				fmt.Println(m.Name, dp.Attributes.Encoded(attribute.DefaultEncoder()), dp.Value)
			}
		}
	}
	for _, s := range spans.Ended() {
		fmt.Println("span", s.Name())
	}
	// Output:
	// hookguard.deliveries hookguard.reason=accepted,hookguard.scheme=standard-webhooks 1
	// hookguard.handler.outcomes hookguard.outcome=completed,hookguard.scheme=standard-webhooks 1
	// hookguard.secret.matches hookguard.scheme=standard-webhooks,hookguard.secret.id=2024-06 1
	// span hookguard.handler
	// span hookguard.claim
	// span hookguard.verify
	// span hookguard.delivery
}
