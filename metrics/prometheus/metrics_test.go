package hookprom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/internal/guardtest"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/replay"
)

// receiver serves a Guard observed by m on loopback; its handler answers 500
// for "msg_fail" and panics for "msg_panic". The Guard's keyring holds
// guardtest.Key as "k1", ending at notAfter, and its replay store is
// watched as "replay".
func receiver(t *testing.T, m *Metrics, notAfter time.Time) *httptest.Server {
	t.Helper()
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k1", Key: guardtest.Key, NotAfter: notAfter})
	require.NoError(t, err)
	store := replay.NewMemory(1000)
	guard := guardtest.NewGuard(t, func(c *middleware.Config) {
		c.Keyring, c.Replay, c.Observer = keys, store, m.Observe
	})
	require.NoError(t, m.WatchKeyring(hmac.StandardWebhooks.Name(), keys))
	require.NoError(t, m.WatchStore("replay", func() StoreStats {
		s := store.Stats()
		return StoreStats{Keys: s.Keys, Capacity: s.Capacity, Evictions: s.Evictions, EvictedLive: s.EvictedLive}
	}))
	srv := httptest.NewUnstartedServer(guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context())
		switch ev.ID {
		case "msg_fail":
			w.WriteHeader(http.StatusInternalServerError)
		case "msg_panic":
			panic(http.ErrAbortHandler) // net/http drops the connection quietly
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// send posts a delivery of event id, signed with key, to srv and returns the
// status (0 when the connection was dropped).
func send(t *testing.T, srv *httptest.Server, key []byte, id string) int {
	t.Helper()
	resp, err := srv.Client().Do(guardtest.Delivery(t, srv.URL+"/webhooks", key, id, `{"n":1}`))
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// scrape fetches url and parses the Prometheus text format.
func scrape(t *testing.T, url string) (string, map[string]*dto.MetricFamily) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	require.NoError(t, err)
	return string(body), families
}

// otelBuckets are the boundaries the OpenTelemetry semantic conventions
// recommend for http.server.request.duration, plus the +Inf bucket.
var otelBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, math.Inf(1)}

// TestRealDeliveries sends real signed deliveries through a Guard on
// loopback and scrapes the metrics from their own listener.
func TestRealDeliveries(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := New(Options{Registerer: reg})
	require.NoError(t, err)
	notAfter := time.Unix(1893456000, 0) // 2030-01-01
	srv := receiver(t, m, notAfter)
	metrics := httptest.NewServer(m.Handler())
	defer metrics.Close()

	for _, d := range []struct {
		key    []byte
		id     string
		status int
	}{
		{guardtest.Key, "msg_1", 204},
		{guardtest.Key, "msg_2", 204},
		{guardtest.Key, "msg_1", 200}, // duplicate
		{guardtest.ForgedKey, "msg_3", 401},
		{guardtest.Key, "msg_fail", 500},
		{guardtest.Key, "msg_panic", 0},
	} {
		require.Equal(t, d.status, send(t, srv, d.key, d.id), d.id)
	}

	text, families := scrape(t, metrics.URL+"/metrics")
	const scheme = `scheme="standard-webhooks"`
	for _, line := range []string{
		`hookguard_deliveries_total{reason="accepted",` + scheme + `} 4`,
		`hookguard_deliveries_total{reason="duplicate",` + scheme + `} 1`,
		`hookguard_deliveries_total{reason="bad_signature",` + scheme + `} 1`,
		`hookguard_handler_outcomes_total{outcome="completed",` + scheme + `} 2`,
		`hookguard_handler_outcomes_total{outcome="released",` + scheme + `} 1`,
		`hookguard_handler_outcomes_total{outcome="panicked",` + scheme + `} 1`,
		`hookguard_secret_matches_total{` + scheme + `,secret_id="k1"} 5`,
		`hookguard_secret_not_after_timestamp_seconds{` + scheme + `,secret_id="k1"} 1.893456e+09`,
		`hookguard_store_keys{store="replay"} 2`, // msg_1, msg_2 completed; msg_fail, msg_panic released; msg_3 never claimed
		`hookguard_store_capacity{store="replay"} 1000`,
		`hookguard_store_evicted_live_total{store="replay"} 0`,
	} {
		require.Contains(t, text, line+"\n")
	}

	// The request-duration histogram: one observation per delivery, under
	// the status the sender got, with OpenTelemetry's buckets.
	counts := map[string]uint64{}
	for _, mt := range families["http_server_request_duration_seconds"].GetMetric() {
		labels := map[string]string{}
		for _, l := range mt.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		require.Len(t, labels, 3)
		require.Equal(t, "standard-webhooks", labels["scheme"])
		counts[labels["http_response_status_code"]+"/"+labels["reason"]] += mt.GetHistogram().GetSampleCount()
		var bounds []float64
		for _, b := range mt.GetHistogram().GetBucket() {
			bounds = append(bounds, b.GetUpperBound())
		}
		require.Equal(t, otelBuckets, bounds)
		require.Positive(t, mt.GetHistogram().GetSampleSum())
	}
	require.Equal(t, map[string]uint64{"204/accepted": 2, "200/duplicate": 1, "401/bad_signature": 1, "500/accepted": 2}, counts)

	// Verification ran for all six; the claim for the five that verified.
	require.Equal(t, uint64(6), families["hookguard_verify_duration_seconds"].GetMetric()[0].GetHistogram().GetSampleCount())
	require.Equal(t, uint64(5), families["hookguard_claim_duration_seconds"].GetMetric()[0].GetHistogram().GetSampleCount())
}

// TestLabelsBounded proves a label admits MaxValues distinct values and
// folds the rest into "other".
func TestLabelsBounded(t *testing.T) {
	m, err := New(Options{Registerer: prometheus.NewRegistry(), MaxValues: 2})
	require.NoError(t, err)
	for i := range 5 {
		m.Observe(context.Background(), middleware.Observation{
			Reason: middleware.ReasonAccepted, Status: 200 + 1000*i, Outcome: middleware.OutcomeCompleted,
			Event: middleware.Event{Scheme: fmt.Sprint("scheme", i), SecretID: fmt.Sprint("secret", i)},
		})
	}
	require.Equal(t, 3, testutil.CollectAndCount(m.matches), "secret0, secret1, other")
	require.Equal(t, 3, testutil.CollectAndCount(m.deliveries), "scheme0, scheme1, other")
	require.Equal(t, map[string]uint64{"200": 1, "other": 4}, histogramCounts(t, m.duration, "http_response_status_code"))
	require.Equal(t, 1.0, testutil.ToFloat64(m.matches.WithLabelValues("scheme0", "secret0")))
	require.Equal(t, 3.0, testutil.ToFloat64(m.matches.WithLabelValues("other", "other")))
}

// TestTransport records the upstream's status and latency, and the failure
// class when no response came.
func TestTransport(t *testing.T) {
	m, err := New(Options{Registerer: prometheus.NewRegistry()})
	require.NoError(t, err)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	defer up.Close()
	client := &http.Client{Transport: m.Transport(nil)}

	resp, err := client.Post(up.URL, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()

	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, up.URL, nil)
	_, err = client.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // nothing listens there now
	_, err = client.Get(down.URL)
	require.Error(t, err)

	require.Equal(t, map[string]uint64{"202/": 1, "/timeout": 1, "/transport": 1},
		histogramCounts(t, m.upstream, "http_response_status_code", "error_type"))
}

// histogramCounts returns the sample counts of c's histograms by the values
// of the named labels, joined with "/".
func histogramCounts(t *testing.T, c prometheus.Collector, names ...string) map[string]uint64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 100)
	c.Collect(ch)
	close(ch)
	out := map[string]uint64{}
	for metric := range ch {
		var pb dto.Metric
		require.NoError(t, metric.Write(&pb))
		labels := map[string]string{}
		for _, l := range pb.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		var key []string
		for _, n := range names {
			key = append(key, labels[n])
		}
		out[strings.Join(key, "/")] += pb.GetHistogram().GetSampleCount()
	}
	return out
}

func TestNewTwiceOnOneRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	_, err := New(Options{Registerer: reg})
	require.NoError(t, err)
	_, err = New(Options{Registerer: reg})
	var already prometheus.AlreadyRegisteredError
	require.True(t, errors.As(err, &already), "%v", err)
}

func TestWatchRefusals(t *testing.T) {
	m, err := New(Options{Registerer: prometheus.NewRegistry(), MaxValues: 1})
	require.NoError(t, err)
	stats := func() StoreStats { return StoreStats{} }
	require.Error(t, m.WatchStore("", stats), "no name")
	require.NoError(t, m.WatchStore("replay", stats))
	require.ErrorContains(t, m.WatchStore("replay", stats), "watched already")
	require.ErrorContains(t, m.WatchStore("ratelimit", stats), "at most 1")
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k", Key: guardtest.Key})
	require.NoError(t, err)
	require.NoError(t, m.WatchKeyring("stripe", keys), "keyrings are counted apart from stores")
}
