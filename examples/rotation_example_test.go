package examples

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

// Example_rotation rotates a receiver's secret without downtime:
//
//  1. add the new secret with Keyring.Rotate; the old one stays valid for a
//     grace period;
//  2. switch the sender to the new secret whenever it suits it;
//  3. watch which secret verifies deliveries (Event.SecretID, or the
//     Observer's Observation.Event.SecretID, e.g. as a metric label);
//  4. once the old secret is no longer seen, Revoke it.
func Example_rotation() {
	oldKey := []byte("old-secret-0123456789abcdef01234")
	newKey := []byte("new-secret-0123456789abcdef01234")

	// The receiver starts with the old secret only.
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "2026-01", Key: oldKey})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(middleware.Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: keys,
		// Step 3: count verifications per secret ID.
		Observer: func(_ context.Context, o middleware.Observation) {
			fmt.Printf("  observer: %s secret=%q\n", o.Reason, o.Event.SecretID)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(guard.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer srv.Close()

	n := 0
	send := func(what string, key []byte) {
		n++
		sender, _ := hmac.NewKeyring(hmac.Secret{Key: key})
		body := fmt.Sprintf(`{"n":%d}`, n)
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		_ = hmac.NewSigner(hmac.StandardWebhooks, sender).Sign(req.Header, fmt.Sprintf("msg_%d", n), time.Now(), []byte(body))
		fmt.Println(what)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("  status:", resp.StatusCode)
	}

	send("sender on the old secret:", oldKey)

	// Step 1: the receiver adds the new secret; the old one stays valid 24 h.
	if err := keys.Rotate(hmac.Secret{ID: "2026-02", Key: newKey}, 24*time.Hour); err != nil {
		log.Fatal(err)
	}
	send("after Rotate, sender still on the old secret:", oldKey)
	// Step 2: the sender switches.
	send("sender switched to the new secret:", newKey)

	// Step 4: the old secret is no longer seen: revoke it.
	if err := keys.Revoke("2026-01"); err != nil {
		log.Fatal(err)
	}
	send("after Revoke, a delivery signed with the old secret:", oldKey)
	// Output:
	// sender on the old secret:
	//   observer: accepted secret="2026-01"
	//   status: 200
	// after Rotate, sender still on the old secret:
	//   observer: accepted secret="2026-01"
	//   status: 200
	// sender switched to the new secret:
	//   observer: accepted secret="2026-02"
	//   status: 200
	// after Revoke, a delivery signed with the old secret:
	//   observer: bad_signature secret=""
	//   status: 401
}
