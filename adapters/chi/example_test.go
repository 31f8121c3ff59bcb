package hookchi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

// A chi route behind a Guard: guard.Handler is chi middleware as is.
// Served on loopback and sent one signed delivery, its replay and a forgery.
func Example() {
	keys, _ := hmac.NewKeyring(hmac.Secret{ID: "2024-06", Key: []byte("chi-example-secret-0123456789abcd")})
	guard, err := middleware.New(middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: keys})
	if err != nil {
		panic(err)
	}

	r := chi.NewRouter()
	r.With(guard.Handler).Post("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		ev, _ := middleware.EventFrom(r.Context())
		fmt.Println("handler: event", ev.ID, "signed with", ev.SecretID)
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	send := func(signWith *hmac.Keyring) {
		body := []byte(`{"type":"invoice.paid"}`)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks", bytes.NewReader(body))
		_ = hmac.NewSigner(hmac.StandardWebhooks, signWith).Sign(req.Header, "msg_42", time.Now(), body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println("sender got", resp.StatusCode)
	}
	send(keys)
	send(keys) // the provider's retry: already processed
	forged, _ := hmac.NewKeyring(hmac.Secret{Key: []byte("an-attacker-guess-0123456789abcd")})
	send(forged)
	// Output:
	// handler: event msg_42 signed with 2024-06
	// sender got 204
	// sender got 200
	// sender got 401
}
