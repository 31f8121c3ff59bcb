package hookprom_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hookguard/hookguard/hmac"
	hookprom "github.com/hookguard/hookguard/metrics/prometheus"
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/replay"
)

// A Guard observed by hookprom, its replay store watched, and /metrics
// served on a listener of its own, scraped after two signed deliveries and
// a forgery.
func Example() {
	reg := prometheus.NewRegistry()
	m, err := hookprom.New(hookprom.Options{Registerer: reg})
	if err != nil {
		panic(err)
	}
	keys, _ := hmac.NewKeyring(hmac.Secret{ID: "2024-06", Key: []byte("prom-example-secret-0123456789abc")})
	store := replay.NewMemory(10_000)
	_ = m.WatchStore("replay", func() hookprom.StoreStats {
		s := store.Stats()
		return hookprom.StoreStats{Keys: s.Keys, Capacity: s.Capacity, Evictions: s.Evictions, EvictedLive: s.EvictedLive}
	})
	guard, _ := middleware.New(middleware.Config{
		Scheme: hmac.StandardWebhooks, Keyring: keys, Replay: store,
		Observer: m.Observe,
	})
	app := httptest.NewServer(guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer app.Close()
	metrics := httptest.NewServer(m.Handler()) // its own listener
	defer metrics.Close()

	for i, signWith := range []*hmac.Keyring{keys, keys, nil} {
		if signWith == nil { // a forgery
			signWith, _ = hmac.NewKeyring(hmac.Secret{Key: []byte("an-attacker-guess-0123456789abcd")})
		}
		body := []byte(`{"type":"invoice.paid"}`)
		req, _ := http.NewRequest(http.MethodPost, app.URL, bytes.NewReader(body))
		_ = hmac.NewSigner(hmac.StandardWebhooks, signWith).Sign(req.Header, fmt.Sprint("msg_", i), time.Now(), body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}

	resp, err := http.Get(metrics.URL + "/metrics")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		line := lines.Text()
		for _, name := range []string{"hookguard_deliveries_total{", "hookguard_handler_outcomes_total{", "hookguard_secret_matches_total{", "hookguard_store_keys{"} {
			if strings.HasPrefix(line, name) {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// hookguard_deliveries_total{reason="accepted",scheme="standard-webhooks"} 2
	// hookguard_deliveries_total{reason="bad_signature",scheme="standard-webhooks"} 1
	// hookguard_handler_outcomes_total{outcome="completed",scheme="standard-webhooks"} 2
	// hookguard_secret_matches_total{scheme="standard-webhooks",secret_id="2024-06"} 2
	// hookguard_store_keys{store="replay"} 2
}
