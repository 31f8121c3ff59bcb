package examples

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

// Example_receiver is the README's quickstart: a net/http receiver for
// Standard Webhooks deliveries. Only the last lines differ from the README
// (an httptest server on loopback instead of ListenAndServe, and a sender).
func Example_receiver() {
	// The secret as the provider displays it; read it from the environment
	// or a secret store in real code (os.Getenv("WEBHOOK_SECRET")).
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

	key, err := hmac.StandardWebhooks.ParseKey(secret)
	if err != nil {
		log.Fatal(err)
	}
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "2026-01", Key: key})
	if err != nil {
		log.Fatal(err)
	}
	guard, err := middleware.New(middleware.Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: keys,
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks", guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context()) // verified, fresh, first time
		body, _ := io.ReadAll(r.Body)              // the body, restored
		fmt.Printf("handler: event %s, secret %s, body %s\n", ev.ID, ev.SecretID, body)
		w.WriteHeader(http.StatusNoContent) // a 2xx marks the event processed
	})))
	// In production: log.Fatal(http.ListenAndServe(":8080", mux))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A provider's delivery, a forgery and a replay of the first.
	body := `{"type":"invoice.paid"}`
	h := http.Header{}
	if err := hmac.NewSigner(hmac.StandardWebhooks, keys).Sign(h, "msg_2mAqJ1", time.Now(), []byte(body)); err != nil {
		log.Fatal(err)
	}
	post := func(what, body string, h http.Header) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks", strings.NewReader(body))
		req.Header = h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-6s -> %d %s", what, resp.StatusCode, answer)))
	}
	post("valid", body, h)
	post("forged", `{"type":"invoice.refunded"}`, h)
	post("replay", body, h)
	// Output:
	// handler: event msg_2mAqJ1, secret 2026-01, body {"type":"invoice.paid"}
	// valid  -> 204
	// forged -> 401 {"error":"bad_signature"}
	// replay -> 200 {"status":"duplicate"}
}
