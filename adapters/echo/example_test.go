package hookecho_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/labstack/echo/v4"

	hookecho "github.com/hookguard/hookguard/adapters/echo"
	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

// An echo route behind a Guard, served on loopback and sent one signed
// delivery, its replay and a forgery.
func Example() {
	keys, _ := hmac.NewKeyring(hmac.Secret{ID: "2024-06", Key: []byte("echo-example-secret-0123456789abc")})
	guard, err := middleware.New(middleware.Config{Scheme: hmac.StandardWebhooks, Keyring: keys})
	if err != nil {
		panic(err)
	}

	e := echo.New()
	e.POST("/webhooks", func(c echo.Context) error {
		ev, _ := middleware.EventFrom(c.Request().Context())
		fmt.Println("handler: event", ev.ID, "signed with", ev.SecretID)
		return c.NoContent(http.StatusNoContent)
	}, hookecho.Middleware(guard))
	srv := httptest.NewServer(e)
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
