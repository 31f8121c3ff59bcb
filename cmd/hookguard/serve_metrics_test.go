package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestBinaryServeMetrics: serve -metrics scrapes real deliveries through a
// built binary: decisions by reason, handler outcomes, the matching secret,
// the upstream's statuses and the memory stores.
func TestBinaryServeMetrics(t *testing.T) {
	var calls atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 {
			http.Error(w, "down", http.StatusBadGateway) // the second forward fails once
		}
	}))
	defer up.Close()
	p := startBinary(t, serveEnv(), "serve", "-listen", "127.0.0.1:0", "-upstream", up.URL,
		"-secret-env", "new=HG_NEW", "-metrics", "127.0.0.1:0", "-rate", "100")
	// The start-up record names the scheme, the upstream, the secret IDs and the stores.
	p.waitFor(t, `serve: configured" scheme=standard-webhooks upstream=http://127\.0\.0\.1:\d+ secret_ids=new replay_store="memory \(100000 IDs\)" limiter="memory`)
	addr := p.waitFor(t, `serve: listening" addr=(\S+)`)[1]
	maddr := p.waitFor(t, `serve: metrics listening" addr=(\S+)`)[1]
	url := "http://" + addr + "/hook"

	send := func(req *http.Request) int {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ctx := context.Background()
	for i, c := range []struct {
		id, body string
		forge    bool
		want     int
	}{
		{"msg_m1", `{"n":1}`, false, 200},
		{"msg_m1", `{"n":1}`, false, 200}, // duplicate
		{"msg_m2", `{"n":2}`, false, 502}, // the upstream fails: released
		{"msg_m2", `{"n":2}`, false, 200}, // the retry
		{"msg_m3", `{"n":3}`, true, 401},  // forged
	} {
		req := signedDelivery(t, ctx, url, c.id, c.body)
		if c.forge {
			req.Header.Set("Webhook-Signature", "v1,"+strings.Repeat("A", 43)+"=")
		}
		if got := send(req); got != c.want {
			t.Fatalf("delivery %d: status %d, want %d", i, got, c.want)
		}
	}

	resp, err := http.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(b)
	for _, want := range []string{
		`hookguard_deliveries_total{reason="accepted",scheme="standard-webhooks"} 3`,
		`hookguard_deliveries_total{reason="duplicate",scheme="standard-webhooks"} 1`,
		`hookguard_deliveries_total{reason="bad_signature",scheme="standard-webhooks"} 1`,
		`hookguard_handler_outcomes_total{outcome="completed",scheme="standard-webhooks"} 2`,
		`hookguard_handler_outcomes_total{outcome="released",scheme="standard-webhooks"} 1`,
		`hookguard_secret_matches_total{scheme="standard-webhooks",secret_id="new"} 4`, // the duplicate verified too
		`http_client_request_duration_seconds_count{error_type="",http_response_status_code="200"} 2`,
		`http_client_request_duration_seconds_count{error_type="",http_response_status_code="502"} 1`,
		`hookguard_store_keys{store="replay"} 2`,
		`hookguard_store_capacity{store="ratelimit"} 100000`,
		`http_server_request_duration_seconds_count{http_response_status_code="401",reason="bad_signature",scheme="standard-webhooks"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q in:\n%s", want, grep(text, strings.SplitN(want, "{", 2)[0]))
		}
	}
	if strings.Contains(text, "msg_m") || strings.Contains(text, "127.0.0.1") {
		t.Error("/metrics carries a request's value as a label")
	}
}

// grep returns the lines of text that contain s.
func grep(text, s string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
