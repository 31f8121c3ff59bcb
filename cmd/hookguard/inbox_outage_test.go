package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestBinaryInboxOutage: the Postgres server of a running serve -inbox
// stops (immediate mode, like a crash). Deliveries are answered 503 with
// Retry-After and nothing is acknowledged; once the server is back, the
// same serve process, never restarted, accepts and forwards again, the
// delivery refused during the outage included (the provider's retry).
func TestBinaryInboxOutage(t *testing.T) {
	t.Parallel()
	pg := ownPostgres(t)
	db := newDatabase(t, pg)
	up := newEventUpstream()
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()
	p, url := startInboxServe(t, inboxServeArgs(db, upSrv.URL))
	client := &http.Client{Timeout: 20 * time.Second}

	if status, word, _ := sendSigned(t, client, url, "msg_before"); status != 200 || word != "accepted" {
		t.Fatalf("before the outage: %d %s", status, word)
	}
	up.waitAll(t, []string{"msg_before"}, 10*time.Second)

	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"msg_during", "msg_during"} { // a broken pooled connection, then a refused one
		status, word, retry := sendSigned(t, client, url, id)
		if status != http.StatusServiceUnavailable || word != "store_unavailable" || retry == "" {
			t.Fatalf("during the outage: %d %s, Retry-After %q", status, word, retry)
		}
	}

	if err := pg.Restart(); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	// The provider retries: the pool reconnects on its own.
	for {
		status, word, _ := sendSigned(t, client, url, "msg_during")
		if status == 200 && word == "accepted" {
			break
		}
		if status != http.StatusServiceUnavailable || time.Since(back) > 20*time.Second {
			t.Fatalf("after the outage: %d %s (%v after the restart)\n%s", status, word, time.Since(back), p.stderr())
		}
		time.Sleep(50 * time.Millisecond) // a real server reconnecting: polled
	}
	if status, word, _ := sendSigned(t, client, url, "msg_after"); status != 200 || word != "accepted" {
		t.Fatalf("after the outage: %d %s", status, word)
	}
	up.waitAll(t, []string{"msg_during", "msg_after"}, 20*time.Second)
	t.Logf("accepting again %v after Postgres restarted", time.Since(back).Round(time.Millisecond))
}
